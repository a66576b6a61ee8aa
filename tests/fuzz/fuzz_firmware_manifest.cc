// Firmware manifests come from a server: the strict parser must refuse, not crash,
// and what it accepts must hold its own rules.
#include <cstdint>
#include <string>

#include "workflows/firmware_manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  auto m = caora::parse_firmware_manifest(s);
  if (!m.ok()) {
    if (m.error().message.en.empty() || m.error().message.ja.empty()) __builtin_trap();
    return 0;
  }
  if (m->manifest_version <= 0 || m->expires_s <= m->issued_at_s || m->components.empty()) __builtin_trap();
  for (const auto& c : m->components) {
    if (c.url.rfind("https://", 0) != 0 || c.sha256.size() != 64 || c.length == 0) __builtin_trap();
    auto cmp = c.version.compare_in(c.family, c.min_safe);
    if (!cmp || *cmp < 0) __builtin_trap();
  }
  if (caora::format_utc_timestamp(m->issued_at_s) != m->issued_at) __builtin_trap();
  return 0;
}
