// The Windows backend's logic over fakes of what Wine cannot have: a device
// tree with units and their RNDIS adapters, services, a power scheme. Runs on
// every platform (the logic is plain C++), and under Wine in the Windows CI step.
#include "host/windows/windows_host.h"

#include <algorithm>

#include <catch2/catch.hpp>

#include "host/windows/fake_apis.h"
#include "host/vocabulary.h"
#include "host/windows/windows_usb.h"

using namespace caora;
using namespace caora::win;
using nlohmann::json;

namespace {

const char* kUnitA = "USB\\VID_04C5&PID_1526\\2113001";
const char* kUnitB = "USB\\VID_04C5&PID_1526\\2113002";
const char* kNicDriverKey = "{4d36e972-e325-11ce-bfc1-08002be10318}\\0001";

usb::Device libusb_unit(std::vector<uint8_t> ports, usb::Speed speed) {
  usb::Device d;
  d.vendor = 0x04c5;
  d.product = 0x1526;
  d.bus = 1;
  d.ports = std::move(ports);
  d.speed = speed;
  d.interfaces = {{0xe0, 0x01, 0x03}, {0x0a, 0x00, 0x00}};
  // What LibusbSource says on Windows: the RNDIS driver owns the device.
  d.serial.reason = {"開けません", "cannot open the device (LIBUSB_ERROR_NOT_SUPPORTED)"};
  return d;
}

DeviceNode usb_node(const std::string& id, std::vector<uint8_t> ports) {
  DeviceNode n;
  n.instance_id = id;
  n.description = "USB Composite Device";
  n.hardware_ids = {"USB\\VID_04C5&PID_1526&REV_0100", "USB\\VID_04C5&PID_1526"};
  n.usb_device = id;
  n.usb_ports = std::move(ports);
  return n;
}

DeviceNode rndis_node(const std::string& unit, const std::string& suffix, const std::string& guid) {
  DeviceNode n;
  n.instance_id = "USB\\VID_04C5&PID_1526&MI_00\\7&" + suffix + "&0&0000";
  n.description = "Remote NDIS Compatible Device";
  n.hardware_ids = {"USB\\VID_04C5&PID_1526&REV_0100&MI_00", "USB\\VID_04C5&PID_1526&MI_00"};
  n.compatible_ids = {"USB\\MS_COMP_RNDIS", "USB\\Class_E0&SubClass_01&Prot_03"};
  n.usb_device = unit;
  n.net_guid = guid;
  n.driver_key = "{4d36e972-e325-11ce-bfc1-08002be10318}\\0007";
  return n;
}

net::WindowsAdapter adapter(const std::string& guid, const std::string& name, const std::string& cidr, unsigned type = 6) {
  net::WindowsAdapter a;
  a.guid = guid;
  a.friendly_name = name;
  a.if_type = type;
  a.up = true;
  if (!cidr.empty()) a.ipv4.push_back(*net::parse_ipv4(cidr));
  return a;
}

// One clinic terminal: a unit on root port 2, its adapter, the wired NIC with
// ARP offload on, a fingerprint sensor, CertPropSvc running, RDP allowed.
struct Terminal {
  fake::Registry* reg;
  fake::Devices* dev;
  fake::Services* svc;
  fake::System* sys;
  fake::Libusb* usb;
  fake::Pcsc* pcsc;
  std::unique_ptr<WindowsHost> host;

