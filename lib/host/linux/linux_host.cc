#include "host/linux/linux_host.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

#include "core/strings.h"
#include "host/vocabulary.h"
#include "usb/libusb_source.h"

namespace caora {

using nlohmann::json;

namespace {

// Enumerations are shared by the probes of one run (a recipe or `doctor` reads
// several usb.* probes in a row) but not kept long, so a wait_for loop sees the
// cable come back.
constexpr auto kCacheFor = std::chrono::milliseconds(1000);

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

std::optional<std::string> read_small(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Text windows_only(const Text& what) { return {"Windowsだけの項目です（" + what.ja + "）", "Windows only (" + what.en + ")"}; }

Text from_error(const Error& e) { return e.message; }

}  // namespace

std::map<std::string, std::string> parse_os_release(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    std::string v = line.substr(eq + 1);
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
    out[line.substr(0, eq)] = v;
  }
  return out;
}

LinuxPaths linux_paths_from_environment() {
  LinuxPaths p;
  if (const char* s = std::getenv("CAORA_SYSFS_ROOT"); s && *s) p.sysfs = fs::u8path(s);
  if (const char* s = std::getenv("CAORA_ETC_ROOT"); s && *s) {
    p.etc = fs::u8path(s);
    p.use_systemctl = false;
  }
  if (const char* s = std::getenv("CAORA_RUN_ROOT"); s && *s) p.run = fs::u8path(s);
  // A sysfs fixture's Wi-Fi is not this machine's: its signal then comes from CAORA_PROC_ROOT.
  if (const char* s = std::getenv("CAORA_PROC_ROOT"); s && *s) p.proc = fs::u8path(s);
  return p;
}

LinuxHost::LinuxHost(LinuxPaths paths, std::unique_ptr<usb::UsbSource> usb, std::unique_ptr<pcsc::PcscSource> pcsc,
                     const usb::UnitTable& table)
    : paths_(std::move(paths)), usb_(std::move(usb)), pcsc_(std::move(pcsc)), table_(table) {
  if (!paths_.env)
    paths_.env = [](const std::string& name) -> std::optional<std::string> {
      const char* v = std::getenv(name.c_str());
      return v ? std::optional<std::string>(v) : std::nullopt;
    };
}

std::unique_ptr<Host> make_linux_host() {
  return std::make_unique<LinuxHost>(linux_paths_from_environment(), std::make_unique<usb::LibusbSource>(),
                                     pcsc::make_pcsclite_source());
}

bool LinuxHost::provides_probe(const std::string& name) const { return probes().count(name) > 0; }

// ---- enumerations -------------------------------------------------------

template <typename T, typename F>
static const T& cached(std::optional<T>& value, std::chrono::steady_clock::time_point& at, F read) {
  auto now = std::chrono::steady_clock::now();
  if (!value || now - at > kCacheFor) {
    value = read();
    at = now;
  }
  return *value;
}

const UsbView& LinuxHost::usb_view() {
  return cached(usb_cache_.value, usb_cache_.at, [&] { return read_usb_view(*usb_, table_); });
}

const LinuxHost::NetView& LinuxHost::net_view() {
  return cached(net_cache_.value, net_cache_.at, [&] {
    NetView v;
    auto list = net::read_interfaces(paths_.sysfs);
    if (!list) v.error = list.error();
    else v.interfaces = std::move(*list);
    return v;
  });
}

const PcscView& LinuxHost::pcsc_view() {
  return cached(pcsc_cache_.value, pcsc_cache_.at, [&] {
    return read_pcsc_view(*pcsc_, table_);
  });
}

// ---- probes -------------------------------------------------------------

const ProbeTable<LinuxHost>& LinuxHost::probes() {
  static const ProbeTable<LinuxHost> table = [] {
    ProbeTable<LinuxHost> t = {
        {"host.os.name", [](LinuxHost& h) { return h.probe_os("host.os.name"); }},
        {"host.os.version", [](LinuxHost& h) { return h.probe_os("host.os.version"); }},
        {"host.sleep.enabled", &LinuxHost::probe_sleep},
        {"host.rdp.session_active", &LinuxHost::probe_rdp_session},
        {"host.restart.pending", &LinuxHost::probe_restart_pending},
        {"host.restart.scheduled", &LinuxHost::probe_restart_scheduled},
        {"host.processes", &LinuxHost::probe_processes},
        {"net.uplink.connected", &LinuxHost::probe_uplink},
        {"net.wifi.signal_weak", &LinuxHost::probe_wifi_weak},
        {"net.uplink.settings_missing", &LinuxHost::probe_uplink_settings},
    };
    bind_shared_probes(t);
    // What Linux does not read (declared for Windows only in vocabulary.cc): unknown, saying why.
    bind_unreadable(t, "host.rdp.enabled", windows_only({"リモートデスクトップの設定", "the Remote Desktop setting"}));
    bind_unreadable(t, "host.certpropsvc.running", windows_only({"証明書伝達サービス", "the Certificate Propagation service"}));
    bind_unreadable(t, "host.client_certs.max_per_issuer", windows_only({"Windowsの証明書ストア", "the Windows certificate store"}));
    bind_unreadable(t, "host.dotnet4.missing", windows_only({".NET Framework のレジストリ", "the .NET Framework's registry entry"}));
    bind_unreadable(t, "host.nic.arp_offload.enabled", windows_only({"NICドライバーの設定", "a NIC driver setting"}));
    bind_unreadable(t, "host.screen_lock.enabled",
                    {"Linuxでは画面ロックはデスクトップ（GNOME、KDE、Xfceなど）ごとの設定で、ここからは確実に読めません。デスクトップの設定で確認してください",
                     "on Linux the screen lock belongs to the desktop session (GNOME, KDE, Xfce, …) and cannot be read reliably "
                     "from here; check the desktop's settings"});
    bind_unreadable(t, "host.biometric.present",
                    {"Linuxでは指紋センサーなどに共通のUSBクラスがなく、読み取りません（lsusb や fprintd-list で確認してください）",
                     "on Linux fingerprint sensors have no common USB class, so this is not read (check with lsusb or fprintd-list)"});
    return t;
  }();
  return table;
}

ProbeResult LinuxHost::probe(const std::string& name) { return answer_probe(probes(), *this, name, backend()); }

namespace {

std::string describe(const net::Interface& i) {
  std::string addrs;
  for (const auto& a : i.ipv4) addrs += (addrs.empty() ? "" : ", ") + a.str();
  return i.name + " (" + (i.driver.empty() ? "virtual" : i.driver) + (i.usb_port.empty() ? "" : " on USB " + i.usb_port) +
         "): " + (i.admin_up ? "up" : "administratively down") + ", operstate " + (i.operstate.empty() ? "?" : i.operstate) +
         ", carrier " + (i.carrier ? (*i.carrier ? "1" : "0") : "?") + ", IPv4 " + (addrs.empty() ? "none" : addrs);
}

}  // namespace

ProbeResult LinuxHost::probe_uplink() {
  const NetView& n = net_view();
  if (n.error) return ProbeResult::unknown(from_error(*n.error));
  // The wired LAN: a real Ethernet device that is not a unit's (nor anyone's RNDIS) adapter.
  std::set<std::string> unit_ports;
  for (const auto& u : usb_view().units) unit_ports.insert(u.device.port_path());
  bool connected = false;
  std::vector<std::string> ev;
  for (const auto& i : n.interfaces) {
    if (i.loopback || !i.physical || i.wireless || i.type != 1 || i.driver == "rndis_host" ||
        (!i.usb_port.empty() && unit_ports.count(i.usb_port)))
      continue;
    bool up = i.admin_up && i.carrier.value_or(false) && !i.ipv4.empty();
    connected = connected || up;
    ev.push_back(describe(i));
  }
  if (ev.empty()) ev.push_back("no wired Ethernet interface besides the units' adapters");
  return ProbeResult::of(connected, ev);
}

// Wi-Fi in use (up, with a carrier) and how strong, from /proc/net/wireless. No Wi-Fi
// in use: the cause "the wireless LAN's signal is weak" is absent.
ProbeResult LinuxHost::probe_wifi_weak() {
  const NetView& n = net_view();
  if (n.error) return ProbeResult::unknown(from_error(*n.error));
  std::vector<std::string> in_use;
  for (const auto& i : n.interfaces)
    if (i.wireless && i.admin_up && i.carrier.value_or(false)) in_use.push_back(i.name);
  if (in_use.empty()) return ProbeResult::of(false, {"no wireless interface is up with a carrier"});
  fs::path file = paths_.proc / "net" / "wireless";
  auto text = read_file(file);
  if (!text)
    return ProbeResult::unknown({"無線LANを使っていますが、電波の強さ（" + file.string() + "）を読めません",
                                 "Wi-Fi is in use but its signal strength (" + file.string() + ") cannot be read"},
                                in_use);
  auto signals = net::parse_proc_net_wireless(text.value());
  bool weak = false;
  std::vector<std::string> ev;
  for (const auto& name : in_use) {
    auto it = signals.find(name);
    if (it == signals.end())
      return ProbeResult::unknown({name + " の電波の強さが " + file.string() + " にありません",
                                   name + ": no signal figures in " + file.string()},
                                  ev);
    const auto& s = it->second;
    bool w = net::wifi_signal_weak(s);
    weak = weak || w;
    char buf[160];
    std::snprintf(buf, sizeof buf, "%s: link quality %.0f/70%s, %s (weak: below -70 dBm, else below 35/70)", name.c_str(), s.link,
                  s.level_dbm ? (", level " + std::to_string(static_cast<int>(*s.level_dbm)) + " dBm").c_str() : "",
                  w ? "weak" : "not weak");
    ev.push_back(buf);
  }
  return ProbeResult::of(weak, ev);
}

// The network settings the vendor names for 011/FUJ905/FUJP55 ("IPアドレスやDNSなどの
// 設定"), as far as the terminal holds them: each connected uplink (wired, not a
// unit's; or Wi-Fi in use) needs an IPv4 address and a default gateway, and the
// terminal a DNS server. Something missing is present evidence; all there does not
// prove the values right, so the recipe still asks then.
ProbeResult LinuxHost::probe_uplink_settings() {
  const NetView& n = net_view();
  if (n.error) return ProbeResult::unknown(from_error(*n.error));
  // A sysfs fixture's interfaces are not in this machine's route table.
  if (paths_.sysfs != fs::path("/sys") && paths_.proc == fs::path("/proc"))
    return ProbeResult::unknown({"別の sysfs を読んでいるため、この機械の経路表は使えません（CAORA_PROC_ROOT を指定してください）",
                                 "another sysfs root is read, so this machine's route table does not apply (set CAORA_PROC_ROOT)"});
  std::set<std::string> unit_ports;
  for (const auto& u : usb_view().units) unit_ports.insert(u.device.port_path());
  std::vector<const net::Interface*> in_use;
  for (const auto& i : n.interfaces) {
    if (i.loopback || !i.physical || i.driver == "rndis_host" || (!i.usb_port.empty() && unit_ports.count(i.usb_port))) continue;
    if (!i.wireless && i.type != 1) continue;
    if (i.admin_up && i.carrier.value_or(false)) in_use.push_back(&i);
  }
  if (in_use.empty())
    return ProbeResult::unknown({"院内LAN側のアダプターがつながっていないため、設定を確かめられません",
                                 "no uplink adapter is connected, so its settings cannot be checked"},
                                {"no wired or Wi-Fi interface is up with a carrier"});
  fs::path route_file = paths_.proc / "net" / "route";
  auto routes = read_small(route_file);
  if (!routes)
    return ProbeResult::unknown({"経路表（" + route_file.string() + "）を読めません", "the route table (" + route_file.string() + ") cannot be read"});
  auto gateways = net::parse_proc_net_route_defaults(*routes);
  fs::path resolv = paths_.etc / "resolv.conf";
  auto text = read_small(resolv);
  if (!text)
    return ProbeResult::unknown({resolv.string() + " を読めません", resolv.string() + " cannot be read"});
  auto servers = net::parse_resolv_conf_nameservers(*text);
  bool stub_only = !servers.empty() && std::all_of(servers.begin(), servers.end(), net::is_resolved_stub);
  if (stub_only) {
    // systemd-resolved: its own list of the servers it forwards to.
    resolv = paths_.run / "systemd" / "resolve" / "resolv.conf";
    auto upstream = read_small(resolv);
    if (!upstream)
      return ProbeResult::unknown({"systemd-resolved のDNSサーバー一覧（" + resolv.string() + "）を読めません",
                                   "systemd-resolved's list of DNS servers (" + resolv.string() + ") cannot be read"});
    servers = net::parse_resolv_conf_nameservers(*upstream);
  }
  std::vector<std::string> ev;
  bool one_complete = false;
  for (const auto* i : in_use) {
    std::vector<std::string> addrs;
    for (const auto& a : i->ipv4)
      if ((a.addr >> 16) != 0xA9FE) addrs.push_back(a.str());
    auto gw = gateways.find(i->name);
    one_complete = one_complete || (!addrs.empty() && gw != gateways.end());
    ev.push_back(i->name + (i->wireless ? " (Wi-Fi)" : "") + ": IPv4 " + (addrs.empty() ? "none" : join(addrs, ", ")) +
                 ", default gateway " + (gw == gateways.end() ? "none" : gw->second));
  }
  ev.push_back("DNS servers (" + resolv.string() + "): " + (servers.empty() ? "none" : join(servers, ", ")));
  return ProbeResult::of(!one_complete || servers.empty(), ev);
}

RndisView LinuxHost::rndis_view() {
  RndisView view;
  const NetView& n = net_view();
  const UsbView& v = usb_view();
  if (n.error) view.unknown = from_error(*n.error);
  else if (v.error) view.unknown = adapters_need_usb(v.error->message);
  if (view.unknown) return view;
  for (const auto& u : v.units) {
    UnitRndisFacts unit{unit_label(u), u.device.port_path(), {}};
    for (const auto& i : n.interfaces) {
      if (i.usb_port != unit.port) continue;
      RndisAdapterFacts a;
      a.record.port = unit.port;
      a.record.name = i.name;
      if (!i.driver.empty()) a.record.driver = i.driver;
      a.record.enabled = i.admin_up;
      for (const auto& mine : i.ipv4) {
        a.record.ipv4.push_back(mine.str());
        size_t before = a.subnets.size();
        for (const auto& other : n.interfaces) {
          if (other.name == i.name || other.loopback) continue;
          for (const auto& b : other.ipv4)
            if (net::overlaps(mine, b)) {
              a.record.overlaps.push_back(other.name + ":" + b.str());
              a.subnets.push_back(i.name + " " + mine.str() + " overlaps " + other.name + " " + b.str());
            }
        }
        if (a.subnets.size() == before) a.subnets.push_back(i.name + " " + mine.str() + ": no other interface in that subnet");
      }
      a.reachable = !i.ipv4.empty();
      a.state = describe(i);
      a.source = display_path(paths_.sysfs / "class" / "net" / i.name) + " on USB " + unit.port +
                 (i.usb_interface.empty() ? "" : " (" + i.usb_interface + ")");
      unit.adapters.push_back(std::move(a));
    }
    view.units.push_back(std::move(unit));
  }
  return view;
}

ProbeResult LinuxHost::probe_os(const std::string& name) {
  fs::path file = paths_.etc / "os-release";
  auto text = read_small(file);
  if (!text) {
    file = paths_.etc.parent_path() / "usr" / "lib" / "os-release";
    text = read_small(file);
  }
  if (!text)
    return ProbeResult::unknown({"os-release を読めません", "os-release cannot be read"}, {display_path(paths_.etc / "os-release")});
  auto kv = parse_os_release(*text);
  std::vector<std::string> ev{display_path(file) + ": PRETTY_NAME=" + kv["PRETTY_NAME"]};
  if (auto k = read_small(paths_.proc / "sys" / "kernel" / "osrelease")) {
    while (!k->empty() && k->back() == '\n') k->pop_back();
    ev.push_back("kernel " + *k);
  }
  if (name == "host.os.name") {
    std::string n = !kv["NAME"].empty() ? kv["NAME"] : kv["ID"];
    if (n.empty()) return ProbeResult::unknown({"os-release に NAME がありません", "no NAME in os-release"}, ev);
    return ProbeResult::of(n, ev);
  }
  std::string ver = !kv["VERSION_ID"].empty() ? kv["VERSION_ID"] : kv["VERSION"];
  if (ver.empty()) ver = kv["BUILD_ID"];  // rolling releases (Arch) have no version
  if (ver.empty()) return ProbeResult::unknown({"os-release に VERSION_ID がありません", "no VERSION_ID in os-release"}, ev);
  return ProbeResult::of(ver, ev);
}

ProbeResult LinuxHost::probe_sleep() {
  // Masking sleep.target or suspend.target (a link to /dev/null) is how
  // systemd turns suspend off for the whole machine. The desktop's idle
  // suspend setting is per user and is not read here.
  const std::vector<std::string> targets{"sleep.target", "suspend.target"};
  std::vector<std::string> ev;
  if (paths_.use_systemctl) {
    std::string cmd = "systemctl is-enabled " + join(targets, " ") + " 2>/dev/null";
    if (FILE* f = popen(cmd.c_str(), "r")) {
      char buf[256];
      std::vector<std::string> states;
      while (fgets(buf, sizeof buf, f)) {
        std::string s(buf);
        while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
        if (!s.empty()) states.push_back(s);
      }
      pclose(f);
      if (states.size() == targets.size()) {
        bool masked = false;
        for (size_t i = 0; i < targets.size(); ++i) {
          masked = masked || starts_with(states[i], "masked");
          ev.push_back("systemctl is-enabled " + targets[i] + ": " + states[i]);
        }
        return ProbeResult::of(!masked, ev);
      }
      ev.push_back("systemctl is-enabled: no answer");
    }
  }
  bool seen_dir = false, masked = false;
  for (const fs::path& dir : {paths_.etc / "systemd" / "system", paths_.run / "systemd" / "system"}) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    seen_dir = true;
    for (const auto& t : targets) {
      fs::path link = dir / t;
      if (fs::is_symlink(link, ec)) {
        fs::path to = fs::read_symlink(link, ec);
        bool m = to == "/dev/null";
        masked = masked || m;
        ev.push_back(display_path(link) + " -> " + to.string() + (m ? " (masked)" : ""));
      } else if (fs::is_regular_file(link, ec) && fs::file_size(link, ec) == 0 && !ec) {
        // systemd treats an empty unit file like a link to /dev/null: masked.
        masked = true;
        ev.push_back(display_path(link) + ": empty file (masked)");
      }
    }
  }
  if (!seen_dir)
    return ProbeResult::unknown({"systemd の設定が読めません（systemctl も /etc/systemd/system もありません）",
                                 "systemd's configuration cannot be read (neither systemctl nor /etc/systemd/system)"}, ev);
  if (!masked) ev.push_back("sleep.target and suspend.target are not masked under /etc/systemd/system or /run/systemd/system");
  return ProbeResult::of(!masked, ev);
}

