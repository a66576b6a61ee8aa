#include "host/net_probes.h"

namespace caora {

namespace {

using Evidence = std::vector<std::string>;

ProbeResult present(const RndisView& v, Evidence ev) {
  bool all = !v.units.empty();
  for (const auto& u : v.units) {
    all = all && !u.adapters.empty();
    if (u.adapters.empty()) ev.push_back(u.unit + ": " + v.none);
    for (const auto& a : u.adapters) ev.push_back(u.unit + " → " + a.state);
  }
  return ProbeResult::of(all, ev);
}

ProbeResult disabled(const RndisView& v, Evidence ev) {
  bool any = false;
  for (const auto& u : v.units)
    for (const auto& a : u.adapters) {
      any = any || !a.record.enabled;
      ev.push_back(a.state);
    }
  return ProbeResult::of(any, ev);
}

ProbeResult has_address(const RndisView& v, Evidence ev) {
  bool all = !v.units.empty();
  for (const auto& u : v.units) {
    bool has = false;
    for (const auto& a : u.adapters) {
      has = has || a.reachable;
      ev.push_back(a.state);
    }
    if (u.adapters.empty()) ev.push_back(u.unit + ": " + v.none);
    all = all && has;
  }
  return ProbeResult::of(all, ev);
}

ProbeResult subnet_overlap(const RndisView& v, Evidence ev) {
  bool any = false;
  for (const auto& u : v.units) {
    if (u.adapters.empty()) ev.push_back(u.unit + ": " + v.none);
    for (const auto& a : u.adapters) {
      any = any || !a.record.overlaps.empty();
      ev.insert(ev.end(), a.subnets.begin(), a.subnets.end());
    }
  }
  return ProbeResult::of(any, ev);
}

ProbeResult adapters(const RndisView& v, Evidence ev) {
  std::vector<RndisAdapterRecord> records;
  for (const auto& u : v.units) {
    if (u.adapters.empty()) ev.push_back(u.port + ": " + v.none);
    for (const auto& a : u.adapters) {
      records.push_back(a.record);
      ev.push_back(a.source);
    }
  }
  return ProbeResult::of(records_json(records), ev);
}

ProbeTable<const RndisView>::mapped_type readable(ProbeResult (*answer)(const RndisView&, Evidence), bool needs_ip) {
  return [answer, needs_ip](const RndisView& v) {
    if (v.unknown) return ProbeResult::unknown(*v.unknown);
    // Presence and state need no addresses; addresses and overlap do.
    if (needs_ip && v.ip_unknown) return ProbeResult::unknown(*v.ip_unknown);
    Evidence ev;
    if (v.units.empty()) ev.push_back("no unit on USB, so no unit adapter");
    return answer(v, ev);
  };
}

}  // namespace

const ProbeTable<const RndisView>& rndis_probes() {
  static const ProbeTable<const RndisView> table = {
      {"net.rndis.present", readable(present, false)},
      {"net.rndis.disabled", readable(disabled, false)},
      {"net.rndis.has_address", readable(has_address, true)},
      {"net.rndis.subnet_overlap", readable(subnet_overlap, true)},
      {"net.rndis.adapters", readable(adapters, true)},
  };
  return table;
}

Text adapters_need_usb(const Text& usb_error) {
  return {"USBを読めないため、どのアダプターがCaoraのものか分かりません: " + usb_error.ja,
          "which adapter belongs to a unit is unknown, USB cannot be read: " + usb_error.en};
}

}  // namespace caora