  Terminal() {
    auto r = std::make_unique<fake::Registry>();
    auto d = std::make_unique<fake::Devices>();
    auto s = std::make_unique<fake::Services>();
    auto y = std::make_unique<fake::System>();
    auto u = std::make_unique<fake::Libusb>();
    auto p = std::make_unique<fake::Pcsc>();
    reg = r.get(), dev = d.get(), svc = s.get(), sys = y.get(), usb = u.get(), pcsc = p.get();

    usb->list = std::vector<usb::Device>{libusb_unit({2}, usb::Speed::High)};
    dev->usb = {usb_node(kUnitA, {2})};
    DeviceNode nic;
    nic.instance_id = "PCI\\VEN_8086&DEV_15BC&SUBSYS_0A4D1028&REV_10\\3&11583659&0&FE";
    nic.description = "Intel(R) Ethernet Connection (7) I219-LM";
    nic.hardware_ids = {"PCI\\VEN_8086&DEV_15BC"};
    nic.net_guid = "{BBBBBBBB-0000-0000-0000-000000000001}";
    nic.driver_key = kNicDriverKey;
    dev->net = {rndis_node(kUnitA, "a1", "{AAAAAAAA-0000-0000-0000-000000000001}"), nic};
    DeviceNode finger;
    finger.instance_id = "USB\\VID_27C6&PID_5385\\5&1A2B3C&0&7";
    finger.description = "Goodix fingerprint";
    dev->biometric = {finger};
    sys->adapter_list = {adapter("{aaaaaaaa-0000-0000-0000-000000000001}", "Ethernet 2", "192.168.250.2/24"),
                         adapter("{BBBBBBBB-0000-0000-0000-000000000001}", "Ethernet", "192.168.0.20/24"),
                         adapter("", "Loopback Pseudo-Interface 1", "127.0.0.1/8", 24)};
    reg->set_dword(winreg::kTerminalServer, "fDenyTSConnections", 0);
    reg->set_string(std::string(winreg::kClassRoot) + "\\" + kNicDriverKey, "*PMARPOffload", "1");
    reg->set_string(winreg::kCurrentVersion, "ProductName", "Windows 10 Pro");
    reg->set_string(winreg::kCurrentVersion, "CurrentBuildNumber", "22631");
    reg->set_string(winreg::kCurrentVersion, "DisplayVersion", "23H2");
    reg->set_dword(winreg::kCurrentVersion, "UBR", 4317);
    svc->services["CertPropSvc"] = {true, true, 3};
    pcsc->readers_list = {"PFU Caora 2113001 0", "SONY FeliCa Port/PaSoRi 4.0 0"};

    WindowsApis apis{std::move(r), std::move(d), std::move(s), std::move(y)};
    host = std::make_unique<WindowsHost>(std::move(apis), std::move(u), std::move(p));
  }
  ProbeResult probe(const std::string& name) {
    host->forget();
    return host->probe(name);
  }
};

std::string state_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("caora-windows-host-test-" + name);
  fs::remove_all(dir);
  return dir.u8string();
}

}  // namespace

TEST_CASE("Windows USB: instance IDs, location paths and compatible IDs", "[windows]") {
  CHECK(vid_pid({"USB\\VID_04C5&PID_1526&REV_0100"}) == std::make_pair<uint16_t, uint16_t>(0x04c5, 0x1526));
  CHECK(!vid_pid({"PCI\\VEN_8086&DEV_15BC"}));
  CHECK(serial_from_instance_id(kUnitA) == std::optional<std::string>("2113001"));
  CHECK(!serial_from_instance_id("USB\\VID_04C5&PID_1526\\5&1a2b3c&0&2"));  // made up by Windows
  CHECK(!serial_from_instance_id("USB\\VID_04C5&PID_1526&MI_00\\7&a1&0&0000"));
  CHECK(ports_from_location_path("PCIROOT(0)#PCI(1400)#USBROOT(0)#USB(2)#USB(3)") == std::vector<uint8_t>{2, 3});
  CHECK(ports_from_location_path("PCIROOT(0)#PCI(1400)#USBROOT(0)#USB(14)") == std::vector<uint8_t>{14});
  CHECK(ports_from_location_path("ACPI(_SB_)#ACPI(PCI0)").empty());
  CHECK(ports_from_location_path("PCIROOT(0)#USBROOT(0)#USB(x)").empty());
  auto cls = class_from_compatible_id("USB\\Class_E0&SubClass_01&Prot_03");
  REQUIRE(cls);
  CHECK((*cls == usb::InterfaceClass{0xe0, 0x01, 0x03}));
  CHECK(!class_from_compatible_id("USB\\MS_COMP_RNDIS"));
}

