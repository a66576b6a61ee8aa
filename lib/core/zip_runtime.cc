// libzip, loaded the first time a zip archive is written or read (the journal's
// backups of folders: core/archive.cc) instead of at every start. Debian's libzip
// brings OpenSSL's libcrypto, bzip2 and zlib along, and loading and relocating them
// was about a fifth of the wall time of `caora diagnose` and of `caora --version`
// (bench/startup.sh). These definitions stand in for the functions archive.cc calls
// and forward to the library's own; a function archive.cc starts to call without
// one here fails to link. The Windows build links its static libzip directly.
#ifndef _WIN32
#include <dlfcn.h>
#include <zip.h>

namespace {

void* libzip() {
  static void* handle = dlopen(CAORA_LIBZIP_SONAME, RTLD_NOW | RTLD_LOCAL);
  return handle;
}

template <typename Fn>
Fn* real(const char* name) {
  void* lib = libzip();
  return lib ? reinterpret_cast<Fn*>(dlsym(lib, name)) : nullptr;
}

const char* unavailable() {
  return "libzip (" CAORA_LIBZIP_SONAME ") could not be loaded";
}

}  // namespace

// FALLBACK is what the call gives when libzip cannot be loaded: its own failure value.
#define CAORA_ZIP_FORWARD(ret, name, params, args, fallback) \
  extern "C" ret name params {                               \
    static auto* const fn = real<decltype(name)>(#name);    \
    if (fn == nullptr) return fallback;                      \
    return fn args;                                          \
  }

CAORA_ZIP_FORWARD(zip_t*, zip_open, (const char* path, int flags, int* errorp), (path, flags, errorp),
                  (errorp ? *errorp = ZIP_ER_INTERNAL : 0, nullptr))
CAORA_ZIP_FORWARD(int, zip_close, (zip_t * z), (z), -1)
CAORA_ZIP_FORWARD(void, zip_discard, (zip_t * z), (z), )
CAORA_ZIP_FORWARD(zip_int64_t, zip_dir_add, (zip_t * z, const char* name, zip_flags_t flags), (z, name, flags), -1)
CAORA_ZIP_FORWARD(zip_int64_t, zip_file_add, (zip_t * z, const char* name, zip_source_t* src, zip_flags_t flags),
                  (z, name, src, flags), -1)
CAORA_ZIP_FORWARD(zip_source_t*, zip_source_file, (zip_t * z, const char* path, zip_uint64_t start, zip_int64_t len),
                  (z, path, start, len), nullptr)
CAORA_ZIP_FORWARD(void, zip_source_free, (zip_source_t * src), (src), )
CAORA_ZIP_FORWARD(zip_int64_t, zip_get_num_entries, (zip_t * z, zip_flags_t flags), (z, flags), -1)
CAORA_ZIP_FORWARD(int, zip_stat_index, (zip_t * z, zip_uint64_t i, zip_flags_t flags, zip_stat_t* st), (z, i, flags, st), -1)
CAORA_ZIP_FORWARD(zip_file_t*, zip_fopen_index, (zip_t * z, zip_uint64_t i, zip_flags_t flags), (z, i, flags), nullptr)
CAORA_ZIP_FORWARD(zip_int64_t, zip_fread, (zip_file_t * f, void* buf, zip_uint64_t n), (f, buf, n), -1)
CAORA_ZIP_FORWARD(int, zip_fclose, (zip_file_t * f), (f), -1)
CAORA_ZIP_FORWARD(const char*, zip_strerror, (zip_t * z), (z), unavailable())
CAORA_ZIP_FORWARD(void, zip_error_init_with_code, (zip_error_t * e, int code), (e, code), )
CAORA_ZIP_FORWARD(const char*, zip_error_strerror, (zip_error_t * e), (e), unavailable())
CAORA_ZIP_FORWARD(void, zip_error_init, (zip_error_t * e), (e), )
CAORA_ZIP_FORWARD(zip_source_t*, zip_source_buffer_create, (const void* data, zip_uint64_t len, int freep, zip_error_t* e),
                  (data, len, freep, e), nullptr)
CAORA_ZIP_FORWARD(zip_t*, zip_open_from_source, (zip_source_t * src, int flags, zip_error_t* e), (src, flags, e), nullptr)
CAORA_ZIP_FORWARD(void, zip_error_fini, (zip_error_t * e), (e), )
#endif
