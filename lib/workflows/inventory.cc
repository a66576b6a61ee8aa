#include "workflows/inventory.h"

#include <nlohmann/json.hpp>

namespace caora {

using nlohmann::json;

fs::path inventory_path(const fs::path& state_dir) { return state_dir / "inventory.json"; }

Expected<Inventory> parse_inventory(const std::string& text, const std::string& name) {
  auto bad = [&](const std::string& where, const std::string& ja, const std::string& en) {
    return make_error(ErrorKind::Parse,
                      name + where + ": " + ja + "（このファイルを削除すると次の caora pair で作り直します）",
                      name + where + ": " + en + " (delete the file and the next caora pair starts a new one)");
  };
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return bad("", "JSONとして読めません", "not valid JSON");
  if (!j.is_object() || !j.contains("schema") || j["schema"] != "caora.inventory/1")
    return bad("", "caora.inventory/1 の文書ではありません", "not a caora.inventory/1 document");
  Inventory inv;
  if (j.contains("licences") && !j["licences"].is_null()) {
    const json& l = j["licences"];
    if (!l.is_number_integer() || l.get<long long>() < 0 || l.get<long long>() > 1000)
      return bad(" /licences", "0〜1000の整数ではありません", "not an integer from 0 to 1000");
    inv.licences = static_cast<int>(l.get<long long>());
  }
  if (j.contains("units")) {
    if (!j["units"].is_array()) return bad(" /units", "配列ではありません", "not an array");
    size_t i = 0;
    for (const auto& u : j["units"]) {
      std::string where = " /units/" + std::to_string(i++);
      if (!u.is_object()) return bad(where, "オブジェクトではありません", "not an object");
      InventoryUnit unit;
      for (auto [field, out] : {std::pair<const char*, std::string*>{"serial", &unit.serial},
                                {"port_path", &unit.port_path},
                                {"reader", &unit.reader},
                                {"first_seen", &unit.first_seen},
                                {"last_seen", &unit.last_seen}}) {
        if (!u.contains(field) || u[field].is_null()) continue;
        if (!u[field].is_string()) return bad(where + "/" + field, "文字列ではありません", "not a string");
        *out = u[field].get<std::string>();
      }
      if (unit.serial.empty()) return bad(where + "/serial", "シリアル番号がありません", "no serial number");
      inv.units.push_back(unit);
    }
  }
  return inv;
}

std::string inventory_text(const Inventory& inv) {
  json units = json::array();
  for (const auto& u : inv.units)
    units.push_back({{"serial", u.serial},
                     {"port_path", u.port_path},
                     {"reader", u.reader.empty() ? json(nullptr) : json(u.reader)},
                     {"first_seen", u.first_seen},
                     {"last_seen", u.last_seen}});
  json j = {{"schema", "caora.inventory/1"},
            {"licences", inv.licences ? json(*inv.licences) : json(nullptr)},
            {"units", units}};
  return j.dump(2) + "\n";
}

Expected<Inventory> load_inventory(const fs::path& state_dir) {
  fs::path p = inventory_path(state_dir);
  std::error_code ec;
  if (!fs::exists(p, ec)) return Inventory{};
  auto text = read_file(p);
  if (!text) return text.error();
  return parse_inventory(*text, display_path(p));
}

Status save_inventory(const fs::path& state_dir, const Inventory& inv) {
  Status d = make_private_dirs(state_dir);
  if (!d) return d;
  return write_file_atomic(inventory_path(state_dir), inventory_text(inv));
}

std::vector<SightingResult> record_sightings(Inventory& inv, const std::vector<Sighting>& seen, const std::string& now) {
  std::vector<SightingResult> out;
  for (const auto& s : seen) {
    if (s.serial.empty()) continue;  // without a serial a unit cannot be told from another
    SightingResult r;
    r.serial = s.serial;
    InventoryUnit* known = nullptr;
    for (auto& u : inv.units)
      if (u.serial == s.serial) known = &u;
    if (known == nullptr) {
      inv.units.push_back({s.serial, s.port_path, s.reader, now, now});
      r.first_time = true;
      r.first_seen = now;
    } else {
      if (!known->port_path.empty() && known->port_path != s.port_path) r.moved_from = known->port_path;
      known->port_path = s.port_path;
      if (!s.reader.empty()) known->reader = s.reader;
      known->last_seen = now;
      if (known->first_seen.empty()) known->first_seen = now;
      r.first_seen = known->first_seen;
    }
    out.push_back(r);
  }
  return out;
}

}  // namespace caora
