#include "usb/usb.h"

#include <catch2/catch.hpp>

#include "core/embedded.h"

using namespace caora;
using namespace caora::usb;

namespace {

const InterfaceClass kRndis{0xE0, 0x01, 0x03};
const InterfaceClass kRndisMisc{0xEF, 0x04, 0x01};
const InterfaceClass kCdcData{0x0A, 0x00, 0x00};

Device dev(uint16_t vid, uint16_t pid, std::vector<uint8_t> ports, std::vector<InterfaceClass> ifs,
           std::string product = "", std::string manufacturer = "") {
  Device d;
  d.vendor = vid;
  d.product = pid;
  d.bus = 1;
  d.ports = std::move(ports);
  d.interfaces = std::move(ifs);
  if (!product.empty()) d.product_name.value = product;
  if (!manufacturer.empty()) d.manufacturer.value = manufacturer;
  return d;
}

}  // namespace

TEST_CASE("the embedded unit table parses and marks its IDs as assumed") {
  const UnitTable& t = embedded_unit_table();
  REQUIRE(!t.ids.empty());
  for (const auto& id : t.ids) CHECK(id.assumed);
  CHECK(t.rndis_interfaces.size() == 2);
  CHECK(t.name_contains == std::vector<std::string>{"Caora"});
  CHECK(t.reader_name_contains == std::vector<std::string>{"Caora"});
}

TEST_CASE("unit table errors name the place") {
  auto bad = parse_unit_table(R"({"schema":"caora.units/1","ids":[{"vendor":"xyz"}],"rndis_interfaces":[]})", "u.json");
  REQUIRE(!bad);
  CHECK(bad.error().message.en == "u.json /ids/0/vendor: needs 4 hex digits");
  auto none = parse_unit_table(R"({"schema":"caora.units/1","rndis_interfaces":[]})", "u.json");
  REQUIRE(!none);
  CHECK(none.error().message.en.find("/rndis_interfaces") != std::string::npos);
  CHECK(!parse_unit_table("{", "u.json"));
}

TEST_CASE("units are matched by ID or by RNDIS plus a Caora string; everything else is ignored") {
  auto t = parse_unit_table(R"({"schema":"caora.units/1",
    "ids":[{"vendor":"04c5","product":"1526","assumed":true},{"vendor":"abcd","product":"*","assumed":false}],
    "rndis_interfaces":[{"class":"e0","subclass":"01","protocol":"03"},{"class":"ef","subclass":"04","protocol":"01"}],
    "name_contains":["Caora"]})", "t");
  REQUIRE(t);
  std::vector<Device> devices = {
      dev(0x04c5, 0x1526, {4}, {kRndis, kCdcData}),                          // by ID
      dev(0x1234, 0x0001, {2}, {kRndisMisc, kCdcData}, "CAORA reader"),      // by string, case-insensitive
      dev(0x1234, 0x0002, {3, 1}, {kRndis}, "", "Caora Inc."),               // by manufacturer
      dev(0xabcd, 0x9999, {5}, {kRndis}),                                    // vendor-wide ID
      dev(0x04c5, 0x1526, {6}, {kCdcData}),                                  // ID without RNDIS: not a unit
      dev(0x18d1, 0x4ee3, {7}, {kRndis, kCdcData}, "Pixel 7", "Google"),     // a phone sharing its connection
      dev(0x046d, 0xc52b, {8}, {{0x03, 0x01, 0x02}}, "Caora look-alike"),    // a string but no RNDIS
  };
  auto units = find_units(devices, *t);
  REQUIRE(units.size() == 4);
  CHECK(units[0].device.port_path() == "1-2");
  CHECK(units[0].matched_by == "RNDIS + product \"CAORA reader\"");
  CHECK(units[1].device.port_path() == "1-3.1");
  CHECK(units[1].device.behind_hub());
  CHECK(units[1].matched_by == "RNDIS + manufacturer \"Caora Inc.\"");
  CHECK(units[2].device.port_path() == "1-4");
  CHECK(units[2].matched_by == "id 04c5:1526 (assumed) + RNDIS");
  CHECK_FALSE(units[2].device.behind_hub());
  CHECK(units[3].matched_by == "id abcd:* + RNDIS");
}

TEST_CASE("speeds and ids print as people read them") {
  CHECK(std::string(speed_name(Speed::SuperPlus)) == "super+");
  CHECK(std::string(speed_name(Speed::Unknown)) == "unknown");
  CHECK(below_high_speed(Speed::Full));
  CHECK(below_high_speed(Speed::Low));
  CHECK_FALSE(below_high_speed(Speed::High));
  CHECK_FALSE(below_high_speed(Speed::Unknown));
  Device d = dev(0x04c5, 0x00ab, {}, {});
  CHECK(d.id() == "04c5:00ab");
  CHECK(d.port_path() == "usb1");
}