TEST_CASE("Windows USB: libusb's devices get SetupAPI's serials; SetupAPI alone when libusb fails", "[windows]") {
  std::vector<DeviceNode> nodes = {usb_node(kUnitA, {2}), usb_node(kUnitB, {3, 1})};
  auto rndis = rndis_node(kUnitB, "b1", "{X}");
  rndis.usb_device = kUnitB;
  nodes.push_back(rndis);
  std::vector<usb::Device> lib = {libusb_unit({3, 1}, usb::Speed::Full), libusb_unit({2}, usb::Speed::High)};
  MergedUsb m = merge_usb(lib, nodes);
  REQUIRE(m.devices.size() == 2);
  // Matched by port chain, not by order.
  CHECK(m.devices[0].serial.value == std::optional<std::string>("2113002"));
  CHECK(m.devices[1].serial.value == std::optional<std::string>("2113001"));
  CHECK(m.instance_of_port.at("1-3.1") == kUnitB);

  Expected<std::vector<usb::Device>> failed = make_error(ErrorKind::Io, "x", "no libusb backend");
  nodes[1].speed = usb::Speed::Full;
  MergedUsb alone = merge_usb(failed, nodes);
  REQUIRE(alone.devices.size() == 2);
  CHECK(alone.source.find("SetupAPI") == 0);
  const usb::Device& b = alone.devices[1];
  CHECK(b.serial.value == std::optional<std::string>("2113002"));
  CHECK(b.ports == std::vector<uint8_t>{3, 1});
  CHECK(b.speed == usb::Speed::Full);
  // The RNDIS class comes from the interface node's compatible IDs.
  CHECK(usb::has_rndis_interface(b, usb::embedded_unit_table()));
  CHECK(!usb::has_rndis_interface(alone.devices[0], usb::embedded_unit_table()));
}

TEST_CASE("WindowsHost: units, serials, hub and speed", "[windows]") {
  Terminal t;
  CHECK(t.probe("usb.units.count").value == 1);
  CHECK(t.probe("usb.units.serials").value == json::array({"2113001"}));
  CHECK(t.probe("usb.units.behind_hub").value == false);
  CHECK(t.probe("usb.units.low_speed").value == false);
  ProbeResult detail = t.probe("usb.units.detail");
  CHECK(detail.value == json::parse(R"([{"port": "1-2", "serial": "2113001", "speed": "high", "hub": false, "id": "04c5:1526"}])"));
  CHECK(detail.evidence.at(0).find(kUnitA) != std::string::npos);

  // A second unit behind a full-speed hub.
  t.usb->list->push_back(libusb_unit({3, 1}, usb::Speed::Full));
  t.dev->usb.push_back(usb_node(kUnitB, {3, 1}));
  CHECK(t.probe("usb.units.count").value == 2);
  CHECK(t.probe("usb.units.behind_hub").value == true);
  CHECK(t.probe("usb.units.low_speed").value == true);
  CHECK(t.probe("usb.units.serials").value == json::array({"2113001", "2113002"}));
}

TEST_CASE("WindowsHost: the unit's RNDIS adapter by its device, its address and overlap", "[windows]") {
  Terminal t;
  CHECK(t.probe("net.rndis.present").value == true);
  CHECK(t.probe("net.rndis.disabled").value == false);
  CHECK(t.probe("net.rndis.has_address").value == true);
  CHECK(t.probe("net.rndis.subnet_overlap").value == false);
  CHECK(t.probe("net.uplink.connected").value == true);
  // Names as Windows shows them: a record needs no escaping of spaces.
  CHECK(t.probe("net.rndis.adapters").value ==
        json::parse(R"([{"port": "1-2", "name": "Ethernet 2", "driver": "Remote NDIS Compatible Device", "enabled": true,
                         "ipv4": ["192.168.250.2/24"], "overlaps": []}])"));

  // The clinic LAN moved into the unit's subnet.
  t.sys->adapter_list[1].ipv4 = {*net::parse_ipv4("192.168.250.40/16")};
  ProbeResult overlap = t.probe("net.rndis.subnet_overlap");
  CHECK(overlap.value == true);
  CHECK(overlap.evidence.at(0).find("overlaps \"Ethernet\" 192.168.250.40/16") != std::string::npos);

  // No DHCP answer: Windows' link-local address is not an address for the unit.
  t.sys->adapter_list[0].ipv4 = {*net::parse_ipv4("169.254.10.3/16")};
  CHECK(t.probe("net.rndis.has_address").value == false);

  // Disabled in Device Manager: no IP interface at all.
  t.dev->net[0].disabled = true;
  t.sys->adapter_list.erase(t.sys->adapter_list.begin());
  CHECK(t.probe("net.rndis.disabled").value == true);
  CHECK(t.probe("net.rndis.present").value == true);
  CHECK(t.probe("net.rndis.has_address").value == false);

  // The adapter node gone (driver removed): not present.
  t.dev->net.erase(t.dev->net.begin());
  CHECK(t.probe("net.rndis.present").value == false);
}

