// The terminal's network files read by the probes (lib/net): /proc/net/route,
// resolv.conf and /proc/net/wireless. Whatever the bytes, a gateway is a dotted
// quad and a nameserver a single non-empty word.
#include <cstdint>
#include <string>

#include "net/net.h"

namespace {

bool dotted_quad(const std::string& s) {
  int parts = 0, digits = 0;
  for (char c : s) {
    if (c == '.') {
      if (digits == 0) return false;
      ++parts;
      digits = 0;
    } else if (c >= '0' && c <= '9') {
      if (++digits > 3) return false;
    } else {
      return false;
    }
  }
  return parts == 3 && digits > 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto& [name, gateway] : caora::net::parse_proc_net_route_defaults(text)) {
    if (name.empty() || !dotted_quad(gateway)) __builtin_trap();
  }
  for (const auto& ns : caora::net::parse_resolv_conf_nameservers(text)) {
    if (ns.empty() || ns.find_first_of(" \t\r\n") != std::string::npos) __builtin_trap();
  }
  for (const auto& [name, signal] : caora::net::parse_proc_net_wireless(text)) {
    if (name.empty()) __builtin_trap();
    (void)caora::net::wifi_signal_weak(signal);
  }
  return 0;
}
