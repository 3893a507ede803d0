# Cross build for 32-bit ARM (ARMv7-A hard-float), Debian 12 armhf, with Debian's
# g++-arm-linux-gnueabihf and a sysroot from `toolchain/make-sysroot.sh armhf`.
#   cmake -S . -B build-armhf -G Ninja --toolchain toolchain/arm-linux-gnueabihf.cmake
# or simply toolchain/cross-build.sh armhf.
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(KIOSK_CROSS_ARCH armhf)
set(KIOSK_CROSS_TRIPLET arm-linux-gnueabihf)
set(KIOSK_QEMU_ARCH arm)
set(KIOSK_DEB_ARCH armhf)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
# GCC's note that passing some iterators "changed in GCC 7.1" (-Wpsabi) concerns linking with code
# built by GCC older than 7.1; everything here is built by GCC 12, so the notes are noise.
string(APPEND CMAKE_CXX_FLAGS_INIT " -Wno-psabi")
