#include "host/recorded/snapshot_v1.h"

#include <sstream>
#include <vector>

namespace caora {

using nlohmann::json;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep))
    if (!cur.empty()) out.push_back(cur);
  return out;
}

std::optional<std::string> field(const std::map<std::string, std::string>& f, const char* key) {
  auto it = f.find(key);
  if (it == f.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

template <typename Record>
V1Upgrade upgrade(std::optional<Record> (*from_line)(const std::string&)) {
  return [from_line](const json& lines) {
    if (!lines.is_array()) return lines;
    for (const auto& line : lines)
      if (!line.is_string()) return lines;
    json records = json::array();
    for (const auto& line : lines)
      if (auto r = from_line(line.get<std::string>())) records.push_back(to_json(*r));
    return records;
  };
}

}  // namespace

std::map<std::string, std::string> v1_line_fields(const std::string& line) {
  std::map<std::string, std::string> out;
  for (const auto& tok : split(line, ' ')) {
    auto eq = tok.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    out[tok.substr(0, eq)] = tok.substr(eq + 1);
  }
  return out;
}

std::optional<UnitRecord> unit_record_from_v1_line(const std::string& line) {
  auto f = v1_line_fields(line);
  UnitRecord r;
  r.port = field(f, "port").value_or("");
  if (r.port.empty()) return std::nullopt;
  r.serial = field(f, "serial");
  r.speed = field(f, "speed");
  if (r.speed == "unknown") r.speed.reset();  // /2 leaves an unknown field out
  r.hub = f["hub"] == "yes";
  r.id = field(f, "id");
  return r;
}

std::optional<RndisAdapterRecord> adapter_record_from_v1_line(const std::string& line) {
  auto f = v1_line_fields(line);
  RndisAdapterRecord r;
  r.port = field(f, "port").value_or("");
  if (r.port.empty()) return std::nullopt;
  r.name = f["name"];
  r.driver = field(f, "driver");
  r.enabled = f["enabled"] != "no";
  r.ipv4 = split(f["ipv4"], ',');
  r.overlaps = split(f["overlaps"], ',');
  return r;
}

const std::map<std::string, V1Upgrade>& v1_upgrades() {
  static const std::map<std::string, V1Upgrade> table = {
      {"usb.units.detail", upgrade(unit_record_from_v1_line)},
      {"net.rndis.adapters", upgrade(adapter_record_from_v1_line)},
  };
  return table;
}

}  // namespace caora
