# kiosk_opencv_modules(module...): imported targets opencv_<module> for the OpenCV modules the
# caller needs. Uses OpenCV's own package config (Debian's libopencv-dev, or a FindOpenCV module on
# CMAKE_MODULE_PATH) when present; otherwise the per-module Debian packages (libopencv-<m>-dev),
# which ship headers and libraries but no CMake config. Targets already defined are kept.
include_guard(GLOBAL)

function(kiosk_opencv_modules)
  find_package(OpenCV QUIET COMPONENTS ${ARGN})
  if(OpenCV_FOUND)
    return()
  endif()
  find_path(KIOSK_OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
  foreach(m IN LISTS ARGN)
    if(TARGET opencv_${m})
      continue()
    endif()
    find_library(KIOSK_OPENCV_${m}_LIBRARY NAMES opencv_${m})
    if(NOT KIOSK_OPENCV_${m}_LIBRARY)
      message(FATAL_ERROR "OpenCV module ${m} not found (install libopencv-${m}-dev)")
    endif()
    add_library(opencv_${m} UNKNOWN IMPORTED GLOBAL)
    set_target_properties(opencv_${m} PROPERTIES
      IMPORTED_LOCATION "${KIOSK_OPENCV_${m}_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${KIOSK_OPENCV_INCLUDE_DIR}")
  endforeach()
endfunction()
