#include "net/net.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#ifndef _WIN32  // Windows: read_ipv4_getifaddrs() is in net_windows.cc
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#else
// sysfs's flags file holds Linux's IFF_* bits; the reader also runs on fixture trees.
constexpr long IFF_UP = 0x1, IFF_LOOPBACK = 0x8;
#endif

namespace caora::net {

std::string Ipv4::str() const {
  return std::to_string(addr >> 24) + "." + std::to_string((addr >> 16) & 0xff) + "." +
         std::to_string((addr >> 8) & 0xff) + "." + std::to_string(addr & 0xff) + "/" + std::to_string(prefix);
}

Expected<Ipv4> parse_ipv4(const std::string& text) {
  static const std::regex re(R"((\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:/(\d{1,2}))?)");
  std::smatch m;
  auto bad = [&] {
    return make_error(ErrorKind::Parse, "IPv4アドレスではありません: " + text, "not an IPv4 address: " + text);
  };
  if (!std::regex_match(text, m, re)) return bad();
  Ipv4 ip;
  for (int i = 1; i <= 4; ++i) {
    int v = std::stoi(m[i].str());
    if (v > 255) return bad();
    ip.addr = (ip.addr << 8) | static_cast<uint32_t>(v);
  }
  if (m[5].matched) {
    ip.prefix = std::stoi(m[5].str());
    if (ip.prefix > 32) return bad();
  }
  return ip;
}

bool overlaps(const Ipv4& a, const Ipv4& b) {
  // Two prefixes overlap exactly when they agree on the shorter one.
  uint32_t mask = a.prefix < b.prefix ? a.mask() : b.mask();
  return (a.addr & mask) == (b.addr & mask);
}

namespace {

std::optional<std::string> read_attr(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string s;
  // A read can fail on an open file (carrier of a down interface: EINVAL).
  if (!std::getline(in, s) && !in.eof()) return std::nullopt;
  if (in.bad()) return std::nullopt;
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::optional<long> read_number(const fs::path& path) {
  auto s = read_attr(path);
  if (!s || s->empty()) return std::nullopt;
  try {
    size_t used = 0;
    long v = std::stol(*s, &used, 0);  // flags are "0x1003"
    return used == s->size() ? std::optional<long>(v) : std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::string usb_port_of(const fs::path& device_path) {
  static const std::regex port(R"(\d+-\d+(\.\d+)*)");
  for (fs::path p = device_path; !p.empty() && p != p.root_path(); p = p.parent_path()) {
    std::string name = p.filename().string();
    if (std::regex_match(name, port)) return name;
    if (p.parent_path() == p) break;
  }
  return "";
}

#ifndef _WIN32
Expected<AddressMap> read_ipv4_getifaddrs() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    int e = errno;
    return make_error(ErrorKind::Io, std::string("IPv4アドレスを読めません（getifaddrs: ") + std::strerror(e) + "）",
                      std::string("IPv4 addresses cannot be read (getifaddrs: ") + std::strerror(e) + ")");
  }
  AddressMap out;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    Ipv4 ip;
    ip.addr = ntohl(reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr);
    uint32_t mask = a->ifa_netmask ? ntohl(reinterpret_cast<sockaddr_in*>(a->ifa_netmask)->sin_addr.s_addr) : ~0u;
    ip.prefix = __builtin_popcount(mask);
    out[a->ifa_name].push_back(ip);
  }
  freeifaddrs(list);
  return out;
}
#endif

Expected<AddressMap> read_ipv4_file(const fs::path& path) {
  auto text = read_file(path);
  if (!text) return text.error();
  AddressMap out;
  std::istringstream in(*text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, cidr;
    fields >> name >> cidr;
    auto ip = parse_ipv4(cidr);
    if (name.empty() || !ip)
      return make_error(ErrorKind::Parse, display_path(path) + ":" + std::to_string(n) + ": 「<if> <a.b.c.d>/<prefix>」の形ではありません",
                        display_path(path) + ":" + std::to_string(n) + ": not \"<if> <a.b.c.d>/<prefix>\"");
    out[name].push_back(*ip);
  }
  return out;
}

Expected<std::vector<Interface>> read_interfaces(const fs::path& sysfs_root) {
  fs::path class_net = sysfs_root / "class" / "net";
  std::error_code ec;
  fs::directory_iterator it(class_net, ec);
  if (ec) return fs_error(ec, class_net, "ネットワークインターフェースの一覧を読めません", "cannot list the network interfaces");
  std::vector<Interface> out;
  for (const auto& entry : it) {
    Interface i;
    i.name = entry.path().filename().string();
    fs::path dir = entry.path();
    fs::path device = dir / "device";
    if (fs::exists(device, ec)) {
      i.physical = true;
      fs::path real = fs::canonical(device, ec);
      if (!ec) {
        i.usb_port = usb_port_of(real);
        // The netdev hangs off a USB interface ("1-2:1.0"), whose name the driver's bind/unbind files take.
        std::string leaf = real.filename().string();
        if (!i.usb_port.empty() && leaf.rfind(i.usb_port + ":", 0) == 0) i.usb_interface = leaf;
      }
      fs::path driver = device / "driver";
      if (fs::is_symlink(driver, ec)) i.driver = fs::read_symlink(driver, ec).filename().string();
    }
    i.operstate = read_attr(dir / "operstate").value_or("");
    if (auto flags = read_number(dir / "flags")) {
      i.admin_up = (*flags & IFF_UP) != 0;
      i.loopback = (*flags & IFF_LOOPBACK) != 0;
    }
    if (auto c = read_number(dir / "carrier")) i.carrier = *c != 0;
    i.type = static_cast<int>(read_number(dir / "type").value_or(0));
    if (i.type == 772) i.loopback = true;
    i.wireless = fs::exists(dir / "wireless", ec) || fs::exists(dir / "phy80211", ec);
    out.push_back(std::move(i));
  }
  std::sort(out.begin(), out.end(), [](const Interface& a, const Interface& b) { return a.name < b.name; });
  bool fixture = fs::weakly_canonical(sysfs_root, ec) != fs::path("/sys");
  auto addrs = fixture ? read_ipv4_file(sysfs_root.parent_path() / "ipv4") : read_ipv4_getifaddrs();
  if (!addrs) return addrs.error();
  for (auto& i : out) {
    auto a = addrs->find(i.name);
    if (a != addrs->end()) i.ipv4 = a->second;
  }
  return out;
}

std::map<std::string, WifiSignal> parse_proc_net_wireless(const std::string& text) {
  std::map<std::string, WifiSignal> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    name.erase(0, name.find_first_not_of(" \t"));
    if (name.empty() || name.find_first_of(" |") != std::string::npos) continue;
    std::istringstream fields(line.substr(colon + 1));
    std::string status, link, level;
    if (!(fields >> status >> link >> level)) continue;
    auto number = [](std::string t) -> std::optional<double> {
      while (!t.empty() && t.back() == '.') t.pop_back();
      if (t.empty()) return std::nullopt;
      char* end = nullptr;
      double v = std::strtod(t.c_str(), &end);
      if (end == nullptr || *end != '\0') return std::nullopt;
      return v;
    };
    auto l = number(link);
    if (!l) continue;
    WifiSignal s;
    s.link = *l;
    auto lv = number(level);
    // Drivers that report dBm give a negative level; others give a relative 0..100 or 0.
    if (lv && *lv < 0 && *lv > -256) s.level_dbm = *lv;
    out[name] = s;
  }
  return out;
}

bool wifi_signal_weak(const WifiSignal& s) {
  if (s.level_dbm) return *s.level_dbm < -70;
  return s.link < 35;
}

std::map<std::string, std::string> parse_proc_net_route_defaults(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  constexpr unsigned long kRtfUp = 0x1, kRtfGateway = 0x2;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string iface, dest, gw, flags, refcnt, use, metric, mask;
    if (!(f >> iface >> dest >> gw >> flags >> refcnt >> use >> metric >> mask)) continue;
    if (iface == "Iface") continue;
    char* end = nullptr;
    unsigned long d = std::strtoul(dest.c_str(), &end, 16);
    if (*end != '\0') continue;
    unsigned long g = std::strtoul(gw.c_str(), &end, 16);
    if (*end != '\0') continue;
    unsigned long fl = std::strtoul(flags.c_str(), &end, 16);
    if (*end != '\0') continue;
    unsigned long m = std::strtoul(mask.c_str(), &end, 16);
    if (*end != '\0') continue;
    if (d != 0 || m != 0 || !(fl & kRtfUp) || !(fl & kRtfGateway) || g == 0) continue;
    // Little-endian: the first octet is the low byte.
    std::string addr = std::to_string(g & 0xff) + "." + std::to_string((g >> 8) & 0xff) + "." +
                       std::to_string((g >> 16) & 0xff) + "." + std::to_string((g >> 24) & 0xff);
    out.emplace(iface, addr);
  }
  return out;
}

std::vector<std::string> parse_resolv_conf_nameservers(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string key, value;
    if (!(f >> key >> value) || key != "nameserver") continue;
    out.push_back(value);
  }
  return out;
}

bool is_resolved_stub(const std::string& nameserver) { return nameserver == "127.0.0.53" || nameserver == "127.0.0.54"; }

}  // namespace caora::net