ProbeResult LinuxHost::probe_rdp_session() {
  std::vector<std::string> ev;
  if (auto v = paths_.env("XRDP_SESSION")) {
    ev.push_back("environment: XRDP_SESSION=" + *v);
    return ProbeResult::of(true, ev);
  }
  ev.push_back("environment: no XRDP_SESSION");
  // xrdp runs xrdp-chansrv in each session, and xrdp-sesman forks a child
  // per session; the xrdp-sesman daemon alone means no session.
  std::error_code ec;
  fs::directory_iterator it(paths_.proc, ec);
  if (ec) return ProbeResult::unknown({"プロセス一覧を読めません", "the process list cannot be read"}, ev);
  std::map<std::string, std::string> comm_of;  // pid -> comm
  std::map<std::string, std::string> parent_of;
  for (const auto& e : it) {
    std::string pid = e.path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    auto comm = read_small(e.path() / "comm");
    if (!comm) continue;
    while (!comm->empty() && comm->back() == '\n') comm->pop_back();
    if (!starts_with(*comm, "xrdp")) continue;
    comm_of[pid] = *comm;
    if (auto stat = read_small(e.path() / "stat")) {
      auto close = stat->rfind(')');
      std::istringstream rest(close == std::string::npos ? "" : stat->substr(close + 1));
      std::string state, ppid;
      rest >> state >> ppid;
      parent_of[pid] = ppid;
    }
  }
  bool session = false;
  for (const auto& [pid, comm] : comm_of) {
    if (comm == "xrdp-chansrv") {
      session = true;
      ev.push_back("process " + pid + ": xrdp-chansrv (runs inside an XRDP session)");
    } else if (comm == "xrdp-sesman") {
      auto pp = comm_of.find(parent_of[pid]);
      if (pp != comm_of.end() && pp->second == "xrdp-sesman") {
        session = true;
        ev.push_back("process " + pid + ": xrdp-sesman forked for a session by " + pp->first);
      } else {
        ev.push_back("process " + pid + ": xrdp-sesman daemon (no session by itself)");
      }
    }
  }
  if (comm_of.empty()) ev.push_back("no xrdp process");
  return ProbeResult::of(session, ev);
}

