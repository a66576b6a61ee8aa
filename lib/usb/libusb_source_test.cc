// The real libusb code against USB trees that umockdev replays
// (tests/data/umockdev/*.umockdev). Hidden from the plain unit run: CTest runs
// each case under `umockdev-run -d <tree> -- caora_unit_tests [umockdev-<tree>]`.
#include "usb/libusb_source.h"

#include <cstdlib>

#include <catch2/catch.hpp>

using namespace caora;
using namespace caora::usb;

namespace {

std::vector<Unit> units_in_testbed() {
  // Outside umockdev these would read the real machine: refuse rather than pass.
  REQUIRE(std::getenv("UMOCKDEV_DIR") != nullptr);
  LibusbSource source;
  auto devices = source.devices();
  REQUIRE(devices);
  return find_units(*devices, embedded_unit_table());
}

}  // namespace

TEST_CASE("libusb: one unit on a root port", "[.umockdev-root-port]") {
  auto units = units_in_testbed();
  REQUIRE(units.size() == 1);
  const Device& d = units[0].device;
  CHECK(d.id() == "04c5:1526");
  CHECK(d.port_path() == "1-2");
  CHECK_FALSE(d.behind_hub());
  CHECK(d.speed == Speed::High);
  REQUIRE(d.serial.value);
  CHECK(*d.serial.value == "2113001");
  CHECK(d.serial.source == "sysfs serial");
  CHECK(units[0].matched_by == "id 04c5:* (assumed) + RNDIS");
}

TEST_CASE("libusb: a unit behind a full-speed hub", "[.umockdev-behind-hub]") {
  auto units = units_in_testbed();
  REQUIRE(units.size() == 1);
  const Device& d = units[0].device;
  CHECK(d.port_path() == "1-1.3");
  CHECK(d.behind_hub());
  CHECK(d.speed == Speed::Full);
  CHECK(below_high_speed(d.speed));
  CHECK(d.serial.value == std::optional<std::string>("2113001"));
}

TEST_CASE("libusb: two units, one by the fallback and without a serial", "[.umockdev-two-units]") {
  auto units = units_in_testbed();
  REQUIRE(units.size() == 2);
  CHECK(units[0].device.port_path() == "1-2");
  CHECK(units[0].device.speed == Speed::High);
  CHECK(units[0].device.serial.value == std::optional<std::string>("2113001"));
  const Device& b = units[1].device;
  CHECK(b.port_path() == "2-1");
  CHECK(b.speed == Speed::Super);
  CHECK(units[1].matched_by == "RNDIS + product \"Caora face reader\"");
  CHECK_FALSE(b.serial.value);
  CHECK(b.serial.reason.en == "the device has no such string (descriptor index 0)");
}

TEST_CASE("libusb: a serial that sysfs lacks is read from the device, or says why not", "[.umockdev-serial-unreadable]") {
  auto units = units_in_testbed();
  REQUIRE(units.size() == 1);
  const Device& d = units[0].device;
  CHECK(d.port_path() == "1-4");
  CHECK_FALSE(d.serial.value);
  // umockdev has no replay for control transfers here, so the read fails as on a broken device.
  CHECK(d.serial.reason.en.find("string descriptor 3 cannot be read (LIBUSB_ERROR_") == 0);
}

TEST_CASE("libusb: unknown devices are ignored", "[.umockdev-unknown-device]") {
  REQUIRE(std::getenv("UMOCKDEV_DIR") != nullptr);
  LibusbSource source;
  auto devices = source.devices();
  REQUIRE(devices);
  CHECK(devices->size() == 5);  // two root hubs, a receiver, a scanner, a phone
  CHECK(find_units(*devices, embedded_unit_table()).empty());
}

TEST_CASE("libusb: nothing plugged in", "[.umockdev-no-device]") {
  CHECK(units_in_testbed().empty());
}

TEST_CASE("libusb: the unit moved to another root port", "[.umockdev-moved-port]") {
  auto units = units_in_testbed();
  REQUIRE(units.size() == 1);
  CHECK(units[0].device.port_path() == "1-3");
  CHECK(units[0].device.serial.value == std::optional<std::string>("2113001"));
}

TEST_CASE("libusb: five units on two buses", "[.umockdev-five-units]") {
  auto units = units_in_testbed();
  REQUIRE(units.size() == 5);
  std::vector<std::string> ports, serials;
  for (const auto& u : units) {
    ports.push_back(u.device.port_path());
    serials.push_back(u.device.serial.value.value_or("?"));
    CHECK_FALSE(u.device.behind_hub());
  }
  CHECK(ports == std::vector<std::string>{"1-1", "1-2", "1-3", "1-4", "2-1"});
  CHECK(serials == std::vector<std::string>{"2113001", "2113002", "2113003", "2113004", "2113005"});
  CHECK(units[4].device.speed == Speed::Super);
}
