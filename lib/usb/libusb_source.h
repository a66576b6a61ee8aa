// The USB source on Linux: libusb-1.0 enumerates the devices (descriptors,
// port numbers, speed — all from sysfs, without opening anything), and the
// strings come from the kernel's copies in sysfs (`serial`, `product`,
// `manufacturer` under /sys/bus/usb/devices/<port path>), which any user may
// read. Only a device with a Remote NDIS interface whose strings sysfs lacks is
// opened to read its string descriptors, which usually needs root.
#pragma once

#include "core/fs.h"
#include "usb/usb.h"

namespace caora::usb {

class LibusbSource : public UsbSource {
 public:
  // `sysfs_usb_devices` is where the string attributes are read; it is the tree
  // libusb itself reads (umockdev redirects both in the tests).
  explicit LibusbSource(fs::path sysfs_usb_devices = "/sys/bus/usb/devices", const UnitTable* table = nullptr)
      : sysfs_(std::move(sysfs_usb_devices)), table_(table ? table : &embedded_unit_table()) {}
  std::string name() const override { return "libusb"; }
  Expected<std::vector<Device>> devices() override;

 private:
  fs::path sysfs_;
  const UnitTable* table_;
};

}  // namespace caora::usb
