// minisign keys and signatures arrive from a server or a person: parse both halves of
// the input, and verifying a parsed pair must answer, never crash.
#include <cstdint>
#include <string>

#include "core/minisign.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  size_t cut = s.find('\f');
  auto key = caora::parse_minisign_key(s.substr(0, cut));
  if (cut == std::string::npos) return 0;
  auto sig = caora::parse_minisign_signature(s.substr(cut + 1));
  if (key.ok() && sig.ok()) (void)caora::minisign_verify(*key, *sig, s);
  return 0;
}
