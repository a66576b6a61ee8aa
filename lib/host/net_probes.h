// The probes of the units' RNDIS adapters (net.rndis.*), the same on every
// live backend: each backend finds each unit's adapters its own way (sysfs;
// SetupAPI + the IP Helper) and describes them here in one form.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/text.h"
#include "host/probe_table.h"
#include "host/records.h"

namespace caora {

// One network adapter of a unit, as a backend read it.
struct RndisAdapterFacts {
  RndisAdapterRecord record;
  std::string state;       // the adapter and its state in words (evidence)
  std::string source;      // where it was read (net.rndis.adapters' evidence)
  bool reachable = false;  // it has an address the unit answers on (Windows: not link-local)
  // Per address: what overlaps it, or that nothing does (evidence).
  std::vector<std::string> subnets;
};

struct UnitRndisFacts {
  std::string unit;  // usb_probes' unit_label()
  std::string port;
  std::vector<RndisAdapterFacts> adapters;
};

struct RndisView {
  std::optional<Text> unknown;     // which adapters are the units' cannot be told
  std::optional<Text> ip_unknown;  // the adapters' addresses cannot be read
  std::vector<UnitRndisFacts> units;
  std::string none = "no network interface on this USB device";
};

// net.rndis.present, .disabled, .has_address, .subnet_overlap and .adapters.
const ProbeTable<const RndisView>& rndis_probes();

// Why the units' adapters cannot be told apart when USB cannot be read.
Text adapters_need_usb(const Text& usb_error);

}  // namespace caora
