// What SetupAPI hands the Windows backend: hardware and compatible IDs,
// instance IDs and location paths, taken apart and matched to libusb's view.
// Input: lines "instance|location|hardware id,…|compatible id,…|parent".
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "host/windows/windows_usb.h"

using namespace caora;

namespace {
std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) out.push_back(part);
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<win::DeviceNode> nodes;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line) && nodes.size() < 64) {
    auto f = split(line, '|');
    f.resize(5);
    win::DeviceNode n;
    n.instance_id = f[0];
    n.usb_ports = win::ports_from_location_path(f[1]);
    n.hardware_ids = split(f[2], ',');
    n.compatible_ids = split(f[3], ',');
    n.usb_device = f[4];
    (void)win::vid_pid(n.hardware_ids);
    (void)win::serial_from_instance_id(n.instance_id);
    for (const auto& c : n.compatible_ids) (void)win::class_from_compatible_id(c);
    nodes.push_back(n);
  }
  // Both ways: libusb's devices to match against, and SetupAPI alone.
  std::vector<usb::Device> lib;
  for (const auto& n : nodes)
    if (auto id = win::vid_pid(n.hardware_ids)) {
      usb::Device d;
      d.vendor = id->first;
      d.product = id->second;
      d.bus = 1;
      d.ports = n.usb_ports;
      lib.push_back(d);
    }
  (void)win::merge_usb(lib, nodes);
  (void)win::merge_usb(make_error(ErrorKind::Io, "x", "x"), nodes);
  return 0;
}
