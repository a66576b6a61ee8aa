#include "core/https.h"

#include <cstdio>
#include <cctype>
#include <cerrno>

#include <curl/curl.h>
#ifndef _WIN32
#include <dlfcn.h>
#endif

namespace caora {

namespace {

// libcurl, loaded the first time a download starts rather than at every start
// of caora: Debian's libcurl brings OpenSSL, nghttp2, libssh2, Kerberos and LDAP
// along (tests/e2e/test_startup.py keeps it out of `ldd caora`). The Windows
// build links its static libcurl directly.
struct CurlApi {
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  const char* (*easy_strerror)(CURLcode);
};

const CurlApi* curl_api() {
  static const CurlApi* api = []() -> const CurlApi* {
    static CurlApi a;
#ifdef _WIN32
    a = {curl_global_init, curl_easy_init, curl_easy_cleanup, curl_easy_setopt, curl_easy_perform, curl_easy_getinfo,
         curl_easy_strerror};
#else
    void* lib = dlopen(CAORA_LIBCURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) return nullptr;
    auto sym = [lib](const char* name) { return dlsym(lib, name); };
    a.global_init = reinterpret_cast<decltype(a.global_init)>(sym("curl_global_init"));
    a.easy_init = reinterpret_cast<decltype(a.easy_init)>(sym("curl_easy_init"));
    a.easy_cleanup = reinterpret_cast<decltype(a.easy_cleanup)>(sym("curl_easy_cleanup"));
    a.easy_setopt = reinterpret_cast<decltype(a.easy_setopt)>(sym("curl_easy_setopt"));
    a.easy_perform = reinterpret_cast<decltype(a.easy_perform)>(sym("curl_easy_perform"));
    a.easy_getinfo = reinterpret_cast<decltype(a.easy_getinfo)>(sym("curl_easy_getinfo"));
    a.easy_strerror = reinterpret_cast<decltype(a.easy_strerror)>(sym("curl_easy_strerror"));
    if (!a.global_init || !a.easy_init || !a.easy_cleanup || !a.easy_setopt || !a.easy_perform || !a.easy_getinfo ||
        !a.easy_strerror)
      return nullptr;
#endif
    if (a.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return nullptr;
    return &a;
  }();
  return api;
}

Error no_curl() {
#ifdef _WIN32
  const char* name = "libcurl";
#else
  const char* name = "libcurl (" CAORA_LIBCURL_SONAME ")";
#endif
  return make_error(ErrorKind::Unsupported, std::string(name) + " を読み込めません", std::string(name) + " could not be loaded");
}

Error refuse_plain(const std::string& url) {
  return make_error(ErrorKind::Usage, "HTTPS 以外の URL は使いません（接続していません）: " + url.substr(0, 200),
                    "only HTTPS URLs are used (no connection made): " + url.substr(0, 200));
}

struct Easy {
  const CurlApi* api = curl_api();
  CURL* h = nullptr;
  Easy() {
    if (api) h = api->easy_init();
  }
  ~Easy() {
    if (h) api->easy_cleanup(h);
  }
  Easy(const Easy&) = delete;
  Easy& operator=(const Easy&) = delete;
};

void common_options(const CurlApi* api, CURL* h, const std::string& url, const HttpsOptions& opts, char* errbuf) {
  api->easy_setopt(h, CURLOPT_URL, url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
  api->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
  api->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
  api->easy_setopt(h, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTPS));
  api->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, static_cast<long>(CURLPROTO_HTTPS));
#endif
  api->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  api->easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  api->easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  api->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  if (opts.cacert) api->easy_setopt(h, CURLOPT_CAINFO, opts.cacert->string().c_str());
  api->easy_setopt(h, CURLOPT_CONNECTTIMEOUT, opts.connect_timeout_s);
  api->easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  api->easy_setopt(h, CURLOPT_LOW_SPEED_TIME, opts.stall_timeout_s);
  api->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  api->easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  api->easy_setopt(h, CURLOPT_USERAGENT, "caora");
}

Error transfer_error(CURLcode rc, const char* errbuf, const std::string& url) {
  std::string detail = errbuf[0] ? errbuf : curl_api()->easy_strerror(rc);
  switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
      return make_error(ErrorKind::Permission, "サーバーの TLS 証明書を検証できません（検証は無効にできません）: " + url + ": " + detail,
                        "the server's TLS certificate does not verify (verification cannot be turned off): " + url + ": " + detail);
    case CURLE_UNSUPPORTED_PROTOCOL:
      return refuse_plain(url);
    default:
      return make_error(ErrorKind::Io, "取得できません: " + url + ": " + detail, "cannot fetch " + url + ": " + detail);
  }
}

Error http_status_error(long code, const std::string& url) {
  return make_error(ErrorKind::Io, "サーバーが HTTP " + std::to_string(code) + " を返しました: " + url,
                    "the server answered HTTP " + std::to_string(code) + ": " + url);
}

struct Sink {
  std::string* body = nullptr;
  size_t limit = 0;
  bool over = false;
};

size_t to_string(char* p, size_t size, size_t n, void* user) {
  auto* s = static_cast<Sink*>(user);
  if (s->body->size() + size * n > s->limit) {
    s->over = true;
    return 0;
  }
  s->body->append(p, size * n);
  return size * n;
}

struct FileSink {
  std::FILE* f = nullptr;
  CURL* h = nullptr;
  const CurlApi* api = nullptr;
  uint64_t have = 0, expected = 0;
  bool checked_status = false, restart = false, over = false, write_failed = false;
  const HttpsOptions* opts = nullptr;
};

size_t to_file(char* p, size_t size, size_t n, void* user) {
  auto* s = static_cast<FileSink*>(user);
  size_t bytes = size * n;
  if (!s->checked_status) {
    s->checked_status = true;
    long code = 0;
    s->api->easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
    // A server that ignores the range sends the whole file: start it again.
    if (code == 200 && s->have > 0) {
      s->restart = true;
      s->have = 0;
      if (std::fflush(s->f) != 0 || std::fseek(s->f, 0, SEEK_SET) != 0) {
        s->write_failed = true;
        return 0;
      }
    }
  }
  if (s->have + bytes > s->expected) {
    s->over = true;
    return 0;
  }
  if (std::fwrite(p, 1, bytes, s->f) != bytes) {
    s->write_failed = true;
    return 0;
  }
  s->have += bytes;
  if (s->opts->progress) s->opts->progress(s->have, s->expected);
  return bytes;
}

}  // namespace