ProbeResult LinuxHost::probe_restart_pending() {
  fs::path flag = paths_.run / "reboot-required";
  std::error_code ec;
  if (fs::exists(flag, ec)) {
    std::vector<std::string> ev{display_path(flag) + " exists"};
    if (auto pkgs = read_small(paths_.run / "reboot-required.pkgs")) {
      std::istringstream in(*pkgs);
      std::vector<std::string> names;
      std::string line;
      while (std::getline(in, line) && names.size() < 10)
        if (!line.empty()) names.push_back(line);
      if (!names.empty()) ev.push_back("for: " + join(names, ", "));
    }
    return ProbeResult::of(true, ev);
  }
  if (!fs::is_directory(paths_.run, ec))
    return ProbeResult::unknown({display_path(paths_.run) + " を読めません", display_path(paths_.run) + " cannot be read"});
  return ProbeResult::of(false, {"no " + display_path(flag) + " (Debian/Ubuntu's restart flag)"});
}

ProbeResult LinuxHost::probe_restart_scheduled() {
  // systemd-logind keeps a pending `shutdown -r +N` in this file (USEC=, MODE=)
  // until it fires or `shutdown -c` cancels it.
  fs::path file = paths_.run / "systemd" / "shutdown" / "scheduled";
  std::error_code ec;
  if (!fs::is_directory(paths_.run, ec))
    return ProbeResult::unknown({display_path(paths_.run) + " を読めません", display_path(paths_.run) + " cannot be read"});
  auto text = read_small(file);
  if (!text) return ProbeResult::of(false, {"no " + display_path(file) + " (nothing scheduled through systemd-logind)"});
  auto kv = parse_os_release(*text);  // the same KEY=VALUE lines
  std::string mode = kv.count("MODE") ? kv["MODE"] : "?";
  std::vector<std::string> ev{display_path(file) + ": MODE=" + mode + (kv.count("USEC") ? " USEC=" + kv["USEC"] : "")};
  if (kv.count("USEC")) {
    try {
      std::time_t t = static_cast<std::time_t>(std::stoll(kv["USEC"]) / 1000000);
      char buf[64];
      std::tm tm{};
      localtime_r(&t, &tm);
      std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
      ev.push_back(std::string("at ") + buf);
    } catch (const std::exception&) {
      ev.push_back("USEC is not a number");
    }
  }
  return ProbeResult::of(mode == "reboot" || mode == "reboot-force" || mode == "kexec" || mode == "soft-reboot", ev);
}

