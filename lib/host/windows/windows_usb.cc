#include "host/windows/windows_usb.h"

#include <cctype>
#include <cstdlib>
#include <set>

namespace caora::win {

namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The hex number after `key` ("VID_") in `s`, if there are `digits` hex digits.
std::optional<unsigned> hex_after(const std::string& s, const std::string& key, size_t digits) {
  size_t at = s.find(key);
  if (at == std::string::npos || at + key.size() + digits > s.size()) return std::nullopt;
  std::string hex = s.substr(at + key.size(), digits);
  for (char c : hex)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
  return static_cast<unsigned>(std::strtoul(hex.c_str(), nullptr, 16));
}

bool is_interface_node(const std::string& instance_id) { return upper(instance_id).find("&MI_") != std::string::npos; }

}  // namespace

std::optional<std::pair<uint16_t, uint16_t>> vid_pid(const std::vector<std::string>& hardware_ids) {
  for (const auto& id : hardware_ids) {
    std::string u = upper(id);
    auto v = hex_after(u, "VID_", 4), p = hex_after(u, "PID_", 4);
    if (v && p) return std::make_pair(static_cast<uint16_t>(*v), static_cast<uint16_t>(*p));
  }
  return std::nullopt;
}

std::optional<std::string> serial_from_instance_id(const std::string& instance_id) {
  size_t first = instance_id.find('\\');
  size_t last = instance_id.rfind('\\');
  if (first == std::string::npos || last == first || last + 1 >= instance_id.size()) return std::nullopt;
  std::string tail = instance_id.substr(last + 1);
  if (tail.find('&') != std::string::npos || is_interface_node(instance_id)) return std::nullopt;
  return tail;
}

std::vector<uint8_t> ports_from_location_path(const std::string& location) {
  std::vector<uint8_t> ports;
  std::string u = upper(location);
  size_t root = u.find("USBROOT(");
  if (root == std::string::npos) return ports;
  size_t pos = root;
  while ((pos = u.find("#USB(", pos)) != std::string::npos) {
    pos += 5;
    size_t close = u.find(')', pos);
    if (close == std::string::npos) break;
    std::string n = u.substr(pos, close - pos);
    if (n.empty() || n.size() > 3 || n.find_first_not_of("0123456789") != std::string::npos) return {};
    int port = std::atoi(n.c_str());
    if (port <= 0 || port > 255) return {};
    ports.push_back(static_cast<uint8_t>(port));
  }
  return ports;
}

std::optional<usb::InterfaceClass> class_from_compatible_id(const std::string& id) {
  std::string u = upper(id);
  auto c = hex_after(u, "CLASS_", 2), s = hex_after(u, "SUBCLASS_", 2), p = hex_after(u, "PROT_", 2);
  if (!c || !s || !p) return std::nullopt;
  return usb::InterfaceClass{static_cast<uint8_t>(*c), static_cast<uint8_t>(*s), static_cast<uint8_t>(*p)};
}

MergedUsb merge_usb(const Expected<std::vector<usb::Device>>& libusb, const std::vector<DeviceNode>& nodes) {
  MergedUsb out;
  // Whole devices (not their interface nodes), with what identifies them.
  struct Whole {
    const DeviceNode* node;
    std::pair<uint16_t, uint16_t> id;
  };
  std::vector<Whole> wholes;
  for (const auto& n : nodes) {
    if (is_interface_node(n.instance_id)) continue;
    if (auto id = vid_pid(n.hardware_ids)) wholes.push_back({&n, *id});
  }
  auto serial_field = [](const DeviceNode& n) {
    usb::StringField f;
    f.value = serial_from_instance_id(n.instance_id);
    f.source = "SetupAPI instance ID " + n.instance_id;
    if (!f.value)
      f.reason = {"Windowsがシリアル番号を持たないデバイスとして登録しています（" + n.instance_id + "）",
                  "Windows lists the device without a serial number (" + n.instance_id + ")"};
    return f;
  };
  if (libusb) {
    out.source = "libusb, serials from SetupAPI";
    std::set<const DeviceNode*> used;
    for (usb::Device d : *libusb) {
      const DeviceNode* match = nullptr;
      size_t same_id = 0;
      const DeviceNode* only = nullptr;
      for (const auto& w : wholes) {
        if (w.id != std::make_pair(d.vendor, d.product) || used.count(w.node)) continue;
        ++same_id;
        only = w.node;
        if (!d.ports.empty() && w.node->usb_ports == d.ports) match = w.node;
      }
      // Without a location to compare, a single device with the ID is still the one.
      if (match == nullptr && same_id == 1 && (only->usb_ports.empty() || d.ports.empty())) match = only;
      if (match != nullptr) {
        used.insert(match);
        out.instance_of_port[d.port_path()] = match->instance_id;
        if (!d.serial.value) {
          usb::StringField f = serial_field(*match);
          if (f.value) d.serial = f;
          else d.serial.reason = {d.serial.reason.ja + "; " + f.reason.ja, d.serial.reason.en + "; " + f.reason.en};
        }
        if (d.speed == usb::Speed::Unknown) d.speed = match->speed;
      }
      out.devices.push_back(std::move(d));
    }
    return out;
  }
  // libusb failed: SetupAPI alone. Bus numbers are not known; 1 stands for "a root hub".
  out.source = "SetupAPI (libusb: " + libusb.error().message.en + ")";
  for (const auto& w : wholes) {
    usb::Device d;
    d.vendor = w.id.first;
    d.product = w.id.second;
    d.bus = 1;
    d.ports = w.node->usb_ports;
    d.speed = w.node->speed;
    d.serial = serial_field(*w.node);
    d.product_name.value = w.node->description;
    d.product_name.source = "SetupAPI description";
    std::vector<const DeviceNode*> parts{w.node};
    for (const auto& n : nodes)
      if (is_interface_node(n.instance_id) && n.usb_device == w.node->instance_id) parts.push_back(&n);
    for (const auto* n : parts)
      for (const auto& c : n->compatible_ids)
        if (auto cls = class_from_compatible_id(c)) {
          bool seen = false;
          for (const auto& i : d.interfaces) seen = seen || i == *cls;
          if (!seen) d.interfaces.push_back(*cls);
        }
    out.instance_of_port[d.port_path()] = w.node->instance_id;
    out.devices.push_back(std::move(d));
  }
  return out;
}

Expected<std::vector<usb::Device>> WindowsUsbSource::devices() {
  auto nodes = devices_.list(DeviceClass::Usb);
  auto lib = libusb_ ? libusb_->devices()
                     : Expected<std::vector<usb::Device>>(make_error(ErrorKind::Unsupported, "libusb なし", "no libusb"));
  if (!nodes && !lib) return lib.error();
  MergedUsb m = merge_usb(lib, nodes ? *nodes : std::vector<DeviceNode>{});
  name_ = m.source;
  instance_of_port_ = std::move(m.instance_of_port);
  return m.devices;
}

}  // namespace caora::win
