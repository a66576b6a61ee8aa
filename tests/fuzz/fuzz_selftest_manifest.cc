// The batch self-test's manifest (caora.selftest-batch/1) and a stored baseline's
// comparison: bad input must be an error value in both languages, never a crash;
// what parses must be self-consistent.
#include <cstdint>
#include <set>
#include <string>

#include "selftest/batch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  auto m = caora::selftest::parse_manifest(s, "/base");
  if (!m) {
    if (m.error().message.en.empty() || m.error().message.ja.empty()) __builtin_trap();
  } else {
    std::set<std::string> ids;
    for (const auto& c : m->cases) {
      if (c.id.empty() || !ids.insert(c.id).second) __builtin_trap();
      if (!c.card && !c.capture) __builtin_trap();
    }
  }
  // The same bytes as a stored baseline's cases.
  nlohmann::json doc = nlohmann::json::parse(s, nullptr, false);
  if (!doc.is_discarded() && doc.is_array()) {
    caora::selftest::CaseOutcome o;
    o.id = "c1";
    o.median_ms["ocr"] = 10;
    (void)caora::selftest::compare(doc, {o});
  }
  return 0;
}
