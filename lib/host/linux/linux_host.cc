#include "host/linux/linux_host.h"

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

ProbeResult windows_only(const Text& what) {
  return ProbeResult::unknown({"Windowsだけの項目です（" + what.ja + "）", "Windows only (" + what.en + ")"});
}

Text from_error(const Error& e) { return e.message; }

std::string unit_label(const usb::Unit& u) {
  const auto& d = u.device;
  return d.port_path() + " " + d.id() + " serial " + (d.serial.value ? *d.serial.value : "?");
}

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

bool LinuxHost::provides_probe(const std::string& name) const { return !starts_with(name, "site."); }

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

const LinuxHost::UsbView& LinuxHost::usb_view() {
  return cached(usb_cache_.value, usb_cache_.at, [&] {
    UsbView v;
    auto devices = usb_->devices();
    if (!devices) {
      v.error = devices.error();
    } else {
      v.devices = devices->size();
      v.units = usb::find_units(*devices, table_);
    }
    return v;
  });
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

ProbeResult LinuxHost::probe(const std::string& name) {
  if (name == "usb.units.detail") return probe_unit_detail();
  if (name == "net.rndis.adapters") return probe_rndis_adapters();
  if (starts_with(name, "usb.")) return probe_usb(name);
  if (starts_with(name, "net.")) return probe_net(name);
  if (starts_with(name, "pcsc.")) return probe_pcsc(name);
  if (name == "host.os.name" || name == "host.os.version") return probe_os(name);
  if (name == "host.sleep.enabled") return probe_sleep();
  if (name == "host.rdp.session_active") return probe_rdp_session();
  if (name == "host.restart.pending") return probe_restart_pending();
  if (name == "host.restart.scheduled") return probe_restart_scheduled();
  if (name == "host.rdp.enabled") return windows_only({"リモートデスクトップの設定", "the Remote Desktop setting"});
  if (name == "host.certpropsvc.running") return windows_only({"証明書伝達サービス", "the Certificate Propagation service"});
  if (name == "host.nic.arp_offload.enabled") return windows_only({"NICドライバーの設定", "a NIC driver setting"});
  if (name == "host.screen_lock.enabled")
    return ProbeResult::unknown(
        {"Linuxでは画面ロックはデスクトップ（GNOME、KDE、Xfceなど）ごとの設定で、ここからは確実に読めません。デスクトップの設定で確認してください",
         "on Linux the screen lock belongs to the desktop session (GNOME, KDE, Xfce, …) and cannot be read reliably "
         "from here; check the desktop's settings"});
  if (name == "host.biometric.present")
    return ProbeResult::unknown(
        {"Linuxでは指紋センサーなどに共通のUSBクラスがなく、読み取りません（lsusb や fprintd-list で確認してください）",
         "on Linux fingerprint sensors have no common USB class, so this is not read (check with lsusb or fprintd-list)"});
  return ProbeResult::unknown(not_on_this_backend(backend()));
}

ProbeResult LinuxHost::probe_usb(const std::string& name) {
  const UsbView& v = usb_view();
  if (v.error) return ProbeResult::unknown(from_error(*v.error));
  const auto& units = v.units;
  std::vector<std::string> ev;
  if (name == "usb.units.count") {
    if (units.empty())
      ev.push_back(usb_->name() + ": " + std::to_string(v.devices) +
                   " USB devices, none of them a Caora unit (no RNDIS function with a unit ID or \"Caora\" in its strings)");
    for (const auto& u : units)
      ev.push_back(usb_->name() + ": unit at " + u.device.port_path() + ", " + u.device.id() + ", " +
                   usb::speed_name(u.device.speed) + " speed, " + (u.device.behind_hub() ? "behind a hub" : "direct") +
                   " (" + u.matched_by + ")");
    return ProbeResult::of(static_cast<int>(units.size()), ev);
  }
  if (name == "usb.units.serials") {
    json serials = json::array();
    size_t unknown = 0;
    for (const auto& u : units) {
      const auto& s = u.device.serial;
      if (s.value) {
        serials.push_back(*s.value);
        ev.push_back(u.device.port_path() + ": serial " + *s.value + " (" + s.source + ")");
      } else {
        ++unknown;
        ev.push_back(u.device.port_path() + ": serial unknown: " + s.reason.en);
      }
    }
    if (units.empty()) ev.push_back(usb_->name() + ": no unit on USB");
    if (unknown > 0 && unknown == units.size())
      return ProbeResult::unknown({"どのCaoraのシリアル番号も読めません", "no unit's serial number could be read"}, ev);
    return ProbeResult::of(serials, ev);
  }
  if (name == "usb.units.behind_hub") {
    bool any = false;
    for (const auto& u : units) {
      any = any || u.device.behind_hub();
      ev.push_back(u.device.port_path() + (u.device.behind_hub() ? ": behind a hub (more than one port deep)" : ": on a root port"));
    }
    if (units.empty()) ev.push_back(usb_->name() + ": no unit on USB");
    return ProbeResult::of(any, ev);
  }
  if (name == "usb.units.low_speed") {
    bool low = false, unknown = false;
    for (const auto& u : units) {
      low = low || usb::below_high_speed(u.device.speed);
      unknown = unknown || u.device.speed == usb::Speed::Unknown;
      ev.push_back(u.device.port_path() + ": " + usb::speed_name(u.device.speed) + " speed");
    }
    if (units.empty()) ev.push_back(usb_->name() + ": no unit on USB");
    if (!low && unknown) return ProbeResult::unknown({"USBの速度が分からないCaoraがあります", "a unit's USB speed is unknown"}, ev);
    return ProbeResult::of(low, ev);
  }
  return ProbeResult::unknown(not_on_this_backend(backend()));
}

ProbeResult LinuxHost::probe_net(const std::string& name) {
  const NetView& n = net_view();
  if (n.error) return ProbeResult::unknown(from_error(*n.error));
  auto describe = [](const net::Interface& i) {
    std::string addrs;
    for (const auto& a : i.ipv4) addrs += (addrs.empty() ? "" : ", ") + a.str();
    return i.name + " (" + (i.driver.empty() ? "virtual" : i.driver) + (i.usb_port.empty() ? "" : " on USB " + i.usb_port) +
           "): " + (i.admin_up ? "up" : "administratively down") + ", operstate " + (i.operstate.empty() ? "?" : i.operstate) +
           ", carrier " + (i.carrier ? (*i.carrier ? "1" : "0") : "?") + ", IPv4 " + (addrs.empty() ? "none" : addrs);
  };
  if (name == "net.uplink.connected") {
    // The wired LAN: a real Ethernet device that is not a unit's (nor anyone's RNDIS) adapter.
    std::set<std::string> unit_ports;
    const UsbView& v = usb_view();
    for (const auto& u : v.units) unit_ports.insert(u.device.port_path());
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
  const UsbView& v = usb_view();
  if (v.error)
    return ProbeResult::unknown({"USBを読めないため、どのアダプターがCaoraのものか分かりません: " + v.error->message.ja,
                                 "which adapter belongs to a unit is unknown, USB cannot be read: " + v.error->message.en});
  // Each unit's adapters: the interfaces on the unit's USB device.
  std::vector<std::pair<const usb::Unit*, std::vector<const net::Interface*>>> per_unit;
  for (const auto& u : v.units) {
    std::vector<const net::Interface*> mine;
    for (const auto& i : n.interfaces)
      if (i.usb_port == u.device.port_path()) mine.push_back(&i);
    per_unit.emplace_back(&u, mine);
  }
  std::vector<std::string> ev;
  if (per_unit.empty()) ev.push_back("no unit on USB, so no unit adapter");
  if (name == "net.rndis.present") {
    bool all = !per_unit.empty();
    for (const auto& [u, ifs] : per_unit) {
      all = all && !ifs.empty();
      if (ifs.empty()) ev.push_back(unit_label(*u) + ": no network interface on this USB device");
      for (const auto* i : ifs) ev.push_back(unit_label(*u) + " → " + describe(*i));
    }
    return ProbeResult::of(all, ev);
  }
  if (name == "net.rndis.disabled") {
    bool any = false;
    for (const auto& [u, ifs] : per_unit)
      for (const auto* i : ifs) {
        any = any || !i->admin_up;
        ev.push_back(describe(*i));
      }
    return ProbeResult::of(any, ev);
  }
  if (name == "net.rndis.has_address") {
    bool all = !per_unit.empty();
    for (const auto& [u, ifs] : per_unit) {
      bool has = false;
      for (const auto* i : ifs) {
        has = has || !i->ipv4.empty();
        ev.push_back(describe(*i));
      }
      if (ifs.empty()) ev.push_back(unit_label(*u) + ": no network interface on this USB device");
      all = all && has;
    }
    return ProbeResult::of(all, ev);
  }
  if (name == "net.rndis.subnet_overlap") {
    bool any = false;
    for (const auto& [u, ifs] : per_unit)
      for (const auto* mine : ifs)
        for (const auto& a : mine->ipv4) {
          for (const auto& other : n.interfaces) {
            if (other.name == mine->name || other.loopback) continue;
            for (const auto& b : other.ipv4)
              if (net::overlaps(a, b)) {
                any = true;
                ev.push_back(mine->name + " " + a.str() + " overlaps " + other.name + " " + b.str());
              }
          }
          if (!any) ev.push_back(mine->name + " " + a.str() + ": no other interface in that subnet");
        }
    return ProbeResult::of(any, ev);
  }
  return ProbeResult::unknown(not_on_this_backend(backend()));
}

ProbeResult LinuxHost::probe_pcsc(const std::string& name) {
  const UsbView& v = usb_view();
  return caora::probe_pcsc(name, pcsc_view(), v.units, v.error, *pcsc_, backend());
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

namespace {
// Values go into "key=value" tokens separated by spaces: keep them one token.
std::string token(std::string v) {
  for (char& c : v)
    if (c == ' ' || c == '\t' || c == '=' || c == '\n' || c == '\r') c = '_';
  return v;
}
}  // namespace

ProbeResult LinuxHost::probe_unit_detail() {
  const UsbView& v = usb_view();
  if (v.error) return ProbeResult::unknown(from_error(*v.error));
  json lines = json::array();
  std::vector<std::string> ev;
  for (const auto& u : v.units) {
    const auto& d = u.device;
    std::string line = "port=" + d.port_path();
    if (d.serial.value && !d.serial.value->empty()) line += " serial=" + token(*d.serial.value);
    line += std::string(" speed=") + usb::speed_name(d.speed) + " hub=" + (d.behind_hub() ? "yes" : "no") + " id=" + d.id();
    lines.push_back(line);
    ev.push_back(usb_->name() + ": " + unit_label(u) + " (" + u.matched_by + ")");
  }
  if (v.units.empty()) ev.push_back(usb_->name() + ": " + std::to_string(v.devices) + " USB devices, no unit");
  return ProbeResult::of(lines, ev);
}

ProbeResult LinuxHost::probe_rndis_adapters() {
  const UsbView& v = usb_view();
  if (v.error) return ProbeResult::unknown(from_error(*v.error));
  const NetView& n = net_view();
  if (n.error) return ProbeResult::unknown(from_error(*n.error));
  json lines = json::array();
  std::vector<std::string> ev;
  for (const auto& u : v.units) {
    bool any = false;
    for (const auto& i : n.interfaces) {
      if (i.usb_port != u.device.port_path()) continue;
      any = true;
      std::string addrs, overlaps;
      for (const auto& a : i.ipv4) {
        addrs += (addrs.empty() ? "" : ",") + a.str();
        for (const auto& other : n.interfaces) {
          if (other.name == i.name || other.loopback) continue;
          for (const auto& b : other.ipv4)
            if (net::overlaps(a, b)) overlaps += (overlaps.empty() ? "" : ",") + token(other.name) + ":" + b.str();
        }
      }
      std::string line = "port=" + u.device.port_path() + " name=" + token(i.name) +
                         (i.driver.empty() ? "" : " driver=" + token(i.driver)) + " enabled=" + (i.admin_up ? "yes" : "no");
      if (!addrs.empty()) line += " ipv4=" + addrs;
      if (!overlaps.empty()) line += " overlaps=" + overlaps;
      lines.push_back(line);
      ev.push_back(display_path(paths_.sysfs / "class" / "net" / i.name) + " on USB " + u.device.port_path() +
                   (i.usb_interface.empty() ? "" : " (" + i.usb_interface + ")"));
    }
    if (!any) ev.push_back(u.device.port_path() + ": no network interface on this USB device");
  }
  if (v.units.empty()) ev.push_back("no unit on USB, so no unit adapter");
  return ProbeResult::of(lines, ev);
}

}  // namespace caora
