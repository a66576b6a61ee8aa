// The bundle redactor on arbitrary bytes in every encoding: no crash, and what it
// returns for a chunk with nothing to redact is the chunk itself.
#include <cstdint>
#include <string>

#include "workflows/collect_redact.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  static caora::Redactor r("fuzz");
  caora::TextForm forms[] = {caora::detect_text_form(in), caora::TextForm::Utf8, caora::TextForm::Cp932,
                             caora::TextForm::Utf16Le, caora::TextForm::Utf16Be, caora::TextForm::Bytes};
  for (auto f : forms) {
    r.learn(in, f);
    caora::RedactCounts c;
    std::string out = r.redact(in, f, c);
    uint64_t n = 0;
    for (const auto& [k, v] : c) n += v;
    if (n == 0 && out != in) __builtin_trap();
  }
  return 0;
}
