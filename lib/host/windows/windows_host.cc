#include "host/windows/windows_host.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

#include "core/strings.h"
#include "host/vocabulary.h"

namespace caora {

using nlohmann::json;

namespace {

// Enumerations are shared by the probes of one run but not kept long, so a
// wait_for loop (or rndis-reset's wait) sees the adapter come back.
constexpr auto kCacheFor = std::chrono::milliseconds(1000);

constexpr unsigned kIfTypeEthernet = 6;
constexpr unsigned kIfTypeWifi = 71;  // IF_TYPE_IEEE80211
constexpr unsigned kIfTypeLoopback = 24;
constexpr const char* kArpOffload = "*PMARPOffload";

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool same_nocase(const std::string& a, const std::string& b) { return upper(a) == upper(b); }

std::string at(const std::string& key, const std::string& value) { return key + " " + value; }

// 169.254.0.0/16: Windows gives itself one when DHCP got no answer.
bool link_local(const net::Ipv4& a) { return (a.addr >> 16) == 0xA9FE; }

std::string addresses(const net::WindowsAdapter* a) {
  if (a == nullptr) return "no IP interface";
  std::vector<std::string> v;
  for (const auto& ip : a->ipv4) v.push_back(ip.str() + (link_local(ip) ? " (link-local: no DHCP answer)" : ""));
  return v.empty() ? "no IPv4 address" : join(v, ", ");
}

std::string node_label(const win::DeviceNode& n) {
  return n.instance_id + (n.description.empty() ? "" : " (" + n.description + ")");
}

std::string node_state(const win::DeviceNode& n) {
  if (n.disabled) return "disabled";
  if (n.problem != 0) return "problem code " + std::to_string(n.problem);
  return "enabled";
}

// A read that stopped (access denied, …) makes the probe unknown, naming where.
ProbeResult unreadable(const Error& e, const std::string& where) { return ProbeResult::unknown(e.message, {where}); }

template <typename T, typename F>
const T& cached(std::optional<T>& value, std::chrono::steady_clock::time_point& at, F read) {
  auto now = std::chrono::steady_clock::now();
  if (!value || now - at > kCacheFor) {
    value = read();
    at = now;
  }
  return *value;
}

}  // namespace

const char* win::start_type_name(uint32_t start_type) {
  switch (start_type) {
    case 0: return "boot";
    case 1: return "system";
    case 2: return "automatic";
    case 3: return "manual";
    case 4: return "disabled";
  }
  return "unknown";
}

WindowsHost::WindowsHost(WindowsApis apis, std::unique_ptr<usb::UsbSource> libusb, std::unique_ptr<pcsc::PcscSource> pcsc,
                         const usb::UnitTable& table)
    : apis_(std::move(apis)), pcsc_(std::move(pcsc)), table_(table) {
  usb_source_ = std::make_unique<win::WindowsUsbSource>(std::move(libusb), *apis_.devices);
  usb_ = usb_source_.get();
}

bool WindowsHost::provides_probe(const std::string& name) const { return probes().count(name) > 0; }

// ---- enumerations -----------------------------------------------------------

const UsbView& WindowsHost::usb_view() {
  return cached(usb_view_.value, usb_view_.at, [&] {
    UsbView v = read_usb_view(*usb_, table_);
    if (!v.error) v.instance_of_port = usb_->instance_of_port();
    return v;
  });
}

const WindowsHost::NetView& WindowsHost::net_view() {
  return cached(net_view_.value, net_view_.at, [&] {
    NetView v;
    auto nodes = apis_.devices->list(win::DeviceClass::Net);
    if (!nodes) v.error = nodes.error();
    else v.nodes = std::move(*nodes);
    auto adapters = apis_.system->adapters();
    if (!adapters) v.adapters_error = adapters.error();
    else v.adapters = std::move(*adapters);
    return v;
  });
}

const PcscView& WindowsHost::pcsc_view() {
  return cached(pcsc_view_.value, pcsc_view_.at, [&] {
    return read_pcsc_view(*pcsc_, table_);
  });
}

std::vector<WindowsHost::UnitAdapter> WindowsHost::unit_adapters(const std::vector<usb::Unit>& units,
                                                                 const std::string& serial) {
  const UsbView& uv = usb_view();
  const NetView& nv = net_view();
  std::vector<UnitAdapter> out;
  for (const auto& u : units) {
    if (!serial.empty() && u.device.serial.value != serial) continue;
    auto inst = uv.instance_of_port.find(u.device.port_path());
    char id[32];
    std::snprintf(id, sizeof id, "VID_%04X&PID_%04X", u.device.vendor, u.device.product);
    size_t same_id = 0;
    for (const auto& other : units) same_id += other.device.vendor == u.device.vendor && other.device.product == u.device.product;
    bool any = false;
    for (const auto& n : nv.nodes) {
      bool mine = inst != uv.instance_of_port.end() ? same_nocase(n.usb_device, inst->second) : false;
      // Without the device node (SetupAPI did not match it), the hardware ID
      // decides, but only when no other unit has the same one.
      if (inst == uv.instance_of_port.end() && same_id == 1)
        for (const auto& h : n.hardware_ids) mine = mine || upper(h).find(id) != std::string::npos;
      if (!mine) continue;
      const net::WindowsAdapter* ip = nullptr;
      for (const auto& a : nv.adapters)
        if (!n.net_guid.empty() && same_nocase(a.guid, n.net_guid)) ip = &a;
      out.push_back({&u, &n, ip});
      any = true;
    }
    if (!any) out.push_back({&u, nullptr, nullptr});
  }
  return out;
}

std::vector<const win::DeviceNode*> WindowsHost::uplink_nics() {
  const UsbView& uv = usb_view();
  const NetView& nv = net_view();
  std::set<std::string> unit_devices;
  for (const auto& [port, inst] : uv.instance_of_port) unit_devices.insert(upper(inst));
  std::vector<const win::DeviceNode*> out;
  for (const auto& n : nv.nodes) {
    // Physical: enumerated by PCI or USB (not ROOT\, SWD\: virtual switches, VPNs, Bluetooth PAN).
    std::string id = upper(n.instance_id);
    if (!starts_with(id, "PCI\\") && !starts_with(id, "USB\\")) continue;
    if (!n.usb_device.empty() && unit_devices.count(upper(n.usb_device))) continue;
    bool rndis = false;
    for (const auto& c : n.compatible_ids) rndis = rndis || upper(c).find("MS_RNDIS") != std::string::npos;
    for (const auto& h : n.hardware_ids) rndis = rndis || upper(h).find("CLASS_E0&SUBCLASS_01&PROT_03") != std::string::npos;
    if (rndis) continue;
    const net::WindowsAdapter* ip = nullptr;
    for (const auto& a : nv.adapters)
      if (!n.net_guid.empty() && same_nocase(a.guid, n.net_guid)) ip = &a;
    // Wi-Fi is not the wired uplink; an adapter without an IP view counts (it may be unplugged).
    if (ip != nullptr && ip->if_type != kIfTypeEthernet) continue;
    out.push_back(&n);
  }
  return out;
}

// ---- probes -----------------------------------------------------------------

const ProbeTable<WindowsHost>& WindowsHost::probes() {
  static const ProbeTable<WindowsHost> table = [] {
    ProbeTable<WindowsHost> t = {
        {"host.os.name", [](WindowsHost& h) { return h.probe_os("host.os.name"); }},
        {"host.os.version", [](WindowsHost& h) { return h.probe_os("host.os.version"); }},
        {"host.rdp.enabled", &WindowsHost::probe_rdp_enabled},
        {"host.rdp.session_active", &WindowsHost::probe_rdp_session},
        {"host.sleep.enabled", &WindowsHost::probe_sleep},
        {"host.screen_lock.enabled", &WindowsHost::probe_screen_lock},
        {"host.certpropsvc.running", &WindowsHost::probe_certpropsvc},
        {"host.biometric.present", &WindowsHost::probe_biometric},
        {"host.nic.arp_offload.enabled", &WindowsHost::probe_arp_offload},
        {"host.restart.pending", &WindowsHost::probe_restart_pending},
        {"host.restart.scheduled", &WindowsHost::probe_restart_scheduled},
        {"host.processes", &WindowsHost::probe_processes},
        {"net.uplink.connected", &WindowsHost::probe_uplink},
        {"net.wifi.signal_weak", &WindowsHost::probe_wifi_weak},
        {"net.uplink.settings_missing", &WindowsHost::probe_uplink_settings},
        {"host.dotnet4.missing", &WindowsHost::probe_dotnet4},
        {"host.client_certs.max_per_issuer", &WindowsHost::probe_client_certs},
    };
    bind_shared_probes(t);
    return t;
  }();
  return table;
}

ProbeResult WindowsHost::probe(const std::string& name) { return answer_probe(probes(), *this, name, backend()); }

namespace {

std::string describe(const win::DeviceNode& node, const net::WindowsAdapter* ip) {
  return (ip ? "\"" + ip->friendly_name + "\" " : std::string()) + node_label(node) + ": " + node_state(node) + ", " +
         (ip ? std::string(ip->up ? "connected" : "not connected") + ", IPv4 " + addresses(ip) : "no IP interface");
}

}  // namespace

ProbeResult WindowsHost::probe_uplink() {
  const NetView& n = net_view();
  if (n.error) return ProbeResult::unknown(n.error->message);
  if (n.adapters_error) return ProbeResult::unknown(n.adapters_error->message);
  bool connected = false;
  std::vector<std::string> ev;
  for (const auto* node : uplink_nics()) {
    const net::WindowsAdapter* ip = nullptr;
    for (const auto& a : n.adapters)
      if (!node->net_guid.empty() && same_nocase(a.guid, node->net_guid)) ip = &a;
    bool has_address = false;
    if (ip)
      for (const auto& a : ip->ipv4) has_address = has_address || !link_local(a);
    connected = connected || (ip && ip->up && has_address && !node->disabled);
    ev.push_back(describe(*node, ip));
  }
  if (ev.empty()) ev.push_back("no wired network adapter besides the units' (PCI or USB, Ethernet)");
  return ProbeResult::of(connected, ev);
}

// No Wi-Fi adapter connected: the weak-signal cause is absent. A connected one's
// signal is not read here (the WLAN API is not among the interfaces), so then the
// answer is unknown and the recipe asks.
ProbeResult WindowsHost::probe_wifi_weak() {
  const NetView& n = net_view();
  if (n.adapters_error) return ProbeResult::unknown(n.adapters_error->message);
  std::vector<std::string> ev;
  for (const auto& a : n.adapters)
    if (a.if_type == kIfTypeWifi && a.up) ev.push_back("\"" + a.friendly_name + "\": Wi-Fi, connected, IPv4 " + addresses(&a));
  if (ev.empty()) return ProbeResult::of(false, {"no Wi-Fi adapter is connected"});
  return ProbeResult::unknown({"無線LANで接続しています。電波の強さはここでは読めません（タスクバーの無線LANアイコンで確認してください）",
                               "Wi-Fi is connected; its signal strength is not read here (check the Wi-Fi icon in the taskbar)"},
                              ev);
}

// The network settings the vendor names for 011/FUJ905/FUJP55 ("IPアドレスやDNSなどの
// 設定"), as far as the terminal holds them: a connected uplink (the wired NIC, or
// Wi-Fi in use) with an IPv4 address, a default gateway and a DNS server. Something
// missing is present evidence; all there does not prove the values right, so the
// recipe still asks then.
ProbeResult WindowsHost::probe_uplink_settings() {
  const NetView& n = net_view();
  if (n.error) return ProbeResult::unknown(n.error->message);
  if (n.adapters_error) return ProbeResult::unknown(n.adapters_error->message);
  std::vector<const net::WindowsAdapter*> in_use;
  for (const auto* node : uplink_nics())
    for (const auto& a : n.adapters)
      if (!node->net_guid.empty() && same_nocase(a.guid, node->net_guid) && a.up && !node->disabled) in_use.push_back(&a);
  for (const auto& a : n.adapters)
    if (a.if_type == kIfTypeWifi && a.up) in_use.push_back(&a);
  if (in_use.empty())
    return ProbeResult::unknown({"院内LAN側のアダプターがつながっていないため、設定を確かめられません",
                                 "no uplink adapter is connected, so its settings cannot be checked"},
                                {"no wired or Wi-Fi adapter is connected"});
  bool one_complete = false;
  std::vector<std::string> ev;
  for (const auto* a : in_use) {
    bool has_address = false;
    for (const auto& ip : a->ipv4) has_address = has_address || !link_local(ip);
    one_complete = one_complete || (has_address && !a->gateways.empty() && !a->dns_servers.empty());
    ev.push_back("\"" + a->friendly_name + "\"" + (a->if_type == kIfTypeWifi ? " (Wi-Fi)" : "") + ": IPv4 " + addresses(a) +
                 ", default gateway " + (a->gateways.empty() ? "none" : join(a->gateways, ", ")) + ", DNS servers " +
                 (a->dns_servers.empty() ? "none" : join(a->dns_servers, ", ")));
  }
  return ProbeResult::of(!one_complete, ev);
}

// The .NET Framework 4 registers its build as `Release` (4.5 and later; 4.8 is 528040
// or more). No key or no value: the framework the reader software runs on is missing
// or its registration damaged. A value does not prove the files sound, so the recipe
// still asks then.
ProbeResult WindowsHost::probe_dotnet4() {
  auto release = reg().read_dword(winreg::kNetFx4Full, "Release");
  if (!release) return unreadable(release.error(), at(winreg::kNetFx4Full, "Release"));
  if (!*release) return ProbeResult::of(true, {at(winreg::kNetFx4Full, "Release") + ": absent"});
  return ProbeResult::of(false, {at(winreg::kNetFx4Full, "Release") + " = " + std::to_string(**release)});
}

// A terminal that reaches the online qualification system holds at least one
// client certificate, so none at all means the institution certificate is kept
// where caora does not look (another user's store): unknown, not "one".
ProbeResult WindowsHost::probe_client_certs() {
  auto certs = apis_.system->personal_certificates();
  if (!certs) return unreadable(certs.error(), "CurrentUser\\My, LocalMachine\\My");
  std::map<std::string, std::vector<const win::PersonalCertificate*>> by_issuer;
  for (const auto& c : *certs)
    if (c.client_auth) by_issuer[c.issuer].push_back(&c);
  if (by_issuer.empty())
    return ProbeResult::unknown({"個人の証明書ストアにクライアント認証用の証明書がありません（別のユーザーに入っている可能性があります）",
                                 "no client-authentication certificate in the personal stores (it may be installed for another user)"},
                                {std::to_string(certs->size()) + " certificate(s) in CurrentUser\\My and LocalMachine\\My, none for client authentication"});
  size_t most = 0;
  std::vector<std::string> ev;
  for (const auto& [issuer, list] : by_issuer) {
    most = std::max(most, list.size());
    std::string line = std::to_string(list.size()) + " issued by \"" + issuer + "\":";
    for (const auto* c : list) line += " \"" + c->subject + "\" (" + c->store + ")";
    ev.push_back(line);
  }
  return ProbeResult::of(static_cast<int>(most), ev);
}

RndisView WindowsHost::rndis_view() {
  RndisView view;
  view.none = "no network adapter on this USB device";
  const NetView& n = net_view();
  const UsbView& v = usb_view();
  if (n.error) view.unknown = n.error->message;
  else if (v.error) view.unknown = adapters_need_usb(v.error->message);
  if (view.unknown) return view;
  if (n.adapters_error) view.ip_unknown = n.adapters_error->message;
  for (const auto& u : v.units) view.units.push_back({unit_label(u), u.device.port_path(), {}});
  for (const auto& a : unit_adapters(v.units)) {
    if (!a.node) continue;
    RndisAdapterFacts f;
    f.record.port = a.unit->device.port_path();
    f.record.name = a.ip ? a.ip->friendly_name : a.node->instance_id;
    if (!a.node->description.empty()) f.record.driver = a.node->description;
    f.record.enabled = !a.node->disabled;
    if (a.ip)
      for (const auto& mine : a.ip->ipv4) {
        f.record.ipv4.push_back(mine.str());
        f.reachable = f.reachable || !link_local(mine);
        size_t before = f.subnets.size();
        for (const auto& other : n.adapters) {
          if (&other == a.ip || other.if_type == kIfTypeLoopback) continue;
          for (const auto& b : other.ipv4)
            if (net::overlaps(mine, b)) {
              f.record.overlaps.push_back(other.friendly_name + ":" + b.str());
              f.subnets.push_back("\"" + a.ip->friendly_name + "\" " + mine.str() + " overlaps \"" + other.friendly_name + "\" " + b.str());
            }
        }
        if (f.subnets.size() == before)
          f.subnets.push_back("\"" + a.ip->friendly_name + "\" " + mine.str() + ": no other adapter in that subnet");
      }
    f.state = describe(*a.node, a.ip);
    f.source = f.state;
    for (auto& unit : view.units)
      if (unit.port == f.record.port) unit.adapters.push_back(f);
  }
  return view;
}

ProbeResult WindowsHost::probe_os(const std::string& name) {
  const std::string key = winreg::kCurrentVersion;
  auto product = reg().read_string(key, "ProductName");
  if (!product) return unreadable(product.error(), at(key, "ProductName"));
  auto build = reg().read_string(key, "CurrentBuildNumber");
  if (!build) return unreadable(build.error(), at(key, "CurrentBuildNumber"));
  auto display = reg().read_string(key, "DisplayVersion");
  auto ubr = reg().read_dword(key, "UBR");
  std::vector<std::string> ev{key + ": ProductName=" + product->value_or("(none)") +
                              ", CurrentBuildNumber=" + build->value_or("(none)") +
                              (display && *display ? ", DisplayVersion=" + **display : "") +
                              (ubr && *ubr ? ", UBR=" + std::to_string(**ubr) : "")};
  int build_no = build->has_value() ? std::atoi((*build)->c_str()) : 0;
  if (name == "host.os.name") {
    if (!product->has_value() || (*product)->empty())
      return ProbeResult::unknown({"ProductName がありません", "no ProductName"}, ev);
    std::string n = **product;
    // Windows 11 still says "Windows 10" here; build 22000 is where 11 begins.
    if (build_no >= 22000 && n.find("Windows 10") != std::string::npos) {
      n.replace(n.find("Windows 10"), 10, "Windows 11");
      ev.push_back("build " + std::to_string(build_no) + " ≥ 22000: Windows 11");
    }
    return ProbeResult::of(n, ev);
  }
  if (build_no <= 0) return ProbeResult::unknown({"CurrentBuildNumber がありません", "no CurrentBuildNumber"}, ev);
  std::string version = "10.0." + std::to_string(build_no) + (ubr && *ubr ? "." + std::to_string(**ubr) : "");
  if (display && *display && !(*display)->empty()) version += " (" + **display + ")";
  return ProbeResult::of(version, ev);
}

ProbeResult WindowsHost::probe_rdp_enabled() {
  auto deny = reg().read_dword(winreg::kTerminalServer, "fDenyTSConnections");
  std::string where = at(winreg::kTerminalServer, "fDenyTSConnections");
  if (!deny) return unreadable(deny.error(), where);
  if (!deny->has_value())
    return ProbeResult::of(false, {where + ": not set (Windows then refuses Remote Desktop connections)"});
  return ProbeResult::of(**deny == 0, {where + " = " + std::to_string(**deny) + (**deny == 0 ? " (connections allowed)" : " (denied)")});
}

ProbeResult WindowsHost::probe_rdp_session() {
  win::SessionInfo s = apis_.system->session();
  std::vector<std::string> ev{std::string("GetSystemMetrics(SM_REMOTESESSION) = ") + (s.remote_metric ? "1" : "0")};
  if (s.protocol) {
    const char* what = *s.protocol == 0 ? " (console)" : *s.protocol == 2 ? " (RDP)" : "";
    ev.push_back("WTSQuerySessionInformationW(WTSClientProtocolType) = " + std::to_string(*s.protocol) + what);
  } else {
    ev.push_back("WTSQuerySessionInformationW(WTSClientProtocolType): " + s.protocol_error);
  }
  return ProbeResult::of(s.remote_metric || (s.protocol && *s.protocol == 2), ev);
}

ProbeResult WindowsHost::probe_sleep() {
  auto t = apis_.system->standby_timeout_ac();
  const std::string where = "PowerReadACValueIndex(active scheme, GUID_SLEEP_SUBGROUP, GUID_STANDBY_TIMEOUT)";
  if (!t) return unreadable(t.error(), where);
  return ProbeResult::of(*t != 0, {where + " = " + std::to_string(*t) + (*t == 0 ? " (never sleeps)" : " s on AC power")});
}

ProbeResult WindowsHost::probe_screen_lock() {
  // Two ways Windows locks by itself: a screen saver that asks for the password
  // on resume (per user, HKCU), and the machine inactivity limit (policy, HKLM).
  auto active = reg().read_string(winreg::kDesktop, "ScreenSaveActive");
  if (!active) return unreadable(active.error(), at(winreg::kDesktop, "ScreenSaveActive"));
  auto secure = reg().read_string(winreg::kDesktop, "ScreenSaverIsSecure");
  if (!secure) return unreadable(secure.error(), at(winreg::kDesktop, "ScreenSaverIsSecure"));
  auto inactivity = reg().read_dword(winreg::kSystemPolicies, "InactivityTimeoutSecs");
  if (!inactivity) return unreadable(inactivity.error(), at(winreg::kSystemPolicies, "InactivityTimeoutSecs"));
  bool saver = active->value_or("1") == "1" && secure->value_or("0") == "1";
  bool policy = inactivity->value_or(0) > 0;
  std::vector<std::string> ev{
      winreg::kDesktop + std::string(": ScreenSaveActive=") + active->value_or("(not set)") +
          ", ScreenSaverIsSecure=" + secure->value_or("(not set)") + " (this user's)",
      at(winreg::kSystemPolicies, "InactivityTimeoutSecs") + " = " +
          (inactivity->has_value() ? std::to_string(**inactivity) : "(not set)")};
  return ProbeResult::of(saver || policy, ev);
}

ProbeResult WindowsHost::probe_certpropsvc() {
  auto s = apis_.services->query("CertPropSvc");
  if (!s) return unreadable(s.error(), "CertPropSvc");
  if (!s->exists) return ProbeResult::of(false, {"CertPropSvc: no such service"});
  return ProbeResult::of(s->running, {std::string("CertPropSvc: ") + (s->running ? "running" : "stopped") +
                                      ", start type " + win::start_type_name(s->start_type)});
}

ProbeResult WindowsHost::probe_biometric() {
  auto nodes = apis_.devices->list(win::DeviceClass::Biometric);
  if (!nodes) return unreadable(nodes.error(), "SetupAPI GUID_DEVCLASS_BIOMETRIC");
  bool any = false;
  std::vector<std::string> ev;
  for (const auto& n : *nodes) {
    any = any || !n.disabled;
    ev.push_back("biometric device " + node_label(n) + ": " + node_state(n));
  }
  if (nodes->empty()) ev.push_back("no device of the Biometric class");
  return ProbeResult::of(any, ev);
}

ProbeResult WindowsHost::probe_arp_offload() {
  const NetView& n = net_view();
  if (n.error) return ProbeResult::unknown(n.error->message);
  bool any = false;
  std::vector<std::string> ev;
  for (const auto* nic : uplink_nics()) {
    if (nic->driver_key.empty()) {
      ev.push_back(node_label(*nic) + ": no driver key");
      continue;
    }
    std::string key = std::string(winreg::kClassRoot) + "\\" + nic->driver_key;
    auto v = reg().read_string(key, kArpOffload);
    if (!v) return unreadable(v.error(), at(key, kArpOffload));
    if (!v->has_value()) {
      ev.push_back(node_label(*nic) + ": the driver has no " + kArpOffload + " setting (no ARP offload)");
      continue;
    }
    any = any || **v != "0";
    ev.push_back(node_label(*nic) + ": " + at(key, kArpOffload) + " = " + **v);
  }
  if (ev.empty()) ev.push_back("no wired network adapter besides the units'");
  return ProbeResult::of(any, ev);
}

ProbeResult WindowsHost::probe_restart_pending() {
  std::vector<std::string> ev;
  bool pending = false;
  std::optional<Error> failed;
  auto check = [&](Expected<bool> r, const std::string& what) {
    if (!r) {
      failed = r.error();
      ev.push_back(what + ": cannot be read (" + r.error().message.en + ")");
    } else {
      pending = pending || *r;
      ev.push_back(what + (*r ? ": present" : ": absent"));
    }
  };
  check(reg().key_exists(winreg::kCbsRebootPending), winreg::kCbsRebootPending);
  check(reg().key_exists(winreg::kWuRebootRequired), winreg::kWuRebootRequired);
  check(reg().value_exists(winreg::kSessionManager, "PendingFileRenameOperations"),
        at(winreg::kSessionManager, "PendingFileRenameOperations"));
  if (!pending && failed) return ProbeResult::unknown(failed->message, ev);
  return ProbeResult::of(pending, ev);
}

ProbeResult WindowsHost::probe_restart_scheduled() {
  if (restart_scheduled_) return ProbeResult::of(true, {*restart_scheduled_});
  return ProbeResult::unknown({"Windowsは予約された再起動を読み取る方法を提供していません（取り消すには shutdown /a）",
                               "Windows offers no way to read a scheduled restart (cancel one with shutdown /a)"});
}

ProbeResult WindowsHost::probe_processes() {
  auto names = apis_.system->process_names();
  if (!names) return ProbeResult::unknown(names.error().message);
  std::set<std::string> unique(names->begin(), names->end());
  return ProbeResult::of(std::vector<std::string>(unique.begin(), unique.end()),
                         {"Toolhelp32: " + std::to_string(unique.size()) + " program names"});
}

}  // namespace caora
