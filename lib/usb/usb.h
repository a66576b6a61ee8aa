// Caora units on USB: the devices a source (libusb, or SetupAPI on Windows)
// reports, the table that says which of them are units (data/units.json), and
// the matching. Everything here is portable; the sources are not.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/text.h"

namespace caora::usb {

enum class Speed { Unknown, Low, Full, High, Super, SuperPlus };
// "low", "full", "high", "super", "super+", "unknown".
const char* speed_name(Speed speed);
// Below USB 2.0 high speed (what the vendor asks for).
bool below_high_speed(Speed speed);

struct InterfaceClass {
  uint8_t cls = 0, subclass = 0, protocol = 0;
  bool operator==(const InterfaceClass& o) const {
    return cls == o.cls && subclass == o.subclass && protocol == o.protocol;
  }
};

// A string the source tried to read: its value, or why there is none.
struct StringField {
  std::optional<std::string> value;
  Text reason;         // why it is unknown
  std::string source;  // where it was read ("sysfs serial", "string descriptor 3")
};

// One USB device as a source sees it.
struct Device {
  uint16_t vendor = 0, product = 0;
  uint8_t bus = 0;
  std::vector<uint8_t> ports;  // port numbers from the root hub down; empty for a root hub
  Speed speed = Speed::Unknown;
  uint8_t device_class = 0;
  std::vector<InterfaceClass> interfaces;
  StringField manufacturer, product_name, serial;

  // "1-2.3": bus, then the port numbers (Linux's sysfs name for the device).
  std::string port_path() const;
  // A hub sits between the device and the root port when it is more than one port deep.
  bool behind_hub() const { return ports.size() > 1; }
  std::string id() const;  // "04c5:1526"
};

// Where the devices come from: libusb on Linux, a fake in tests, SetupAPI on Windows.
class UsbSource {
 public:
  virtual ~UsbSource() = default;
  virtual std::string name() const = 0;
  // Every device on every bus; an error when USB cannot be read at all.
  virtual Expected<std::vector<Device>> devices() = 0;
};

struct UnitTable {
  struct Id {
    uint16_t vendor = 0;
    std::optional<uint16_t> product;  // nullopt: any product of the vendor ("*")
    bool assumed = true;
  };
  std::vector<Id> ids;
  std::vector<InterfaceClass> rndis_interfaces;
  std::vector<std::string> name_contains;         // in manufacturer or product strings
  std::vector<std::string> reader_name_contains;  // in PC/SC reader names
};

Expected<UnitTable> parse_unit_table(const std::string& text, const std::string& name);
// data/units.json, embedded at build time.
const UnitTable& embedded_unit_table();

struct Unit {
  Device device;
  std::string matched_by;  // "id 04c5:* (assumed) + RNDIS", "RNDIS + product \"Caora\""
};

bool has_rndis_interface(const Device& d, const UnitTable& table);
// The devices that are units, in port-path order; everything else is ignored.
std::vector<Unit> find_units(const std::vector<Device>& devices, const UnitTable& table);
// Case-insensitive (ASCII) substring test.
bool contains_nocase(const std::string& haystack, const std::string& needle);

}  // namespace caora::usb
