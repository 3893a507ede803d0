# Shared part of the toolchain files for Debian 12 cross builds against a sysroot made by
# toolchain/make-sysroot.sh. The including file sets KIOSK_CROSS_ARCH (the make-sysroot name),
# KIOSK_CROSS_TRIPLET (the GNU triplet of Debian's cross compiler) and CMAKE_SYSTEM_PROCESSOR.
#
# The sysroot is taken from, in order: -DKIOSK_SYSROOT=..., the environment variable KIOSK_SYSROOT,
# then make-sysroot.sh's default cache ($KIOSK_SYSROOT_CACHE or ~/.cache/onecard-kiosk)/ARCH/sysroot.
set(CMAKE_SYSTEM_NAME Linux)

if(NOT KIOSK_SYSROOT)
  if(DEFINED ENV{KIOSK_SYSROOT})
    set(KIOSK_SYSROOT "$ENV{KIOSK_SYSROOT}")
  elseif(DEFINED ENV{KIOSK_SYSROOT_CACHE})
    set(KIOSK_SYSROOT "$ENV{KIOSK_SYSROOT_CACHE}/${KIOSK_CROSS_ARCH}/sysroot")
  elseif(DEFINED ENV{XDG_CACHE_HOME})
    set(KIOSK_SYSROOT "$ENV{XDG_CACHE_HOME}/onecard-kiosk/${KIOSK_CROSS_ARCH}/sysroot")
  else()
    set(KIOSK_SYSROOT "$ENV{HOME}/.cache/onecard-kiosk/${KIOSK_CROSS_ARCH}/sysroot")
  endif()
endif()
set(KIOSK_SYSROOT "${KIOSK_SYSROOT}" CACHE PATH "Target sysroot made by toolchain/make-sysroot.sh")
if(NOT EXISTS "${KIOSK_SYSROOT}/usr/include/stdio.h")
  message(FATAL_ERROR "No sysroot at ${KIOSK_SYSROOT}: run toolchain/make-sysroot.sh ${KIOSK_CROSS_ARCH}")
endif()
# try_compile projects re-read this file: hand them the sysroot.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES KIOSK_SYSROOT)

set(CMAKE_SYSROOT "${KIOSK_SYSROOT}")
set(CMAKE_C_COMPILER ${KIOSK_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${KIOSK_CROSS_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${KIOSK_CROSS_TRIPLET})
set(CMAKE_STRIP ${KIOSK_CROSS_TRIPLET}-strip CACHE FILEPATH "")

# Libraries, headers and CMake packages from the sysroot only; programs from the host.
set(CMAKE_FIND_ROOT_PATH "${KIOSK_SYSROOT}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The sysroot's libraries name their own dependencies (DT_NEEDED) by soname; the linker finds them
# in the multiarch folders only when told.
string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT
  " -Wl,-rpath-link,${KIOSK_SYSROOT}/usr/lib/${KIOSK_CROSS_TRIPLET}"
  " -Wl,-rpath-link,${KIOSK_SYSROOT}/lib/${KIOSK_CROSS_TRIPLET}")
string(APPEND CMAKE_SHARED_LINKER_FLAGS_INIT
  " -Wl,-rpath-link,${KIOSK_SYSROOT}/usr/lib/${KIOSK_CROSS_TRIPLET}")

# pkg-config: the target's .pc files, with their -I/-L paths prefixed by the sysroot.
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${KIOSK_SYSROOT}")
set(ENV{PKG_CONFIG_LIBDIR}
  "${KIOSK_SYSROOT}/usr/lib/${KIOSK_CROSS_TRIPLET}/pkgconfig:${KIOSK_SYSROOT}/usr/share/pkgconfig:${KIOSK_SYSROOT}/usr/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# ctest and add_custom_command run target programs through qemu user emulation, with the sysroot as
# the root for the dynamic loader and the shared libraries. QEMU_LD_PREFIX makes nested runs
# (a test that spawns kioskctl) find them too.
find_program(KIOSK_QEMU qemu-${KIOSK_QEMU_ARCH})
if(KIOSK_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR "${KIOSK_QEMU};-L;${KIOSK_SYSROOT}")
endif()

# Packaging: the Debian architecture of the .deb files.
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${KIOSK_DEB_ARCH} CACHE STRING "")
