#include "host/pcsc_probes.h"

#include "core/strings.h"

namespace caora {

PcscView read_pcsc_view(pcsc::PcscSource& source, const usb::UnitTable& table) {
  PcscView v;
  auto readers = source.readers();
  if (!readers) {
    v.error = readers.error();
  } else {
    v.readers = *readers;
    v.split = pcsc::classify_readers(v.readers, table);
  }
  return v;
}

namespace {

using Evidence = std::vector<std::string>;

ProbeResult readers(const PcscProbeInput& in, Evidence ev) { return ProbeResult::of(in.readers.readers, ev); }

ProbeResult foreign(const PcscProbeInput& in, Evidence ev) { return ProbeResult::of(!in.readers.split.foreign.empty(), ev); }

ProbeResult units_visible(const PcscProbeInput& in, Evidence ev) {
  const auto& units = in.usb.units;
  size_t readers = in.readers.split.units.size();
  if (in.usb.error || units.empty()) {
    ev.push_back(in.usb.error ? "USB: " + in.usb.error->message.en : "USB: no unit");
    return ProbeResult::of(readers > 0, ev);
  }
  // A reader per unit; when the names carry serials, say which unit is missing.
  for (const auto& u : units) {
    if (!u.device.serial.value) continue;
    bool seen = false;
    for (const auto& r : in.readers.split.units) seen = seen || r.find(*u.device.serial.value) != std::string::npos;
    if (!seen) ev.push_back("no reader name carries unit " + *u.device.serial.value + "'s serial");
  }
  ev.push_back(std::to_string(units.size()) + " unit(s) on USB, " + std::to_string(readers) + " unit reader(s)");
  return ProbeResult::of(readers >= units.size(), ev);
}

ProbeResult held_exclusive(const PcscProbeInput& in, Evidence ev) {
  if (in.readers.split.units.empty()) {
    ev.push_back("no unit reader, so none can be held");
    return ProbeResult::of(false, ev);
  }
  bool held = false, unknown = false;
  for (const auto& r : in.readers.split.units) {
    pcsc::HoldCheck c = in.source.check_hold(r);
    held = held || c.hold == pcsc::Hold::Exclusive;
    unknown = unknown || c.hold == pcsc::Hold::Unknown;
    ev.push_back(c.detail + (c.hold == pcsc::Hold::NoCard ? " (no card: nobody can hold it exclusively)" : ""));
  }
  if (!held && unknown)
    return ProbeResult::unknown({"Caoraのリーダーに接続して確かめられませんでした", "could not connect to a unit's reader to check"}, ev);
  return ProbeResult::of(held, ev);
}

// Every pcsc.* probe is unknown when PC/SC cannot be reached, and names the readers it saw.
ProbeTable<const PcscProbeInput>::mapped_type reachable(ProbeResult (*answer)(const PcscProbeInput&, Evidence)) {
  return [answer](const PcscProbeInput& in) {
    const PcscView& p = in.readers;
    if (p.error) return ProbeResult::unknown(p.error->message);
    return answer(in, {in.source.name() + " readers: " + (p.readers.empty() ? "(none)" : join(p.readers, ", "))});
  };
}

}  // namespace

const ProbeTable<const PcscProbeInput>& pcsc_probes() {
  static const ProbeTable<const PcscProbeInput> table = {
      {"pcsc.readers", reachable(readers)},
      {"pcsc.foreign_readers.present", reachable(foreign)},
      {"pcsc.units.visible", reachable(units_visible)},
      {"pcsc.unit.held_exclusive", reachable(held_exclusive)},
  };
  return table;
}

}  // namespace caora
