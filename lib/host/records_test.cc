#include "host/records.h"

#include <catch2/catch.hpp>

#include "host/vocabulary.h"

using namespace caora;
using nlohmann::json;

TEST_CASE("records: unknown fields are left out, and read back the same") {
  UnitRecord u{"1-2", std::nullopt, std::nullopt, true, "04c5:1526"};
  json j = to_json(u);
  CHECK(j == json::parse(R"({"port": "1-2", "hub": true, "id": "04c5:1526"})"));
  auto back = unit_record_from_json(j);
  REQUIRE(back);
  CHECK(back->port == "1-2");
  CHECK_FALSE(back->serial);
  CHECK_FALSE(back->speed);
  CHECK(back->hub);
  CHECK(back->id == std::optional<std::string>("04c5:1526"));
  RndisAdapterRecord a{"1-2", "Ethernet 2", std::nullopt, false, {"169.254.10.3/16"}, {}};
  auto a2 = adapter_record_from_json(to_json(a));
  REQUIRE(a2);
  CHECK(a2->name == "Ethernet 2");
  CHECK_FALSE(a2->driver);
  CHECK_FALSE(a2->enabled);
  CHECK(a2->ipv4 == a.ipv4);
  // Records of the declared type (vocabulary.cc).
  CHECK(value_has_type(*find_probe_spec("usb.units.detail"), json::array({to_json(u)})));
  CHECK(value_has_type(*find_probe_spec("net.rndis.adapters"), json::array({to_json(a)})));
}

TEST_CASE("records: entries that are not records of the kind are passed over") {
  CHECK_FALSE(unit_record_from_json(json::parse(R"({"serial": "2113001"})")));
  CHECK_FALSE(unit_record_from_json("port=1-2"));
  CHECK_FALSE(adapter_record_from_json(json::parse(R"({"port": ""})")));
  ProbeResult r = ProbeResult::of(json::parse(R"([{"port": "1-2"}, 5, {"port": "1-3", "hub": "yes"}])"));
  auto units = unit_records(r);
  REQUIRE(units.size() == 2);
  CHECK_FALSE(units[1].hub);
  CHECK(unit_records(ProbeResult::unknown({"読めません", "unreadable"})).empty());
}

TEST_CASE("vocabulary: record lists, and only they, declare typed fields") {
  for (const auto& spec : probe_specs()) {
    INFO(spec.name);
    CHECK(spec.fields.empty() == (spec.type != ValueType::RecordList));
    CHECK_FALSE(platform_names(spec.platforms).empty());
    for (const auto& f : spec.fields) CHECK((!f.description.ja.empty() && !f.description.en.empty()));
  }
  CHECK(find_probe_spec("usb.units.detail")->type == ValueType::RecordList);
  CHECK(find_probe_spec("net.rndis.adapters")->type == ValueType::RecordList);
  CHECK(platform_names(kWindows) == std::vector<std::string>{"windows"});
}
