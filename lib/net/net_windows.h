// The terminal's network adapters as Windows reports them (GetAdaptersAddresses):
// the adapter GUID that ties an adapter to its device node (NetCfgInstanceId),
// the names people see, the state, and the IPv4 addresses with their prefixes.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "net/net.h"

namespace caora::net {

struct WindowsAdapter {
  std::string guid;           // "{4D36E972-…}": AdapterName, the device's NetCfgInstanceId
  std::string friendly_name;  // "Ethernet 2" (localised, evidence only)
  std::string description;    // the driver's description (evidence only)
  unsigned if_type = 0;       // IF_TYPE_*: 6 Ethernet, 24 loopback, 71 Wi-Fi
  bool up = false;            // IfOperStatusUp
  std::vector<Ipv4> ipv4;
  std::vector<std::string> gateways;     // IPv4 default gateways ("a.b.c.d")
  std::vector<std::string> dns_servers;  // IPv4 DNS servers ("a.b.c.d")
};

// Every adapter with its IPv4 unicast addresses, gateways and DNS servers; an
// error when Windows will not say.
Expected<std::vector<WindowsAdapter>> read_windows_adapters();

}  // namespace caora::net