TEST_CASE("WindowsHost: OS settings from the registry, services, power and session", "[windows]") {
  Terminal t;
  ProbeResult name = t.probe("host.os.name");
  CHECK(name.value == "Windows 11 Pro");  // build 22631 although ProductName says 10
  CHECK(t.probe("host.os.version").value == "10.0.22631.4317 (23H2)");
  CHECK(t.probe("host.rdp.enabled").value == true);
  t.reg->set_dword(winreg::kTerminalServer, "fDenyTSConnections", 1);
  CHECK(t.probe("host.rdp.enabled").value == false);
  CHECK(t.probe("host.rdp.session_active").value == false);
  t.sys->session_info.protocol = 2;
  CHECK(t.probe("host.rdp.session_active").value == true);
  CHECK(t.probe("host.sleep.enabled").value == true);
  t.sys->standby_ac.reset();
  ProbeResult sleep = t.probe("host.sleep.enabled");
  CHECK(!sleep.known);
  CHECK(sleep.reason.en.find("power scheme") != std::string::npos);
  CHECK(t.probe("host.certpropsvc.running").value == true);
  CHECK(t.probe("host.biometric.present").value == true);
  CHECK(t.probe("host.nic.arp_offload.enabled").value == true);
  CHECK(t.probe("host.screen_lock.enabled").value == false);
  t.reg->set_dword(winreg::kSystemPolicies, "InactivityTimeoutSecs", 900);
  CHECK(t.probe("host.screen_lock.enabled").value == true);
  CHECK(t.probe("host.restart.pending").value == false);
  t.reg->keys[winreg::kCbsRebootPending];
  CHECK(t.probe("host.restart.pending").value == true);
  CHECK(!t.probe("host.restart.scheduled").known);
}

TEST_CASE("WindowsHost: what cannot be read is unknown with the reason", "[windows]") {
  Terminal t;
  t.reg->denied.insert(winreg::kTerminalServer);
  ProbeResult rdp = t.probe("host.rdp.enabled");
  CHECK(!rdp.known);
  CHECK(rdp.reason.en.find("administrator") != std::string::npos);
  CHECK(rdp.reason.ja.find("管理者") != std::string::npos);
  t.usb->list.reset();
  t.dev->usb.clear();
  // libusb failed and SetupAPI lists nothing: no unit, said so.
  CHECK(t.probe("usb.units.count").value == 0);
  CHECK(!t.host->provides_probe("site.root.exists"));
}

TEST_CASE("WindowsHost: PC/SC readers, foreign readers, an exclusive holder", "[windows]") {
  Terminal t;
  CHECK(t.probe("pcsc.units.visible").value == true);
  CHECK(t.probe("pcsc.foreign_readers.present").value == true);
  CHECK(t.probe("pcsc.unit.held_exclusive").value == false);
  t.pcsc->holds["PFU Caora 2113001 0"] = pcsc::Hold::Exclusive;
  CHECK(t.probe("pcsc.unit.held_exclusive").value == true);
  t.pcsc->readers_list = {};
  CHECK(t.probe("pcsc.units.visible").value == false);
}

