#include "net/net.h"

#include <catch2/catch.hpp>

using namespace caora;
using namespace caora::net;

static fs::path fixture(const std::string& name) {
  return fs::path(CAORA_SOURCE_DIR) / "tests" / "data" / "sysfs" / name / "sys";
}

static const Interface* find(const std::vector<Interface>& list, const std::string& name) {
  for (const auto& i : list)
    if (i.name == name) return &i;
  return nullptr;
}

TEST_CASE("IPv4 addresses parse, print and overlap") {
  auto a = parse_ipv4("192.168.250.1/24");
  REQUIRE(a);
  CHECK(a->str() == "192.168.250.1/24");
  CHECK(parse_ipv4("10.0.0.1")->prefix == 32);
  CHECK(!parse_ipv4("256.1.1.1/24"));
  CHECK(!parse_ipv4("1.2.3.4/33"));
  CHECK(!parse_ipv4("1.2.3/24"));
  CHECK(!parse_ipv4("fe80::1/64"));
  auto lan = *parse_ipv4("192.168.0.20/16");
  auto unit = *parse_ipv4("192.168.250.2/24");
  auto other = *parse_ipv4("192.168.251.2/24");
  CHECK(overlaps(lan, unit));
  CHECK(overlaps(unit, lan));
  CHECK_FALSE(overlaps(unit, other));
  CHECK(overlaps(unit, *parse_ipv4("192.168.250.200/24")));
  CHECK(overlaps(*parse_ipv4("0.0.0.0/0"), unit));
  CHECK_FALSE(overlaps(*parse_ipv4("10.0.0.0/8"), unit));
}

TEST_CASE("USB port paths are found in sysfs device paths") {
  CHECK(usb_port_of("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0") == "1-2");
  CHECK(usb_port_of("/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1.3/1-1.3:1.0") == "1-1.3");
  CHECK(usb_port_of("/sys/devices/pci0000:00/0000:00:1f.6") == "");
  CHECK(usb_port_of("/sys/devices/virtual/net/lo") == "");
}

TEST_CASE("interfaces are read from a sysfs tree, with the unit's adapter on its USB port") {
  auto list = read_interfaces(fixture("rndis-ok"));
  REQUIRE(list);
  REQUIRE(list->size() == 5);
  const Interface* usb0 = find(*list, "usb0");
  REQUIRE(usb0);
  CHECK(usb0->driver == "rndis_host");
  CHECK(usb0->usb_port == "1-2");
  CHECK(usb0->admin_up);
  CHECK(usb0->operstate == "up");
  CHECK(usb0->carrier == std::optional<bool>(true));
  REQUIRE(usb0->ipv4.size() == 1);
  CHECK(usb0->ipv4[0].str() == "192.168.250.2/24");
  const Interface* eth0 = find(*list, "eth0");
  REQUIRE(eth0);
  CHECK(eth0->driver == "e1000e");
  CHECK(eth0->usb_port.empty());
  CHECK(eth0->physical);
  CHECK_FALSE(eth0->wireless);
  const Interface* lo = find(*list, "lo");
  REQUIRE(lo);
  CHECK(lo->loopback);
  CHECK_FALSE(lo->physical);
  CHECK(find(*list, "wlan0")->wireless);
  CHECK_FALSE(find(*list, "docker0")->physical);
}

TEST_CASE("a disabled adapter is administratively down and its carrier unknown") {
  auto list = read_interfaces(fixture("disabled"));
  REQUIRE(list);
  const Interface* usb0 = find(*list, "usb0");
  REQUIRE(usb0);
  CHECK_FALSE(usb0->admin_up);
  CHECK(usb0->operstate == "down");
  CHECK_FALSE(usb0->carrier);
  CHECK(usb0->ipv4.empty());
  CHECK(find(*list, "eth0")->carrier == std::optional<bool>(false));
}

TEST_CASE("a missing sysfs tree or a bad address file is an error, not an empty list") {
  CHECK(!read_interfaces(fs::path(CAORA_SOURCE_DIR) / "no-such-sysfs"));
  fs::path tmp = fs::temp_directory_path() / "caora-net-test-ipv4";
  REQUIRE(write_file_atomic(tmp, "usb0 192.168.250.2/24\n# comment\n\neth0 nonsense\n"));
  auto bad = read_ipv4_file(tmp);
  REQUIRE(!bad);
  CHECK(bad.error().message.en.find(":4: not") != std::string::npos);
  fs::remove(tmp);
}

TEST_CASE("getifaddrs sees the loopback address on this machine") {
  auto addrs = read_ipv4_getifaddrs();
  REQUIRE(addrs);
  bool loopback = false;
  for (const auto& [name, list] : *addrs)
    for (const auto& a : list) loopback = loopback || a.str() == "127.0.0.1/8";
  CHECK(loopback);
}

TEST_CASE("/proc/net/wireless: link quality and level by interface") {
  auto s = caora::net::parse_proc_net_wireless(
      "Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE\n"
      " face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22\n"
      " wlan0: 0000   35.  -75.  -256        0      0      0      0     12        0\n"
      "wlp2s0: 0000   50.  0.  0        0      0      0      0     0        0\n"
      "garbage\n");
  REQUIRE(s.size() == 2);
  CHECK(s.at("wlan0").link == 35);
  CHECK(*s.at("wlan0").level_dbm == -75);
  CHECK(caora::net::wifi_signal_weak(s.at("wlan0")));
  CHECK_FALSE(s.at("wlp2s0").level_dbm);
  CHECK_FALSE(caora::net::wifi_signal_weak(s.at("wlp2s0")));
  CHECK(caora::net::wifi_signal_weak({20, std::nullopt}));
}

TEST_CASE("/proc/net/route: the default routes through a gateway, by interface") {
  auto r = caora::net::parse_proc_net_route_defaults(
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
      "eth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
      "eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n"
      "usb0\t00000000\t00000000\t0001\t0\t0\t0\t00000000\t0\t0\t0\n"  // default, no gateway
      "wlan0\t00000000\t0101A8C0\t0002\t0\t0\t0\t00000000\t0\t0\t0\n"  // not up
      "broken line\n");
  REQUIRE(r.size() == 1);
  CHECK(r.at("eth0") == "192.168.0.1");
}

TEST_CASE("resolv.conf: nameserver lines, and systemd-resolved's stub") {
  auto ns = caora::net::parse_resolv_conf_nameservers(
      "# Generated\nsearch clinic.local\nnameserver 192.168.0.1\n  nameserver\t8.8.8.8 \n#nameserver 1.1.1.1\noptions edns0\n");
  REQUIRE(ns.size() == 2);
  CHECK(ns[0] == "192.168.0.1");
  CHECK(ns[1] == "8.8.8.8");
  CHECK(caora::net::parse_resolv_conf_nameservers("").empty());
  CHECK(caora::net::is_resolved_stub("127.0.0.53"));
  CHECK_FALSE(caora::net::is_resolved_stub("192.168.0.1"));
}