bool is_https_url(const std::string& url) {
  if (url.size() <= 8) return false;
  std::string scheme = url.substr(0, 8);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme == "https://";
}

Expected<std::string> https_get(const std::string& url, const HttpsOptions& opts, size_t limit) {
  if (!is_https_url(url)) return refuse_plain(url);
  Easy easy;
  if (!easy.api) return no_curl();
  if (!easy.h) return make_error(ErrorKind::Internal, "libcurl を初期化できません", "libcurl failed to initialise");
  char errbuf[CURL_ERROR_SIZE] = {0};
  common_options(easy.api, easy.h, url, opts, errbuf);
  std::string body;
  Sink sink{&body, limit};
  easy.api->easy_setopt(easy.h, CURLOPT_WRITEFUNCTION, to_string);
  easy.api->easy_setopt(easy.h, CURLOPT_WRITEDATA, &sink);
  CURLcode rc = easy.api->easy_perform(easy.h);
  if (sink.over)
    return make_error(ErrorKind::Io, "応答が大きすぎます（" + std::to_string(limit) + " バイトまで）: " + url,
                      "the response is too large (at most " + std::to_string(limit) + " bytes): " + url);
  if (rc != CURLE_OK) return transfer_error(rc, errbuf, url);
  long code = 0;
  easy.api->easy_getinfo(easy.h, CURLINFO_RESPONSE_CODE, &code);
  if (code != 200) return http_status_error(code, url);
  return body;
}

Expected<uint64_t> https_download(const std::string& url, const fs::path& part, uint64_t expected_length,
                                  const HttpsOptions& opts) {
  if (!is_https_url(url)) return refuse_plain(url);
  std::error_code ec;
  uint64_t have = fs::exists(part, ec) ? fs::file_size(part, ec) : 0;
  if (ec) return fs_error(ec, part, "部分ファイルを読めません", "cannot read the partial file");
  if (have >= expected_length) return have;  // complete (or too long: the caller checks)
#ifdef _WIN32
  std::FILE* f = _wfopen(part.c_str(), have ? L"r+b" : L"wb");
#else
  std::FILE* f = std::fopen(part.c_str(), have ? "r+b" : "wb");
#endif
  if (f == nullptr) return errno_error(errno, part, "書き込み用に開けません", "cannot open for writing");
  if (have && std::fseek(f, static_cast<long>(have), SEEK_SET) != 0) {
    std::fclose(f);
    return errno_error(errno, part, "続きの位置に移れません", "cannot seek to resume");
  }
  Easy easy;
  if (!easy.api || !easy.h) {
    std::fclose(f);
    if (!easy.api) return no_curl();
    return make_error(ErrorKind::Internal, "libcurl を初期化できません", "libcurl failed to initialise");
  }
  char errbuf[CURL_ERROR_SIZE] = {0};
  common_options(easy.api, easy.h, url, opts, errbuf);
  FileSink sink;
  sink.f = f;
  sink.h = easy.h;
  sink.api = easy.api;
  sink.have = have;
  sink.expected = expected_length;
  sink.opts = &opts;
  if (have) easy.api->easy_setopt(easy.h, CURLOPT_RANGE, (std::to_string(have) + "-").c_str());
  easy.api->easy_setopt(easy.h, CURLOPT_WRITEFUNCTION, to_file);
  easy.api->easy_setopt(easy.h, CURLOPT_WRITEDATA, &sink);
  easy.api->easy_setopt(easy.h, CURLOPT_FAILONERROR, 1L);
  CURLcode rc = easy.api->easy_perform(easy.h);
  long code = 0;
  easy.api->easy_getinfo(easy.h, CURLINFO_RESPONSE_CODE, &code);
  bool flushed = std::fflush(f) == 0 && sync_fd(fileno(f));
  std::fclose(f);
  if (sink.restart) fs::resize_file(part, sink.have, ec);
  if (sink.write_failed || !flushed)
    return make_error(ErrorKind::Io, "ダウンロード先に書き込めません: " + display_path(part),
                      "cannot write the download: " + display_path(part));
  if (sink.over)
    return make_error(ErrorKind::Io, "サーバーがマニフェストの長さ（" + std::to_string(expected_length) + " バイト）より多く送りました",
                      "the server sent more than the manifest's length (" + std::to_string(expected_length) + " bytes)");
  if (rc == CURLE_HTTP_RETURNED_ERROR) return http_status_error(code, url);
  if (rc != CURLE_OK && rc != CURLE_PARTIAL_FILE && rc != CURLE_RECV_ERROR && rc != CURLE_OPERATION_TIMEDOUT &&
      rc != CURLE_GOT_NOTHING)
    return transfer_error(rc, errbuf, url);
  return sink.have;
}

}  // namespace caora
