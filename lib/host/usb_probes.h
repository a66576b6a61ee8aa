// The USB probes (usb.*), the same on every live backend: each backend
// enumerates USB its own way (libusb; libusb + SetupAPI) and hands the units
// over here.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "host/probe_table.h"
#include "host/records.h"
#include "usb/usb.h"

namespace caora {

struct UsbView {
  std::optional<Error> error;  // USB could not be enumerated
  std::string source;          // what enumerated it ("libusb", "libusb+SetupAPI")
  std::vector<usb::Unit> units;
  size_t devices = 0;
  // Windows: the USB device instance at each unit's port (evidence, adapter matching).
  std::map<std::string, std::string> instance_of_port;
};

// Enumerates once and picks the units out.
UsbView read_usb_view(usb::UsbSource& source, const usb::UnitTable& table);

// "1-2 04c5:1526 serial 2113001": a unit as evidence names it.
std::string unit_label(const usb::Unit& unit);
UnitRecord unit_record(const usb::Unit& unit);

// usb.units.count, .serials, .behind_hub, .low_speed and .detail.
const ProbeTable<const UsbView>& usb_probes();

}  // namespace caora
