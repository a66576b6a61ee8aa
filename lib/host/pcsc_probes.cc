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

ProbeResult probe_pcsc(const std::string& name, const PcscView& p, const std::vector<usb::Unit>& units,
                       const std::optional<Error>& usb_error, pcsc::PcscSource& source, const std::string& backend) {
  if (p.error) return ProbeResult::unknown(p.error->message);
  std::vector<std::string> ev{source.name() + " readers: " + (p.readers.empty() ? "(none)" : join(p.readers, ", "))};
  if (name == "pcsc.readers") return ProbeResult::of(p.readers, ev);
  if (name == "pcsc.foreign_readers.present") return ProbeResult::of(!p.split.foreign.empty(), ev);
  if (name == "pcsc.units.visible") {
    size_t readers = p.split.units.size();
    if (usb_error || units.empty()) {
      ev.push_back(usb_error ? "USB: " + usb_error->message.en : "USB: no unit");
      return ProbeResult::of(readers > 0, ev);
    }
    // A reader per unit; when the names carry serials, say which unit is missing.
    for (const auto& u : units) {
      if (!u.device.serial.value) continue;
      bool seen = false;
      for (const auto& r : p.split.units) seen = seen || r.find(*u.device.serial.value) != std::string::npos;
      if (!seen) ev.push_back("no reader name carries unit " + *u.device.serial.value + "'s serial");
    }
    ev.push_back(std::to_string(units.size()) + " unit(s) on USB, " + std::to_string(readers) + " unit reader(s)");
    return ProbeResult::of(readers >= units.size(), ev);
  }
  if (name == "pcsc.unit.held_exclusive") {
    if (p.split.units.empty()) {
      ev.push_back("no unit reader, so none can be held");
      return ProbeResult::of(false, ev);
    }
    bool held = false, unknown = false;
    for (const auto& r : p.split.units) {
      pcsc::HoldCheck c = source.check_hold(r);
      held = held || c.hold == pcsc::Hold::Exclusive;
      unknown = unknown || c.hold == pcsc::Hold::Unknown;
      ev.push_back(c.detail + (c.hold == pcsc::Hold::NoCard ? " (no card: nobody can hold it exclusively)" : ""));
    }
    if (!held && unknown)
      return ProbeResult::unknown({"Caoraのリーダーに接続して確かめられませんでした", "could not connect to a unit's reader to check"}, ev);
    return ProbeResult::of(held, ev);
  }
  return ProbeResult::unknown(not_on_this_backend(backend));
}

}  // namespace caora
