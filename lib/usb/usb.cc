#include "usb/usb.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "core/embedded.h"
#include "core/json_util.h"

namespace caora::usb {

using nlohmann::json;

const char* speed_name(Speed speed) {
  switch (speed) {
    case Speed::Low: return "low";
    case Speed::Full: return "full";
    case Speed::High: return "high";
    case Speed::Super: return "super";
    case Speed::SuperPlus: return "super+";
    case Speed::Unknown: break;
  }
  return "unknown";
}

bool below_high_speed(Speed speed) { return speed == Speed::Low || speed == Speed::Full; }

std::string Device::port_path() const {
  std::string s = std::to_string(bus) + "-";
  for (size_t i = 0; i < ports.size(); ++i) s += (i ? "." : "") + std::to_string(ports[i]);
  return ports.empty() ? "usb" + std::to_string(bus) : s;
}

std::string Device::id() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04x:%04x", vendor, product);
  return buf;
}

bool contains_nocase(const std::string& haystack, const std::string& needle) {
  auto lower = [](std::string s) {
    for (auto& c : s)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
  };
  return !needle.empty() && lower(haystack).find(lower(needle)) != std::string::npos;
}

static std::optional<uint16_t> parse_hex16(const std::string& s) {
  if (s.empty() || s.size() > 4) return std::nullopt;
  unsigned v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<unsigned>(d);
  }
  return static_cast<uint16_t>(v);
}

Expected<UnitTable> parse_unit_table(const std::string& text, const std::string& name) {
  auto bad = [&](const std::string& where, const std::string& ja, const std::string& en) {
    return make_error(ErrorKind::Parse, name + where + ": " + ja, name + where + ": " + en);
  };
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("", "JSONとして読めません", "not valid JSON");
  if (json_string(j, "schema") != "caora.units/1") return bad("", "caora.units/1 ではありません", "not a caora.units/1 document");
  UnitTable t;
  const json& ids = j.contains("ids") ? j["ids"] : json::array();
  if (!ids.is_array()) return bad(" /ids", "配列ではありません", "not an array");
  for (size_t i = 0; i < ids.size(); ++i) {
    std::string where = " /ids/" + std::to_string(i);
    UnitTable::Id id;
    auto v = parse_hex16(json_string(ids[i], "vendor"));
    if (!v) return bad(where + "/vendor", "4桁の16進数が必要です", "needs 4 hex digits");
    id.vendor = *v;
    std::string p = json_string(ids[i], "product");
    if (p != "*") {
      auto pv = parse_hex16(p);
      if (!pv) return bad(where + "/product", "4桁の16進数か \"*\" が必要です", "needs 4 hex digits or \"*\"");
      id.product = *pv;
    }
    id.assumed = !ids[i].contains("assumed") || !ids[i]["assumed"].is_boolean() || ids[i]["assumed"].get<bool>();
    t.ids.push_back(id);
  }
  const json& rn = j.contains("rndis_interfaces") ? j["rndis_interfaces"] : json::array();
  if (!rn.is_array() || rn.empty()) return bad(" /rndis_interfaces", "空でない配列が必要です", "needs a non-empty array");
  for (size_t i = 0; i < rn.size(); ++i) {
    auto c = parse_hex16(json_string(rn[i], "class"));
    auto s = parse_hex16(json_string(rn[i], "subclass"));
    auto p = parse_hex16(json_string(rn[i], "protocol"));
    if (!c || !s || !p || *c > 0xff || *s > 0xff || *p > 0xff)
      return bad(" /rndis_interfaces/" + std::to_string(i), "class/subclass/protocol は2桁の16進数です",
                 "class, subclass and protocol are 2 hex digits");
    t.rndis_interfaces.push_back({static_cast<uint8_t>(*c), static_cast<uint8_t>(*s), static_cast<uint8_t>(*p)});
  }
  for (const char* key : {"name_contains", "reader_name_contains"}) {
    auto& out = std::string(key) == "name_contains" ? t.name_contains : t.reader_name_contains;
    if (!j.contains(key)) continue;
    if (!j[key].is_array()) return bad(std::string(" /") + key, "配列ではありません", "not an array");
    for (const auto& s : j[key])
      if (s.is_string() && !s.get<std::string>().empty()) out.push_back(s.get<std::string>());
  }
  return t;
}

const UnitTable& embedded_unit_table() {
  static const UnitTable table = [] {
    auto t = parse_unit_table(embedded_file("data/units.json"), "data/units.json");
    // The embedded table is checked by the tests; a broken one is a build error.
    if (!t) throw std::runtime_error(t.error().message.en);
    return *t;
  }();
  return table;
}

bool has_rndis_interface(const Device& d, const UnitTable& table) {
  for (const auto& i : d.interfaces)
    for (const auto& r : table.rndis_interfaces)
      if (i == r) return true;
  return false;
}

std::vector<Unit> find_units(const std::vector<Device>& devices, const UnitTable& table) {
  std::vector<Unit> units;
  for (const auto& d : devices) {
    // Every rule needs the Remote NDIS function: an assumed ID alone could
    // claim another product of the same vendor, a string alone a look-alike.
    if (!has_rndis_interface(d, table)) continue;
    std::string matched;
    for (const auto& id : table.ids) {
      if (id.vendor != d.vendor || (id.product && *id.product != d.product)) continue;
      char buf[64];
      if (id.product)
        std::snprintf(buf, sizeof buf, "id %04x:%04x%s + RNDIS", id.vendor, *id.product, id.assumed ? " (assumed)" : "");
      else
        std::snprintf(buf, sizeof buf, "id %04x:*%s + RNDIS", id.vendor, id.assumed ? " (assumed)" : "");
      matched = buf;
      break;
    }
    if (matched.empty()) {
      for (const auto& needle : table.name_contains) {
        if (d.product_name.value && contains_nocase(*d.product_name.value, needle)) {
          matched = "RNDIS + product \"" + *d.product_name.value + "\"";
        } else if (d.manufacturer.value && contains_nocase(*d.manufacturer.value, needle)) {
          matched = "RNDIS + manufacturer \"" + *d.manufacturer.value + "\"";
        }
        if (!matched.empty()) break;
      }
    }
    if (!matched.empty()) units.push_back({d, matched});
  }
  std::sort(units.begin(), units.end(), [](const Unit& a, const Unit& b) {
    if (a.device.bus != b.device.bus) return a.device.bus < b.device.bus;
    return a.device.ports < b.device.ports;
  });
  return units;
}

}  // namespace caora::usb
