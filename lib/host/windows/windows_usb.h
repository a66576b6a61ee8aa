// Caora units on USB under Windows. libusb enumerates a unit bound to the
// RNDIS driver (descriptors, port numbers, speed) but cannot open it, so the
// serial number comes from SetupAPI: the USB device's instance ID ends in the
// serial when the device has one. When libusb cannot enumerate at all, the
// devices come from SetupAPI alone (location paths for the ports, the parent
// hub for the speed, compatible IDs for the interface classes).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host/windows/win32_api.h"
#include "usb/usb.h"

namespace caora::win {

// "USB\VID_04C5&PID_1526&REV_0100" → (0x04c5, 0x1526); nullopt when no ID carries both.
std::optional<std::pair<uint16_t, uint16_t>> vid_pid(const std::vector<std::string>& hardware_ids);
// The last part of "USB\VID_04C5&PID_1526\2113001" when it is a serial number
// (Windows makes up "5&1a2b3c&0&2" for a device without one: that has '&').
std::optional<std::string> serial_from_instance_id(const std::string& instance_id);
// "PCIROOT(0)#PCI(1400)#USBROOT(0)#USB(2)#USB(3)" → {2, 3}; empty when not a USB location.
std::vector<uint8_t> ports_from_location_path(const std::string& location);
// "USB\Class_E0&SubClass_01&Prot_03" → {0xe0, 0x01, 0x03}.
std::optional<usb::InterfaceClass> class_from_compatible_id(const std::string& id);

struct MergedUsb {
  std::vector<usb::Device> devices;
  std::map<std::string, std::string> instance_of_port;  // port path → the USB device's instance ID
  std::string source;                                   // which enumeration the devices came from
};

// libusb's devices with SetupAPI's serials (and speeds libusb did not know);
// SetupAPI's nodes alone when libusb failed.
MergedUsb merge_usb(const Expected<std::vector<usb::Device>>& libusb, const std::vector<DeviceNode>& nodes);

class WindowsUsbSource : public usb::UsbSource {
 public:
  WindowsUsbSource(std::unique_ptr<usb::UsbSource> libusb, DeviceManager& devices)
      : libusb_(std::move(libusb)), devices_(devices) {}
  std::string name() const override { return name_; }
  Expected<std::vector<usb::Device>> devices() override;
  // From the last devices(): which device node each port path is.
  const std::map<std::string, std::string>& instance_of_port() const { return instance_of_port_; }

 private:
  std::unique_ptr<usb::UsbSource> libusb_;
  DeviceManager& devices_;
  std::string name_ = "libusb+SetupAPI";
  std::map<std::string, std::string> instance_of_port_;
};

}  // namespace caora::win
