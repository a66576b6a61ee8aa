#include "workflows/pairing.h"

#include <catch2/catch.hpp>

#include "host/recorded/recorded_host.h"
#include "host/records.h"

using namespace caora;
using nlohmann::json;

namespace {

LayeredHost recorded(const json& probes) {
  json doc = {{"schema", kSnapshotSchema}, {"probes", probes}};
  auto h = RecordedHost::parse(doc.dump(), "test");
  REQUIRE(h);
  LayeredHost host;
  host.add(std::make_unique<RecordedHost>(std::move(h.value())));
  return host;
}

json known(json v) { return {{"known", true}, {"value", std::move(v)}}; }

json unit(const std::string& port, const std::string& serial, const std::string& speed, bool hub) {
  return to_json(UnitRecord{port, serial, speed, hub, std::nullopt});
}

json adapter(const std::string& port, const std::string& name, bool enabled, std::vector<std::string> ipv4 = {},
             std::vector<std::string> overlaps = {}) {
  return to_json(RndisAdapterRecord{port, name, std::nullopt, enabled, std::move(ipv4), std::move(overlaps)});
}

const PairFinding* finding(const PairReport& r, const std::string& id) {
  for (const auto& f : r.findings)
    if (f.id == id) return &f;
  return nullptr;
}

}  // namespace

TEST_CASE("pair: a healthy unit has only the hints") {
  LayeredHost host = recorded({{"usb.units.detail", known(json::array({to_json(UnitRecord{"1-2", "2113001", "high", false, "04c5:1526"})}))},
                               {"net.rndis.adapters", known(json::array({to_json(RndisAdapterRecord{"1-2", "usb0", "rndis_host", true, {"192.168.250.2/24"}, {}})}))},
                               {"pcsc.readers", known({"PFU Caora 2113001 00 00"})}});
  PairReport r = build_pair_report(host, usb::embedded_unit_table(), std::nullopt);
  REQUIRE(r.units.size() == 1);
  CHECK(r.units[0].reader == std::optional<std::string>("PFU Caora 2113001 00 00"));
  CHECK_FALSE(r.has_problem());
  CHECK(r.licences_needed == 0);
  CHECK(finding(r, "power-on-order"));
  json j = pair_json(r);
  CHECK(j["schema"] == "caora.pair/1");
  CHECK(j["units"][0]["behind_hub"] == false);
  CHECK(j["units"][0]["rndis"]["ipv4"] == json::array({"192.168.250.2/24"}));
  CHECK(pair_text(r, Lang::En).find("2113001  1-2   direct  high   usb0 192.168.250.2/24") != std::string::npos);
}

TEST_CASE("pair: five units, a hub, a slow port, overlap, missing adapter and reader, a foreign reader, licences") {
  json units = json::array();
  for (int i = 1; i <= 5; ++i)
    units.push_back(unit("1-" + std::to_string(i), "211300" + std::to_string(i), i == 2 ? "full" : "high", i == 3));
  LayeredHost host = recorded({{"usb.units.detail", known(units)},
                               {"net.rndis.adapters", known(json::array({adapter("1-1", "usb0", true, {"192.168.250.2/24"}, {"eth0:192.168.0.20/16"}),
                                                                          adapter("1-2", "usb1", false), adapter("1-3", "usb2", true),
                                                                          adapter("1-4", "usb3", true, {"192.168.251.2/24"})}))},
                               {"pcsc.readers", known({"PFU Caora 2113001 00 00", "PFU Caora 2113002 00 00", "PFU Caora 2113003 00 00",
                                                       "PFU Caora 2113004 00 00", "SONY FeliCa Port 00 00"})}});
  PairReport r = build_pair_report(host, usb::embedded_unit_table(), 2);
  CHECK(r.has_problem());
  CHECK(finding(r, "too-many-units"));
  CHECK(finding(r, "behind-hub")->unit == std::optional<std::string>("2113003"));
  CHECK(finding(r, "low-speed")->unit == std::optional<std::string>("2113002"));
  CHECK(finding(r, "subnet-overlap")->text.en.find("overlaps eth0:192.168.0.20/16") != std::string::npos);
  CHECK(finding(r, "adapter-disabled")->unit == std::optional<std::string>("2113002"));
  CHECK(finding(r, "no-adapter")->unit == std::optional<std::string>("2113005"));
  CHECK(finding(r, "no-reader")->unit == std::optional<std::string>("2113005"));
  CHECK(finding(r, "foreign-reader"));
  CHECK(r.licences_needed == 4);
  CHECK(finding(r, "licences-short")->text.en == "not enough multi-unit licences: 4 needed, 2 bought");
}

TEST_CASE("pair: nothing on USB, or USB unreadable, and the inventory notices a moved unit") {
  LayeredHost none = recorded({{"usb.units.detail", known(json::array())}});
  PairReport r = build_pair_report(none, usb::embedded_unit_table(), std::nullopt);
  CHECK(r.units.empty());
  CHECK(finding(r, "no-unit"));
  CHECK(pair_json(r)["status"] == "no-unit");
  LayeredHost unreadable = recorded(json::object());
  CHECK(finding(build_pair_report(unreadable, usb::embedded_unit_table(), std::nullopt), "usb-unreadable"));

  Inventory inv;
  LayeredHost one = recorded({{"usb.units.detail", known(json::array({unit("1-2", "2113001", "high", false)}))}});
  PairReport a = build_pair_report(one, usb::embedded_unit_table(), std::nullopt);
  note_inventory(a, inv, "2026-11-21T09:00:00+09:00");
  CHECK(finding(a, "new-unit"));
  LayeredHost moved = recorded({{"usb.units.detail", known(json::array({unit("2-1", "2113001", "super", false)}))}});
  PairReport b = build_pair_report(moved, usb::embedded_unit_table(), std::nullopt);
  note_inventory(b, inv, "2026-11-21T10:00:00+09:00");
  REQUIRE(finding(b, "moved-port"));
  CHECK(finding(b, "moved-port")->text.en.find("tens of seconds") != std::string::npos);
  CHECK(b.units[0].moved_from == std::optional<std::string>("1-2"));
  CHECK(b.units[0].first_seen == "2026-11-21T09:00:00+09:00");
  CHECK_FALSE(b.has_problem());
}

TEST_CASE("pair: a snapshot without the per-unit probes falls back to the terminal-wide ones") {
  LayeredHost host = recorded({{"usb.units.count", known(2)},
                               {"usb.units.serials", known({"2113001"})},
                               {"usb.units.behind_hub", known(true)},
                               {"net.rndis.has_address", known(false)},
                               {"pcsc.units.visible", known(true)}});
  PairReport r = build_pair_report(host, usb::embedded_unit_table(), std::nullopt);
  REQUIRE(r.units.size() == 2);
  CHECK(r.units[0].serial == std::optional<std::string>("2113001"));
  CHECK_FALSE(r.units[1].serial);
  CHECK(finding(r, "per-unit-unknown"));
  CHECK(finding(r, "behind-hub"));
  CHECK_FALSE(finding(r, "behind-hub")->unit);
  CHECK(finding(r, "no-address"));
  CHECK_FALSE(finding(r, "no-reader"));
  CHECK(finding(r, "serial-unknown")->text.en == "a unit on an unknown port: the serial number cannot be read (it cannot be kept in the inventory)");
  CHECK(pair_json(r)["units"][0]["port_path"].is_null());
  CHECK(r.licences_needed == 1);
}
