// The records of the record-list probes as C++ types: what a live backend
// fills in and what the workflows (pair, rndis-reset) read, field by field.
// The JSON form is the one the vocabulary declares (vocabulary.cc); a field
// that is unknown is left out of the object.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "host/host.h"

namespace caora {

// usb.units.detail: one unit on USB.
struct UnitRecord {
  std::string port;                   // "1-2"
  std::optional<std::string> serial;  // "2113001"
  std::optional<std::string> speed;   // usb::speed_name(): "high", "full", …
  bool hub = false;                   // a hub is in the path
  std::optional<std::string> id;      // "04c5:1526"
};

// net.rndis.adapters: one network adapter of a unit.
struct RndisAdapterRecord {
  std::string port;  // the unit's USB port path
  std::string name;  // "usb0", "Ethernet 2"
  std::optional<std::string> driver;
  bool enabled = true;
  std::vector<std::string> ipv4;      // "192.168.250.2/24"
  std::vector<std::string> overlaps;  // "eth0:192.168.0.20/16", for people to read
};

nlohmann::json to_json(const UnitRecord& r);
nlohmann::json to_json(const RndisAdapterRecord& r);
// nullopt when `j` is not a record of the kind (not an object, no port).
std::optional<UnitRecord> unit_record_from_json(const nlohmann::json& j);
std::optional<RndisAdapterRecord> adapter_record_from_json(const nlohmann::json& j);

// The records of a probe's value; none when it is unknown. Entries that are
// not records of the kind are passed over.
std::vector<UnitRecord> unit_records(const ProbeResult& r);
std::vector<RndisAdapterRecord> adapter_records(const ProbeResult& r);

template <typename Record>
nlohmann::json records_json(const std::vector<Record>& records) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : records) a.push_back(to_json(r));
  return a;
}

}  // namespace caora
