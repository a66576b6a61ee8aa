// Probe dispatch by table: each backend binds, once, the name of every probe
// it answers to the code that answers it, and provides_probe() reads the same
// table, so the two cannot disagree. Shared probe code (usb_probes, net_probes,
// pcsc_probes) comes as tables over a view that a backend binds into its own.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "host/host.h"

namespace caora {

template <typename Self>
using ProbeTable = std::map<std::string, std::function<ProbeResult(Self&)>>;

template <typename Self>
ProbeResult answer_probe(const ProbeTable<Self>& table, Self& self, const std::string& name, const std::string& backend) {
  auto it = table.find(name);
  if (it == table.end()) return ProbeResult::unknown(not_on_this_backend(backend));
  return it->second(self);
}

// Binds a shared table over a view into a backend's: each probe asks the
// backend for the view (`view_of(self)`, cached or built) and answers over it.
template <typename Self, typename View, typename ViewOf>
void bind_probes(ProbeTable<Self>& into, const ProbeTable<const View>& shared, ViewOf view_of) {
  for (const auto& [name, answer] : shared) {
    auto a = answer;
    into[name] = [a, view_of](Self& self) -> ProbeResult { return a(view_of(self)); };
  }
}

// A table's entries that answer "unknown" for a fixed reason (a probe this
// platform cannot read, said in words).
template <typename Self>
void bind_unreadable(ProbeTable<Self>& into, const std::string& name, const Text& reason) {
  into[name] = [reason](Self&) { return ProbeResult::unknown(reason); };
}

}  // namespace caora
