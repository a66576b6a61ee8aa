#include "workflows/pairing.h"

#include <sstream>

#include "host/records.h"

namespace caora {

using nlohmann::json;

namespace {

constexpr size_t kMaxUnits = 4;  // the vendor supports up to four units per terminal

std::vector<std::string> string_list(const ProbeResult& r) {
  std::vector<std::string> out;
  if (r.known && r.value.is_array())
    for (const auto& e : r.value)
      if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

std::string unit_key(const PairUnit& u) { return u.serial ? *u.serial : u.port_path; }

std::string who(const PairUnit& u, bool ja) {
  std::string port = u.port_path.empty() ? "" : (ja ? "（" + u.port_path + "）" : " (" + u.port_path + ")");
  if (u.serial) return (ja ? "Caora " : "unit ") + *u.serial + port;
  if (u.port_path.empty()) return ja ? "ポート不明のCaora" : "a unit on an unknown port";
  return (ja ? "ポート " : "the unit on ") + u.port_path + (ja ? " のCaora" : "");
}

}  // namespace

bool PairReport::has_problem() const {
  for (const auto& f : findings)
    if (f.severity == "problem") return true;
  return false;
}

PairReport build_pair_report(Host& host, const usb::UnitTable& table, std::optional<int> licences_bought) {
  PairReport rep;
  rep.licences_bought = licences_bought;
  auto add = [&](const char* id, const char* severity, const PairUnit* u, std::string ja, std::string en) {
    std::optional<std::string> key;
    if (u && !unit_key(*u).empty()) key = unit_key(*u);
    PairFinding f{id, severity, key, {std::move(ja), std::move(en)}};
    rep.findings.push_back(std::move(f));
  };
  auto unknown = [&](const char* probe, const ProbeResult& r) { rep.unknown.emplace_back(probe, r.reason); };

  ProbeResult detail = host.probe("usb.units.detail");
  rep.units_known = detail.known;
  // A snapshot from before the per-unit probes: the units from the count and
  // serials, and the terminal-wide probes for the rest.
  bool aggregate = false;
  if (!detail.known) {
    ProbeResult count = host.probe("usb.units.count");
    if (count.known && count.value.is_number_integer()) {
      aggregate = true;
      rep.units_known = true;
      auto serials = string_list(host.probe("usb.units.serials"));
      for (long long i = 0; i < count.value.get<long long>() && i < 64; ++i) {
        PairUnit u;
        u.speed = "unknown";
        if (static_cast<size_t>(i) < serials.size()) u.serial = serials[static_cast<size_t>(i)];
        rep.units.push_back(u);
      }
    } else {
      unknown("usb.units.detail", detail);
    }
  }
  for (const auto& r : unit_records(detail)) {
    PairUnit u;
    u.port_path = r.port;
    if (r.serial && !r.serial->empty()) u.serial = r.serial;
    u.speed = r.speed.value_or("unknown");
    u.usb_id = r.id.value_or("");
    u.behind_hub = r.hub;
    rep.units.push_back(u);
  }

  ProbeResult adapters = host.probe("net.rndis.adapters");
  if (!adapters.known) unknown("net.rndis.adapters", adapters);
  for (const auto& r : adapter_records(adapters)) {
    for (auto& u : rep.units) {
      if (u.port_path != r.port) continue;
      u.adapters.push_back({r.name, r.driver.value_or(""), r.enabled, r.ipv4, r.overlaps});
    }
  }

  ProbeResult readers = host.probe("pcsc.readers");
  rep.readers_known = readers.known;
  if (!readers.known) unknown("pcsc.readers", readers);
  std::vector<std::string> unit_readers;
  for (const auto& r : string_list(readers)) {
    bool unit = false;
    for (const auto& needle : table.reader_name_contains) unit = unit || usb::contains_nocase(r, needle);
    (unit ? unit_readers : rep.foreign_readers).push_back(r);
    rep.readers.push_back(r);
  }
  // A reader belongs to the unit whose serial its name carries; a single
  // unit without a readable serial takes the single reader left over.
  std::vector<bool> taken(unit_readers.size(), false);
  for (auto& u : rep.units)
    for (size_t i = 0; i < unit_readers.size() && u.serial && !u.reader; ++i)
      if (!taken[i] && unit_readers[i].find(*u.serial) != std::string::npos) {
        u.reader = unit_readers[i];
        taken[i] = true;
      }
  std::vector<PairUnit*> without;
  std::vector<size_t> left;
  for (auto& u : rep.units)
    if (!u.reader) without.push_back(&u);
  for (size_t i = 0; i < unit_readers.size(); ++i)
    if (!taken[i]) left.push_back(i);
  if (without.size() == 1 && left.size() == 1) without[0]->reader = unit_readers[left[0]];

  // Findings, per unit in port order, then for the terminal.
  if (rep.units.empty()) {
    if (rep.units_known)
      add("no-unit", "problem", nullptr,
          "USBにCaoraが見えません。Caoraの電源が入っていること、USBケーブルが資格確認端末のUSBポートに直接つながっていることを確かめてください",
          "no unit on USB: check that the unit is powered on and its USB cable goes straight into a port of the terminal");
    else
      add("usb-unreadable", "problem", nullptr, "USBを読めないため、Caoraを探せません: " + detail.reason.ja,
          "USB cannot be read, so no unit can be found: " + detail.reason.en);
  }
  for (const auto& u : rep.units) {
    const PairUnit* p = &u;
    if (!u.serial)
      add("serial-unknown", "warning", p, who(u, true) + " のシリアル番号を読めません（台帳に記録できません）",
          who(u, false) + ": the serial number cannot be read (it cannot be kept in the inventory)");
    if (u.behind_hub)
      add("behind-hub", "problem", p, who(u, true) + " はUSBハブ経由です。資格確認端末のUSBポートに直接つないでください（ハブ・延長ケーブルは非対応）",
          who(u, false) + " is behind a USB hub: plug it straight into a port of the terminal (hubs and extension cables are not supported)");
    if (usb::below_high_speed(u.speed == "low" ? usb::Speed::Low : u.speed == "full" ? usb::Speed::Full : usb::Speed::High))
      add("low-speed", "problem", p, who(u, true) + " が " + u.speed + " speed（USB 2.0未満）で接続されています。別のUSBポート（USB 2.0以上）につないでください",
          who(u, false) + " runs at " + u.speed + " speed (below USB 2.0 high speed): use another port (USB 2.0 or later)");
    if (adapters.known && !aggregate) {
      if (u.adapters.empty())
        add("no-adapter", "problem", p, who(u, true) + " のRNDISアダプターがありません（caora rndis-reset、またはUSBケーブルの抜き差し）",
            who(u, false) + " has no RNDIS network adapter (caora rndis-reset, or replug the USB cable)");
      bool address = false;
      for (const auto& a : u.adapters) {
        if (!a.enabled)
          add("adapter-disabled", "problem", p, who(u, true) + " のアダプター " + a.name + " が無効です（caora diagnose qa-17 --fix）",
              who(u, false) + ": adapter " + a.name + " is disabled (caora diagnose qa-17 --fix)");
        address = address || !a.ipv4.empty();
        for (const auto& o : a.overlaps)
          add("subnet-overlap", "problem", p,
              who(u, true) + " のアダプター " + a.name + " のサブネットが " + o + " と重なっています（院内LANのアドレスを見直してください）",
              who(u, false) + ": adapter " + a.name + "'s subnet overlaps " + o + " (the clinic LAN's addressing must change)");
      }
      if (!u.adapters.empty() && !address)
        add("no-address", "problem", p, who(u, true) + " のアダプターにIPv4アドレスがありません（caora rndis-reset）",
            who(u, false) + "'s adapter has no IPv4 address (caora rndis-reset)");
    }
    if (rep.readers_known && !aggregate && !u.reader)
      add("no-reader", "problem", p, who(u, true) + " がPC/SCリーダーとして見えません（Caoraのアプリと pcscd を確認してください）",
          who(u, false) + " is not visible as a PC/SC reader (check the Caora application and the PC/SC service)");
  }
  rep.adapters_known = adapters.known && !aggregate;
  if (aggregate) rep.readers_known = false;
  if (aggregate && !rep.units.empty()) {
    add("per-unit-unknown", "warning", nullptr,
        "この記録にはCaoraごとの情報がありません（古い caora で記録）。端末全体の結果です",
        "this record has no per-unit details (taken by an older caora): the findings are for the terminal as a whole");
    auto is = [&](const char* probe, bool want) {
      ProbeResult r = host.probe(probe);
      return r.known && r.value.is_boolean() && r.value.get<bool>() == want;
    };
    if (is("usb.units.behind_hub", true))
      add("behind-hub", "problem", nullptr, "USBハブ経由のCaoraがあります。資格確認端末のUSBポートに直接つないでください",
          "a unit is behind a USB hub: plug it straight into a port of the terminal");
    if (is("usb.units.low_speed", true))
      add("low-speed", "problem", nullptr, "USB 2.0未満の速度のCaoraがあります", "a unit runs below USB 2.0 high speed");
    if (is("net.rndis.present", false))
      add("no-adapter", "problem", nullptr, "RNDISアダプターのないCaoraがあります", "a unit has no RNDIS network adapter");
    if (is("net.rndis.disabled", true))
      add("adapter-disabled", "problem", nullptr, "無効なRNDISアダプターがあります", "an RNDIS adapter is disabled");
    if (is("net.rndis.has_address", false))
      add("no-address", "problem", nullptr, "IPv4アドレスのないRNDISアダプターがあります", "an RNDIS adapter has no IPv4 address");
    if (is("net.rndis.subnet_overlap", true))
      add("subnet-overlap", "problem", nullptr, "RNDISアダプターのサブネットが他のネットワークと重なっています",
          "an RNDIS subnet overlaps another interface's");
    if (is("pcsc.units.visible", false))
      add("no-reader", "problem", nullptr, "PC/SCリーダーとして見えないCaoraがあります", "a unit is not visible as a PC/SC reader");
    if (is("pcsc.foreign_readers.present", true))
      add("foreign-reader", "problem", nullptr, "Caora以外のICカードリーダーがつながっています（混在は非対応）",
          "another vendor's card reader is connected (mixing vendors is not supported)");
  }
  if (!aggregate && !adapters.known && !rep.units.empty())
    add("adapters-unknown", "warning", nullptr, "RNDISアダプターを確認できません: " + adapters.reason.ja,
        "the RNDIS adapters cannot be checked: " + adapters.reason.en);
  if (!aggregate && !rep.readers_known && !rep.units.empty())
    add("readers-unknown", "warning", nullptr, "PC/SCリーダーを確認できません: " + readers.reason.ja,
        "the PC/SC readers cannot be checked: " + readers.reason.en);
  for (const auto& r : rep.foreign_readers)
    add("foreign-reader", "problem", nullptr, "Caora以外のICカードリーダー「" + r + "」がつながっています。他社のリーダーとの混在は非対応です",
        "another vendor's card reader is connected (" + r + "); mixing readers of several vendors is not supported");
  if (rep.units.size() > kMaxUnits)
    add("too-many-units", "problem", nullptr,
        std::to_string(rep.units.size()) + "台つながっています。1台の資格確認端末につなげるのは4台までです",
        std::to_string(rep.units.size()) + " units are connected; a terminal supports at most 4");
  rep.licences_needed = rep.units.size() > 1 ? static_cast<int>(rep.units.size()) - 1 : 0;
  std::string need = std::to_string(rep.licences_needed);
  if (rep.licences_bought && *rep.licences_bought < rep.licences_needed)
    add("licences-short", "problem", nullptr,
        "複数台接続ライセンスが足りません: 必要 " + need + "、購入済み " + std::to_string(*rep.licences_bought),
        "not enough multi-unit licences: " + need + " needed, " + std::to_string(*rep.licences_bought) + " bought");
  else if (rep.licences_needed > 0)
    add("licences", "info", nullptr,
        "複数台接続ライセンスが " + need + " 本必要です（2台目から1台ごとに1本）" +
            (rep.licences_bought ? "。購入済み " + std::to_string(*rep.licences_bought) : "。購入数は --licences N で記録できます"),
        need + " multi-unit licence(s) needed (one per unit beyond the first)" +
            (rep.licences_bought ? "; " + std::to_string(*rep.licences_bought) + " bought" : "; record how many were bought with --licences N"));
  if (!rep.units.empty())
    add("power-on-order", "info", nullptr, "電源はCaoraを先に入れ、その後で資格確認端末を起動してください",
        "power on the unit first, then start the terminal");
  return rep;
}

void note_inventory(PairReport& rep, Inventory& inventory, const std::string& now) {
  std::vector<Sighting> seen;
  for (const auto& u : rep.units)
    if (u.serial) seen.push_back({*u.serial, u.port_path, u.reader.value_or("")});
  auto results = record_sightings(inventory, seen, now);
  for (auto& u : rep.units) {
    if (!u.serial) continue;
    for (const auto& r : results) {
      if (r.serial != *u.serial) continue;
      u.first_seen = r.first_seen;
      u.last_seen = now;
      u.moved_from = r.moved_from;
      if (r.first_time)
        rep.findings.push_back({"new-unit", "info", *u.serial,
                                {"Caora " + *u.serial + " を台帳に記録しました（" + u.port_path + "）",
                                 "unit " + *u.serial + " recorded in the inventory (" + u.port_path + ")"}});
      if (r.moved_from)
        rep.findings.push_back(
            {"moved-port", "info", *u.serial,
             {"Caora " + *u.serial + " は前回 " + *r.moved_from + " にあり、今は " + u.port_path +
                  " です。差し替えは問題ありませんが、ポートを替えると端末が認識し直すまで数十秒かかります",
              "unit " + *u.serial + " was on " + *r.moved_from + " last time and is on " + u.port_path +
                  " now: that is fine, but after a port change it takes tens of seconds to reappear"}});
    }
  }
}

json pair_json(const PairReport& rep) {
  json units = json::array();
  for (const auto& u : rep.units) {
    json adapters = json::array();
    for (const auto& a : u.adapters)
      adapters.push_back({{"interface", a.name}, {"driver", a.driver}, {"enabled", a.enabled}, {"ipv4", a.ipv4},
                          {"overlaps", a.overlaps}});
    const PairAdapter* first = u.adapters.empty() ? nullptr : &u.adapters.front();
    json rndis = {{"present", rep.adapters_known ? json(first != nullptr) : json(nullptr)},
                  {"interface", first ? json(first->name) : json(nullptr)},
                  {"driver", first ? json(first->driver) : json(nullptr)},
                  {"enabled", first ? json(first->enabled) : json(nullptr)},
                  {"ipv4", first ? json(first->ipv4) : json::array()},
                  {"overlaps", first ? json(first->overlaps) : json::array()},
                  {"adapters", adapters}};
    units.push_back({{"serial", u.serial ? json(*u.serial) : json(nullptr)},
                     {"port_path", u.port_path.empty() ? json(nullptr) : json(u.port_path)},
                     {"behind_hub", u.behind_hub},
                     {"speed", u.speed},
                     {"usb_id", u.usb_id},
                     {"rndis", rndis},
                     {"reader", u.reader ? json(*u.reader) : json(nullptr)},
                     {"first_seen", u.first_seen.empty() ? json(nullptr) : json(u.first_seen)},
                     {"last_seen", u.last_seen.empty() ? json(nullptr) : json(u.last_seen)},
                     {"moved_from", u.moved_from ? json(*u.moved_from) : json(nullptr)}});
  }
  json findings = json::array();
  for (const auto& f : rep.findings)
    findings.push_back({{"id", f.id},
                        {"severity", f.severity},
                        {"unit", f.unit ? json(*f.unit) : json(nullptr)},
                        {"text", {{"ja", f.text.ja}, {"en", f.text.en}}}});
  json unknown = json::array();
  for (const auto& [probe, why] : rep.unknown) unknown.push_back({{"probe", probe}, {"reason", {{"ja", why.ja}, {"en", why.en}}}});
  std::string status = rep.units.empty() ? "no-unit" : rep.has_problem() ? "problem" : "ok";
  return {{"schema", "caora.pair/1"},
          {"status", status},
          {"units", units},
          {"readers", rep.readers_known ? json(rep.readers) : json(nullptr)},
          {"foreign_readers", rep.readers_known ? json(rep.foreign_readers) : json(nullptr)},
          {"licences", {{"needed", rep.licences_needed},
                        {"bought", rep.licences_bought ? json(*rep.licences_bought) : json(nullptr)}}},
          {"findings", findings},
          {"unknown", unknown}};
}

std::string pair_text(const PairReport& rep, Lang lang) {
  bool ja = lang == Lang::Ja;
  std::ostringstream o;
  if (!rep.units.empty()) {
    std::vector<std::vector<std::string>> rows;
    rows.push_back(ja ? std::vector<std::string>{"シリアル", "ポート", "接続", "速度", "RNDIS", "リーダー"}
                      : std::vector<std::string>{"serial", "port", "link", "speed", "RNDIS", "reader"});
    for (const auto& u : rep.units) {
      std::string rndis;
      for (const auto& a : u.adapters) {
        std::string addrs;
        for (const auto& ip : a.ipv4) addrs += (addrs.empty() ? "" : ",") + ip;
        rndis += (rndis.empty() ? "" : "; ") + a.name + (a.enabled ? "" : (ja ? "（無効）" : " (disabled)")) + " " +
                 (addrs.empty() ? (ja ? "アドレスなし" : "no address") : addrs);
      }
      if (rndis.empty()) rndis = rep.adapters_known ? (ja ? "なし" : "none") : "?";
      rows.push_back({u.serial.value_or("?"), u.port_path.empty() ? "?" : u.port_path, u.behind_hub ? (ja ? "ハブ経由" : "hub") : (ja ? "直接" : "direct"),
                      u.speed, rndis, u.reader.value_or(rep.readers_known ? (ja ? "なし" : "none") : "?")});
    }
    // Columns padded by display width: CJK characters take two cells.
    auto width = [](const std::string& s) {
      size_t w = 0;
      for (size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        w += len >= 3 ? 2 : 1;
        i += len;
      }
      return w;
    };
    std::vector<size_t> cols(rows[0].size(), 0);
    for (const auto& r : rows)
      for (size_t i = 0; i < r.size(); ++i) cols[i] = std::max(cols[i], width(r[i]));
    for (const auto& r : rows) {
      std::string line;
      for (size_t i = 0; i < r.size(); ++i)
        line += r[i] + (i + 1 < r.size() ? std::string(cols[i] - width(r[i]) + 2, ' ') : "");
      o << line << "\n";
    }
    o << "\n";
  }
  for (const auto& f : rep.findings) {
    const char* mark = f.severity == "problem" ? "✗" : f.severity == "warning" ? "!" : "i";
    o << mark << " " << f.text.in(lang) << "\n";
  }
  return o.str();
}

}  // namespace caora