TEST_CASE("WindowsHost actions: plan, journal before the change, verify after", "[windows]") {
  Terminal t;
  Journal journal(state_dir("actions"));

  ActionPlan rdp = t.host->plan("host.rdp.disable", json::object());
  REQUIRE(rdp.applicable);
  CHECK(rdp.changes.at(0).find("fDenyTSConnections = 1 (REG_DWORD; was 0)") != std::string::npos);
  CHECK(t.reg->keys[winreg::kTerminalServer]["fDenyTSConnections"].number == 0);  // planning changes nothing
  auto done = t.host->apply("host.rdp.disable", json::object(), journal);
  REQUIRE(done);
  CHECK(t.reg->keys[winreg::kTerminalServer]["fDenyTSConnections"].number == 1);
  auto entries = journal.entries();
  REQUIRE(entries);
  REQUIRE(entries->size() == 1);
  CHECK(entries->at(0).id == done->journal_id);
  CHECK(entries->at(0).params["registry"]["before"] == 0);
  CHECK(entries->at(0).params["undo"].get<std::string>().find("/d 0") != std::string::npos);

  REQUIRE(t.host->apply("host.sleep.disable", json::object(), journal));
  CHECK(t.sys->standby_ac == std::optional<uint32_t>(0));

  REQUIRE(t.host->apply("host.certpropsvc.disable", json::object(), journal));
  CHECK(t.svc->calls == std::vector<std::string>{"stop CertPropSvc", "start type CertPropSvc 4"});
  CHECK(t.probe("host.certpropsvc.running").value == false);

  REQUIRE(t.host->apply("host.biometric.disable", json::object(), journal));
  CHECK(t.dev->calls.back() == "disable USB\\VID_27C6&PID_5385\\5&1A2B3C&0&7");
  CHECK(t.probe("host.biometric.present").value == false);
  // Nothing left to disable: the plan says so and apply refuses.
  CHECK(!t.host->plan("host.biometric.disable", json::object()).applicable);
  CHECK(!t.host->apply("host.biometric.disable", json::object(), journal));

  auto arp = t.host->apply("host.nic.arp_offload.disable", json::object(), journal);
  REQUIRE(arp);
  CHECK(t.probe("host.nic.arp_offload.enabled").value == false);
  CHECK(t.dev->calls.back().rfind("enable PCI\\", 0) == 0);  // restarted so the driver rereads it

  t.reg->set_string(winreg::kDesktop, "ScreenSaveActive", "1");
  t.reg->set_string(winreg::kDesktop, "ScreenSaverIsSecure", "1");
  CHECK(t.probe("host.screen_lock.enabled").value == true);
  REQUIRE(t.host->apply("host.screen_lock.disable", json::object(), journal));
  CHECK(t.probe("host.screen_lock.enabled").value == false);

  auto restart = t.host->apply("host.restart.schedule", json{{"minutes", 5}}, journal);
  REQUIRE(restart);
  CHECK(t.sys->calls.back() == "restart in 300");
  CHECK(t.host->probe("host.restart.scheduled").value == true);
  CHECK(journal.entries()->size() == 7);
}

TEST_CASE("WindowsHost rndis.enable and rndis.reset: uninstall, rescan, restart when Windows asks", "[windows]") {
  Terminal t;
  Journal journal(state_dir("rndis"));
  CHECK(!t.host->plan("rndis.enable", json::object()).applicable);  // nothing disabled
  t.dev->net[0].disabled = true;
  t.host->forget();
  REQUIRE(t.host->apply("rndis.enable", json::object(), journal));
  CHECK(t.probe("net.rndis.disabled").value == false);

  ActionPlan unknown_unit = t.host->plan("rndis.reset", json{{"serial", "9999999"}});
  CHECK(!unknown_unit.applicable);
  CHECK(unknown_unit.summary.en == "no unit with serial number 9999999 on USB");

  DeviceNode again = t.dev->net[0];
  t.dev->on_rescan = [again](fake::Devices& d) { d.net.insert(d.net.begin(), again); };
  ActionPlan p = t.host->plan("rndis.reset", json{{"serial", "2113001"}});
  REQUIRE(p.applicable);
  CHECK(p.changes.at(0).find("uninstall USB\\VID_04C5&PID_1526&MI_00") == 0);
  auto r = t.host->apply("rndis.reset", json{{"serial", "2113001"}}, journal);
  REQUIRE(r);
  CHECK(!r->needs_restart);
  CHECK(t.dev->calls.at(t.dev->calls.size() - 2).rfind("uninstall USB\\VID_04C5&PID_1526&MI_00", 0) == 0);
  CHECK(t.dev->calls.back() == "rescan");
  CHECK(t.probe("net.rndis.present").value == true);

  t.dev->uninstall_needs_restart = true;
  auto r2 = t.host->apply("rndis.reset", json::object(), journal);
  REQUIRE(r2);
  CHECK(r2->needs_restart);
  auto entries = journal.entries();
  REQUIRE(entries);
  CHECK(entries->back().action == "rndis.reset");
  CHECK(entries->back().params["targets"][0]["unit"] == "unit 2113001 on 1-2");
}

