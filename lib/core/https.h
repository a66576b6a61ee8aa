// HTTPS fetches through libcurl (OpenSSL on Linux, Schannel on Windows), with
// the peer's certificate always verified: there is no switch to turn that off.
// A URL that is not https:// is refused before any connection is made, and
// redirects may only lead to https:// too.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/fs.h"
#include "core/result.h"

namespace caora {

struct HttpsOptions {
  // A PEM bundle of the CAs to trust instead of the system's (a desk's own CA, a test CA).
  std::optional<fs::path> cacert;
  long connect_timeout_s = 20;
  // A transfer slower than 1 byte/s for this long is given up (a dead server).
  long stall_timeout_s = 30;
  // Called as bytes arrive: (bytes in the file so far, bytes expected; 0 when unknown).
  std::function<void(uint64_t, uint64_t)> progress;
};

// Whether the URL is https:// (case-insensitive scheme), checked before any connection.
bool is_https_url(const std::string& url);
// The body of a 200 response, at most `limit` bytes.
Expected<std::string> https_get(const std::string& url, const HttpsOptions& opts, size_t limit);
// Appends to `part` from its current size with a Range request, up to
// `expected_length` bytes; a server that ignores the range restarts the file
// from the start. Returns the file's size after the transfer (it may be short
// when the server closed early: the caller decides).
Expected<uint64_t> https_download(const std::string& url, const fs::path& part, uint64_t expected_length,
                                  const HttpsOptions& opts);

}  // namespace caora
