// The pair inventory (state folder) and the per-unit probe lines of old
// (caora.snapshot/1) snapshots, which are read into records.
#include <cstdint>
#include <string>

#include "host/recorded/snapshot_v1.h"
#include "host/vocabulary.h"
#include "workflows/inventory.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto inv = caora::parse_inventory(text, "inventory.json");
  if (inv.ok()) {
    // What was read is written back and read again the same.
    auto again = caora::parse_inventory(caora::inventory_text(*inv), "inventory.json");
    if (!again.ok() || again->units.size() != inv->units.size() || again->licences != inv->licences) __builtin_trap();
  }
  for (const auto& [key, value] : caora::v1_line_fields(text))
    if (key.empty() || key.find(' ') != std::string::npos) __builtin_trap();
  // A line that makes a record makes one of the type the vocabulary declares.
  auto unit = caora::unit_record_from_v1_line(text);
  if (unit && (unit->port.empty() || !caora::value_has_type(*caora::find_probe_spec("usb.units.detail"),
                                                             nlohmann::json::array({caora::to_json(*unit)}))))
    __builtin_trap();
  auto adapter = caora::adapter_record_from_v1_line(text);
  if (adapter && (adapter->port.empty() || !caora::value_has_type(*caora::find_probe_spec("net.rndis.adapters"),
                                                                   nlohmann::json::array({caora::to_json(*adapter)}))))
    __builtin_trap();
  return 0;
}
