# Cross build for 64-bit ARM (Cortex-A53/A55 kiosk boards), Debian 12 arm64, with Debian's
# g++-aarch64-linux-gnu and a sysroot from `toolchain/make-sysroot.sh aarch64`.
#   cmake -S . -B build-aarch64 -G Ninja --toolchain toolchain/aarch64-linux-gnu.cmake
# or simply toolchain/cross-build.sh aarch64.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(KIOSK_CROSS_ARCH aarch64)
set(KIOSK_CROSS_TRIPLET aarch64-linux-gnu)
set(KIOSK_QEMU_ARCH aarch64)
set(KIOSK_DEB_ARCH arm64)
include(${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake)
