#include "net/net_windows.h"

// winsock2 before windows.h, as iphlpapi wants.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>

#include <algorithm>

namespace caora::net {

namespace {

std::string utf8(const wchar_t* w) {
  if (w == nullptr || *w == 0) return {};
  int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, nullptr, 0, nullptr, nullptr);
  std::string out(n > 0 ? n - 1 : 0, '\0');
  if (n > 1) WideCharToMultiByte(CP_UTF8, 0, w, -1, &out[0], n, nullptr, nullptr);
  return out;
}

std::string dotted(const sockaddr* sa) {
  uint32_t a = ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr);
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "." + std::to_string((a >> 8) & 0xff) + "." +
         std::to_string(a & 0xff);
}

}  // namespace

Expected<std::vector<WindowsAdapter>> read_windows_adapters() {
  // The documented way: start with 15 kB and grow while Windows asks for more.
  ULONG size = 15000;
  std::vector<unsigned char> buf;
  ULONG rv = ERROR_BUFFER_OVERFLOW;
  for (int attempt = 0; attempt < 4 && rv == ERROR_BUFFER_OVERFLOW; ++attempt) {
    buf.resize(size);
    rv = GetAdaptersAddresses(AF_INET, GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_INCLUDE_GATEWAYS,
                              nullptr, reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buf.data()), &size);
  }
  std::vector<WindowsAdapter> out;
  if (rv == ERROR_NO_DATA) return out;
  if (rv != NO_ERROR)
    return make_error(ErrorKind::Io, "ネットワークアダプターを読めません（GetAdaptersAddresses: " + std::to_string(rv) + "）",
                      "the network adapters cannot be read (GetAdaptersAddresses: error " + std::to_string(rv) + ")");
  for (auto* a = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buf.data()); a; a = a->Next) {
    WindowsAdapter w;
    w.guid = a->AdapterName ? a->AdapterName : "";
    w.friendly_name = utf8(a->FriendlyName);
    w.description = utf8(a->Description);
    w.if_type = a->IfType;
    w.up = a->OperStatus == IfOperStatusUp;
    for (auto* u = a->FirstUnicastAddress; u; u = u->Next) {
      const sockaddr* sa = u->Address.lpSockaddr;
      if (sa == nullptr || sa->sa_family != AF_INET) continue;
      Ipv4 ip;
      ip.addr = ntohl(reinterpret_cast<const sockaddr_in*>(sa)->sin_addr.s_addr);
      ip.prefix = std::min<int>(u->OnLinkPrefixLength, 32);
      w.ipv4.push_back(ip);
    }
    for (auto* g = a->FirstGatewayAddress; g; g = g->Next) {
      const sockaddr* sa = g->Address.lpSockaddr;
      if (sa != nullptr && sa->sa_family == AF_INET) w.gateways.push_back(dotted(sa));
    }
    for (auto* d = a->FirstDnsServerAddress; d; d = d->Next) {
      const sockaddr* sa = d->Address.lpSockaddr;
      if (sa != nullptr && sa->sa_family == AF_INET) w.dns_servers.push_back(dotted(sa));
    }
    out.push_back(std::move(w));
  }
  return out;
}

// net.h's address map, by the names people see.
Expected<AddressMap> read_ipv4_getifaddrs() {
  auto adapters = read_windows_adapters();
  if (!adapters) return adapters.error();
  AddressMap out;
  for (const auto& a : *adapters) out[a.friendly_name] = a.ipv4;
  return out;
}

}  // namespace caora::net
