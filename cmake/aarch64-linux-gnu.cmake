# CMake toolchain file: cross-compiles slugwright for linux/arm64 (aarch64)
# on a Debian 12 amd64 machine, with Debian's g++-aarch64-linux-gnu and
# Debian's arm64 packages of the libraries (tools/install-deps cross):
#   - the Multi-Arch ones (Boost, OpenSSL, GoogleTest, fmt, spdlog, libpq5)
#     installed beside the amd64 ones in /usr/lib/aarch64-linux-gnu;
#   - libpq-dev, libpqxx-dev and libyaml-cpp-dev, which Debian does not let
#     co-install with their amd64 packages, unpacked into
#     SLUGWRIGHT_ARM64_DEV (default /var/cache/slugwright/arm64-dev).
# Test programs run under qemu-aarch64-static (CMAKE_CROSSCOMPILING_EMULATOR),
# which finds the arm64 loader and libraries through Debian's multiarch paths.
# Used by tools/build-arm64:
#   cmake -S . -B build/arm64 --toolchain cmake/aarch64-linux-gnu.cmake ...
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

if(NOT SLUGWRIGHT_ARM64_DEV)
  if(DEFINED ENV{SLUGWRIGHT_ARM64_DEV})
    set(SLUGWRIGHT_ARM64_DEV "$ENV{SLUGWRIGHT_ARM64_DEV}")
  else()
    set(SLUGWRIGHT_ARM64_DEV /var/cache/slugwright/arm64-dev)
  endif()
endif()
set(SLUGWRIGHT_ARM64_DEV "${SLUGWRIGHT_ARM64_DEV}" CACHE PATH
  "Where tools/install-deps cross unpacked the arm64 -dev packages that are not Multi-Arch")
# Passed on to try_compile projects, which read this file again.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES SLUGWRIGHT_ARM64_DEV)

# The unpacked -dev packages first, then the machine's own multiarch paths
# (/usr/lib/aarch64-linux-gnu, /usr/include); never an amd64 library.
set(CMAKE_FIND_ROOT_PATH "${SLUGWRIGHT_ARM64_DEV}" /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# No RUNPATH to the unpacked libpq.so: it links to libpq.so.5 in
# /usr/lib/aarch64-linux-gnu, where the loader looks anyway (and the binary
# must have no RPATH: tools/check-portable).
set(CMAKE_SKIP_RPATH ON CACHE BOOL "No RUNPATH in the arm64 binaries")

# pkg-config (FindOpenSSL asks it) must see only the arm64 .pc files.
set(ENV{PKG_CONFIG_LIBDIR}
  "${SLUGWRIGHT_ARM64_DEV}/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
