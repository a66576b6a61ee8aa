// The terminal's network interfaces as Linux shows them in sysfs
// (/sys/class/net/<if>: driver, the USB device under it, operstate, flags,
// carrier) and their IPv4 addresses (getifaddrs), and the IPv4 arithmetic the
// probes need: does a unit's subnet overlap another interface's?
//
// The sysfs root is a parameter so tests point it at fixture trees
// (tests/data/sysfs/<case>/sys). A fixture's interfaces do not exist in the
// kernel, so with a root other than /sys the addresses come from the file
// `ipv4` beside it ("<if> <a.b.c.d>/<prefix>" per line) instead of getifaddrs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/fs.h"
#include "core/result.h"

namespace caora::net {

struct Ipv4 {
  uint32_t addr = 0;  // host byte order
  int prefix = 32;
  std::string str() const;  // "192.168.250.1/24"
  uint32_t mask() const { return prefix == 0 ? 0u : ~0u << (32 - prefix); }
};

// "a.b.c.d/p" (or "a.b.c.d", /32); an error says what is wrong.
Expected<Ipv4> parse_ipv4(const std::string& text);
// Whether the two networks share any address.
bool overlaps(const Ipv4& a, const Ipv4& b);

struct Interface {
  std::string name;
  std::string driver;     // "rndis_host", "e1000e"; empty for a virtual interface
  std::string usb_port;   // "1-2" when the interface belongs to a USB device
  std::string usb_interface;  // "1-2:1.0": the USB interface the driver is bound to (what unbind/bind take)
  std::string operstate;  // "up", "down", "dormant", "unknown", …
  bool admin_up = false;  // IFF_UP: false means administratively down (disabled)
  std::optional<bool> carrier;  // unknown while the interface is down
  int type = 0;                 // ARPHRD_*: 1 Ethernet, 772 loopback
  bool loopback = false;
  bool wireless = false;
  bool physical = false;  // backed by a device (not virtual: bridges, veth, docker, …)
  std::vector<Ipv4> ipv4;
};

// Every interface under <sysfs_root>/class/net, sorted by name, with the IPv4
// addresses filled in (from getifaddrs, or the fixture's `ipv4` file).
Expected<std::vector<Interface>> read_interfaces(const fs::path& sysfs_root);

// The USB port path ("1-2.3") of a sysfs device path: the nearest ancestor
// named like a USB device; empty when the path is not on USB.
std::string usb_port_of(const fs::path& device_path);

// A wireless interface's signal as the kernel reports it in /proc/net/wireless.
struct WifiSignal {
  double link = 0;                // link quality, of 70 with most drivers
  std::optional<double> level_dbm;  // signal level, when the driver gives it in dBm (negative)
};
// Lines of /proc/net/wireless ("wlan0: 0000   35.  -75.  -256 …"), by interface name;
// header and malformed lines are skipped.
std::map<std::string, WifiSignal> parse_proc_net_wireless(const std::string& text);
// Weak: below -70 dBm, or below half the link quality when no level is given.
// The thresholds are the project's advice (common Wi-Fi guidance), not the vendor's.
bool wifi_signal_weak(const WifiSignal& s);

// IPv4 default routes through a gateway, from /proc/net/route: interface name →
// gateway ("a.b.c.d"). The kernel prints addresses as little-endian hex words.
std::map<std::string, std::string> parse_proc_net_route_defaults(const std::string& text);
// The `nameserver` addresses of a resolv.conf, in order (comments and other
// keywords skipped).
std::vector<std::string> parse_resolv_conf_nameservers(const std::string& text);
// systemd-resolved's stub (127.0.0.53/54): the real servers are then in
// /run/systemd/resolve/resolv.conf.
bool is_resolved_stub(const std::string& nameserver);

// Addresses by interface name.
using AddressMap = std::map<std::string, std::vector<Ipv4>>;
Expected<AddressMap> read_ipv4_getifaddrs();
Expected<AddressMap> read_ipv4_file(const fs::path& path);

}  // namespace caora::net
