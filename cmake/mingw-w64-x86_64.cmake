# Cross-compiling caora.exe for 64-bit Windows with Debian's mingw-w64.
#
# The -posix compilers: their libstdc++ has std::thread and std::mutex (the
# -win32 flavour does not). Libraries come from the prefix scripts/windows-deps.sh
# builds (CAORA_WIN_PREFIX) and from mingw's own sysroot, never from /usr.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_SYSTEM_VERSION 10.0)

set(_mingw x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${_mingw}-gcc-posix)
set(CMAKE_CXX_COMPILER ${_mingw}-g++-posix)
set(CMAKE_RC_COMPILER ${_mingw}-windres)
set(CMAKE_AR ${_mingw}-gcc-ar-posix CACHE FILEPATH "")
set(CMAKE_RANLIB ${_mingw}-gcc-ranlib-posix CACHE FILEPATH "")

if(NOT CAORA_WIN_PREFIX AND DEFINED ENV{CAORA_WIN_PREFIX})
  set(CAORA_WIN_PREFIX "$ENV{CAORA_WIN_PREFIX}")
endif()
# try_compile() projects read this file again and need the prefix too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES CAORA_WIN_PREFIX)

# CAORA_WIN_PREFIX may name several prefixes (';'-separated): the base libraries
# and, for caora-selftest.exe, scripts/windows-selftest-deps.sh's.
set(CMAKE_FIND_ROOT_PATH /usr/${_mingw})
if(CAORA_WIN_PREFIX)
  list(PREPEND CMAKE_FIND_ROOT_PATH ${CAORA_WIN_PREFIX})
  # pkg-config must see the prefixes' .pc files only, not the build machine's.
  set(_pc "")
  foreach(_p IN LISTS CAORA_WIN_PREFIX)
    list(APPEND _pc "${_p}/lib/pkgconfig")
  endforeach()
  string(REPLACE ";" ":" _pc "${_pc}")
  set(ENV{PKG_CONFIG_LIBDIR} "${_pc}")
  set(ENV{PKG_CONFIG_PATH} "")
  set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Static libraries first, so nothing needs a DLL beside the .exe.
set(CMAKE_FIND_LIBRARY_SUFFIXES .a .lib)

# One self-contained .exe: libgcc, libstdc++ and winpthread linked in.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
# Windows 10 APIs (InitiateShutdownW, PowerReadACValueIndex, DEVPKEY_*).
set(CMAKE_C_FLAGS_INIT "-D_WIN32_WINNT=0x0A00 -DWINVER=0x0A00")
set(CMAKE_CXX_FLAGS_INIT "-D_WIN32_WINNT=0x0A00 -DWINVER=0x0A00")