TEST_CASE("WindowsHost undo: each journaled change is put back from the value it recorded", "[windows]") {
  Terminal t;
  Journal journal(state_dir("undo"));
  t.reg->set_dword(winreg::kSystemPolicies, "InactivityTimeoutSecs", 900);
  for (const char* action : {"host.rdp.disable", "host.sleep.disable", "host.certpropsvc.disable", "host.biometric.disable",
                             "host.screen_lock.disable", "host.nic.arp_offload.disable", "host.restart.schedule"})
    REQUIRE(t.host->apply(action, json::object(), journal));
  CHECK(t.probe("host.rdp.enabled").value == false);
  auto entries = journal.entries();
  REQUIRE(entries);
  REQUIRE(entries->size() == 7);
  for (auto it = entries->rbegin(); it != entries->rend(); ++it) {
    auto r = t.host->reverse(*it);
    INFO(it->action);
    REQUIRE(r);
    CHECK(!r->empty());
  }
  CHECK(t.probe("host.rdp.enabled").value == true);
  CHECK(t.sys->standby_ac == std::optional<uint32_t>(1800));
  CHECK(t.probe("host.certpropsvc.running").value == true);
  CHECK(t.svc->services["CertPropSvc"].start_type == 3);
  CHECK(t.probe("host.biometric.present").value == true);
  CHECK(t.probe("host.screen_lock.enabled").value == true);
  CHECK(t.probe("host.nic.arp_offload.enabled").value == true);
  CHECK(std::count(t.sys->calls.begin(), t.sys->calls.end(), "cancel restart") == 1);

  // A value that was not set before is removed again, not set to 0.
  t.reg->keys[winreg::kTerminalServer].clear();
  auto id = t.host->apply("host.rdp.disable", json::object(), journal);
  REQUIRE(id);
  JournalEntry e = journal.entries()->back();
  REQUIRE(t.host->reverse(e));
  CHECK(!t.reg->value_exists(winreg::kTerminalServer, "fDenyTSConnections").value());
  // A reset has nothing to put back.
  JournalEntry reset;
  reset.action = "rndis.reset";
  CHECK(!t.host->reverse(reset));
}

TEST_CASE("WindowsHost: answers every probe but the install root's", "[windows]") {
  Terminal t;
  for (const auto& spec : probe_specs()) {
    INFO(spec.name);
    bool site = std::string(spec.name).rfind("site.", 0) == 0;
    CHECK(t.host->provides_probe(spec.name) == !site);
    if (!site) CHECK((spec.platforms & kWindows));
  }
}

TEST_CASE("WindowsHost: Wi-Fi in use or not, for the weak-signal cause", "[windows]") {
  Terminal t;
  // Wired only: the wireless LAN cannot be what fails.
  ProbeResult wired = t.probe("net.wifi.signal_weak");
  REQUIRE(wired.known);
  CHECK(wired.value == false);
  // A connected Wi-Fi adapter: its signal is not read, so the recipe asks.
  t.sys->adapter_list.push_back(adapter("{CCCCCCCC-0000-0000-0000-000000000001}", "Wi-Fi", "192.168.1.30/24", 71));
  ProbeResult wifi = t.probe("net.wifi.signal_weak");
  CHECK_FALSE(wifi.known);
  REQUIRE_FALSE(wifi.evidence.empty());
  CHECK(wifi.evidence.at(0).find("\"Wi-Fi\": Wi-Fi, connected") != std::string::npos);
  // Disconnected Wi-Fi is not in use.
  t.sys->adapter_list.back().up = false;
  CHECK(t.probe("net.wifi.signal_weak").value == false);
}

TEST_CASE("WindowsHost: the uplink's IPv4 address, default gateway and DNS servers", "[windows]") {
  Terminal t;
  auto& wired = t.sys->adapter_list.at(1);  // "Ethernet": the wired NIC
  // An address but no gateway and no DNS server: the settings are missing.
  ProbeResult bare = t.probe("net.uplink.settings_missing");
  REQUIRE(bare.known);
  CHECK(bare.value == true);
  REQUIRE_FALSE(bare.evidence.empty());
  CHECK(bare.evidence.at(0) == "\"Ethernet\": IPv4 192.168.0.20/24, default gateway none, DNS servers none");
  wired.gateways = {"192.168.0.1"};
  CHECK(t.probe("net.uplink.settings_missing").value == true);  // still no DNS server
  wired.dns_servers = {"192.168.0.1", "8.8.8.8"};
  ProbeResult ok = t.probe("net.uplink.settings_missing");
  REQUIRE(ok.known);
  CHECK(ok.value == false);
  CHECK(ok.evidence.at(0) == "\"Ethernet\": IPv4 192.168.0.20/24, default gateway 192.168.0.1, DNS servers 192.168.0.1, 8.8.8.8");
  // DHCP got no answer: a link-local address is no address.
  wired.ipv4 = {*net::parse_ipv4("169.254.10.20/16")};
  CHECK(t.probe("net.uplink.settings_missing").value == true);
  // Not connected at all: nothing to judge, so the recipe asks.
  wired.up = false;
  CHECK_FALSE(t.probe("net.uplink.settings_missing").known);
  // A connected Wi-Fi adapter with everything set counts as the uplink.
  auto wifi = adapter("{CCCCCCCC-0000-0000-0000-000000000001}", "Wi-Fi", "192.168.1.30/24", 71);
  wifi.gateways = {"192.168.1.1"};
  wifi.dns_servers = {"192.168.1.1"};
  t.sys->adapter_list.push_back(wifi);
  CHECK(t.probe("net.uplink.settings_missing").value == false);
}

