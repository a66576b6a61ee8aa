#include "host/records.h"

namespace caora {

using nlohmann::json;

namespace {

std::optional<std::string> opt_string(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

bool bool_or(const json& j, const char* key, bool fallback) {
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it != j.end() && it->is_array())
    for (const auto& e : *it)
      if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

template <typename Record, typename Read>
std::vector<Record> records(const ProbeResult& r, Read read) {
  std::vector<Record> out;
  if (!r.known || !r.value.is_array()) return out;
  for (const auto& e : r.value)
    if (auto rec = read(e)) out.push_back(std::move(*rec));
  return out;
}

}  // namespace

json to_json(const UnitRecord& r) {
  json j = {{"port", r.port}};
  if (r.serial) j["serial"] = *r.serial;
  if (r.speed) j["speed"] = *r.speed;
  j["hub"] = r.hub;
  if (r.id) j["id"] = *r.id;
  return j;
}

json to_json(const RndisAdapterRecord& r) {
  json j = {{"port", r.port}, {"name", r.name}};
  if (r.driver) j["driver"] = *r.driver;
  j["enabled"] = r.enabled;
  j["ipv4"] = r.ipv4;
  j["overlaps"] = r.overlaps;
  return j;
}

std::optional<UnitRecord> unit_record_from_json(const json& j) {
  if (!j.is_object()) return std::nullopt;
  UnitRecord r;
  r.port = opt_string(j, "port").value_or("");
  if (r.port.empty()) return std::nullopt;
  r.serial = opt_string(j, "serial");
  r.speed = opt_string(j, "speed");
  r.hub = bool_or(j, "hub", false);
  r.id = opt_string(j, "id");
  return r;
}

std::optional<RndisAdapterRecord> adapter_record_from_json(const json& j) {
  if (!j.is_object()) return std::nullopt;
  RndisAdapterRecord r;
  r.port = opt_string(j, "port").value_or("");
  if (r.port.empty()) return std::nullopt;
  r.name = opt_string(j, "name").value_or("");
  r.driver = opt_string(j, "driver");
  r.enabled = bool_or(j, "enabled", true);
  r.ipv4 = strings(j, "ipv4");
  r.overlaps = strings(j, "overlaps");
  return r;
}

std::vector<UnitRecord> unit_records(const ProbeResult& r) { return records<UnitRecord>(r, unit_record_from_json); }

std::vector<RndisAdapterRecord> adapter_records(const ProbeResult& r) {
  return records<RndisAdapterRecord>(r, adapter_record_from_json);
}

}  // namespace caora
