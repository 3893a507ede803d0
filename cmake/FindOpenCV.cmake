# FindOpenCV: OpenCV's own package config when it is installed (Debian's libopencv-dev), otherwise
# the per-module Debian packages (libopencv-<module>-dev), which ship headers and libraries but no
# CMake config. Either way the result has the config's shape: OpenCV_FOUND, OpenCV_INCLUDE_DIRS,
# OpenCV_LIBS (GLOBAL imported targets named opencv_<module>, kept if already defined), so callers
# read as with the upstream config:
#   find_package(OpenCV REQUIRED COMPONENTS core imgproc videoio imgcodecs)
#   target_link_libraries(t PRIVATE ${OpenCV_LIBS})
find_package(OpenCV CONFIG QUIET COMPONENTS ${OpenCV_FIND_COMPONENTS})
if(OpenCV_FOUND)
  return()
endif()

find_path(OpenCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4)
set(OpenCV_LIBS "")
set(_kiosk_opencv_missing "")
foreach(_m IN LISTS OpenCV_FIND_COMPONENTS)
  find_library(OpenCV_${_m}_LIBRARY NAMES opencv_${_m})
  if(NOT OpenCV_${_m}_LIBRARY)
    list(APPEND _kiosk_opencv_missing ${_m})
    continue()
  endif()
  if(NOT TARGET opencv_${_m})
    add_library(opencv_${_m} UNKNOWN IMPORTED GLOBAL)
    set_target_properties(opencv_${_m} PROPERTIES
      IMPORTED_LOCATION "${OpenCV_${_m}_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${OpenCV_INCLUDE_DIR}")
  endif()
  list(APPEND OpenCV_LIBS opencv_${_m})
endforeach()
set(OpenCV_INCLUDE_DIRS "${OpenCV_INCLUDE_DIR}")

include(FindPackageHandleStandardArgs)
if(_kiosk_opencv_missing)
  set(OpenCV_INCLUDE_DIR OpenCV_INCLUDE_DIR-NOTFOUND)
  message(STATUS "OpenCV modules not found: ${_kiosk_opencv_missing} (install libopencv-<module>-dev)")
endif()
find_package_handle_standard_args(OpenCV REQUIRED_VARS OpenCV_INCLUDE_DIR)