TEST_CASE("WindowsHost: the .NET Framework 4's Release in the registry", "[windows]") {
  Terminal t;
  ProbeResult none = t.probe("host.dotnet4.missing");
  REQUIRE(none.known);
  CHECK(none.value == true);
  CHECK(none.evidence.at(0) == std::string(winreg::kNetFx4Full) + " Release: absent");
  t.reg->set_dword(winreg::kNetFx4Full, "Release", 533320);  // 4.8.1
  ProbeResult there = t.probe("host.dotnet4.missing");
  REQUIRE(there.known);
  CHECK(there.value == false);
  CHECK(there.evidence.at(0) == std::string(winreg::kNetFx4Full) + " Release = 533320");
  t.reg->denied.insert(winreg::kNetFx4Full);
  CHECK_FALSE(t.probe("host.dotnet4.missing").known);
}

TEST_CASE("WindowsHost: client certificates from one issuer in the personal stores", "[windows]") {
  Terminal t;
  // No client certificate anywhere: the institution certificate is elsewhere, so unknown.
  t.sys->certificates = std::vector<win::PersonalCertificate>{{"CurrentUser\\My", "Some Mail CA", "staff@example.jp", false}};
  ProbeResult none = t.probe("host.client_certs.max_per_issuer");
  CHECK_FALSE(none.known);
  CHECK(none.reason.en.find("another user") != std::string::npos);
  // One client certificate per issuer: 1, each issuer named.
  t.sys->certificates->push_back({"CurrentUser\\My", "Institution CA", "1312345678", true});
  t.sys->certificates->push_back({"LocalMachine\\My", "HPKI CA", "Dr A", true});
  ProbeResult one = t.probe("host.client_certs.max_per_issuer");
  REQUIRE(one.known);
  CHECK(one.value == 1);
  CHECK(one.evidence == std::vector<std::string>{"1 issued by \"HPKI CA\": \"Dr A\" (LocalMachine\\My)",
                                                 "1 issued by \"Institution CA\": \"1312345678\" (CurrentUser\\My)"});
  // A second certificate of the same issuer, in the machine's store: 2.
  t.sys->certificates->push_back({"LocalMachine\\My", "Institution CA", "1312345678 (old)", true});
  ProbeResult two = t.probe("host.client_certs.max_per_issuer");
  REQUIRE(two.known);
  CHECK(two.value == 2);
  CHECK(two.evidence.at(1) == "2 issued by \"Institution CA\": \"1312345678\" (CurrentUser\\My) \"1312345678 (old)\" (LocalMachine\\My)");
  t.sys->certificates.reset();
  CHECK_FALSE(t.probe("host.client_certs.max_per_issuer").known);
}

TEST_CASE("WindowsHost: running programs from Toolhelp32, each once; unknown when the snapshot fails", "[windows]") {
  Terminal t;
  t.sys->processes = std::vector<std::string>{"svchost.exe", "CaoraApp.exe", "svchost.exe", "explorer.exe"};
  ProbeResult p = t.probe("host.processes");
  REQUIRE(p.known);
  CHECK(p.value == nlohmann::json({"CaoraApp.exe", "explorer.exe", "svchost.exe"}));
  t.sys->processes.reset();
  ProbeResult none = t.probe("host.processes");
  CHECK_FALSE(none.known);
  CHECK(none.reason.en.find("process list") != std::string::npos);
}
