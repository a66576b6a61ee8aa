// The pair inventory (state folder) and the per-unit probe lines (snapshots).
#include <cstdint>
#include <string>

#include "workflows/inventory.h"
#include "workflows/pairing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto inv = caora::parse_inventory(text, "inventory.json");
  if (inv.ok()) {
    // What was read is written back and read again the same.
    auto again = caora::parse_inventory(caora::inventory_text(*inv), "inventory.json");
    if (!again.ok() || again->units.size() != inv->units.size() || again->licences != inv->licences) __builtin_trap();
  }
  for (const auto& [key, value] : caora::parse_fields(text))
    if (key.empty() || key.find(' ') != std::string::npos) __builtin_trap();
  return 0;
}