ProbeResult LinuxHost::probe_processes() {
  // argv[0]'s file name, as a person would name the program (a Windows program
  // under Wine shows its .exe there); comm (cut at 15 bytes) when argv is empty.
  std::error_code ec;
  if (!fs::is_directory(paths_.proc, ec))
    return ProbeResult::unknown({display_path(paths_.proc) + " を読めません", display_path(paths_.proc) + " cannot be read"});
  std::set<std::string> names;
  for (fs::directory_iterator it(paths_.proc, ec), end; !ec && it != end; it.increment(ec)) {
    std::string pid = it->path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string name;
    if (auto cmd = read_small(it->path() / "cmdline")) {
      std::string argv0 = cmd->substr(0, cmd->find('\0'));
      size_t slash = argv0.find_last_of("/\\");
      name = slash == std::string::npos ? argv0 : argv0.substr(slash + 1);
    }
    if (name.empty())
      if (auto comm = read_small(it->path() / "comm")) name = comm->substr(0, comm->find('\n'));
    if (!name.empty()) names.insert(name);  // a process gone meanwhile reads as nothing
  }
  return ProbeResult::of(std::vector<std::string>(names.begin(), names.end()),
                         {display_path(paths_.proc) + ": " + std::to_string(names.size()) + " program names"});
}

}  // namespace caora
