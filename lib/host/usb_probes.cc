#include "host/usb_probes.h"

namespace caora {

using nlohmann::json;

UsbView read_usb_view(usb::UsbSource& source, const usb::UnitTable& table) {
  UsbView v;
  auto devices = source.devices();
  v.source = source.name();  // after the enumeration: it may say which one answered
  if (!devices) {
    v.error = devices.error();
  } else {
    v.devices = devices->size();
    v.units = usb::find_units(*devices, table);
  }
  return v;
}

std::string unit_label(const usb::Unit& u) {
  const auto& d = u.device;
  return d.port_path() + " " + d.id() + " serial " + (d.serial.value ? *d.serial.value : "?");
}

UnitRecord unit_record(const usb::Unit& u) {
  const auto& d = u.device;
  UnitRecord r;
  r.port = d.port_path();
  if (d.serial.value && !d.serial.value->empty()) r.serial = *d.serial.value;
  if (d.speed != usb::Speed::Unknown) r.speed = usb::speed_name(d.speed);
  r.hub = d.behind_hub();
  r.id = d.id();
  return r;
}

namespace {

void say_none(const UsbView& v, std::vector<std::string>& ev) {
  if (v.units.empty()) ev.push_back(v.source + ": " + std::to_string(v.devices) + " USB devices, none of them a Caora unit");
}

ProbeResult count(const UsbView& v) {
  std::vector<std::string> ev;
  if (v.units.empty())
    ev.push_back(v.source + ": " + std::to_string(v.devices) +
                 " USB devices, none of them a Caora unit (no RNDIS function with a unit ID or \"Caora\" in its strings)");
  for (const auto& u : v.units)
    ev.push_back(v.source + ": unit at " + u.device.port_path() + ", " + u.device.id() + ", " + usb::speed_name(u.device.speed) +
                 " speed, " + (u.device.behind_hub() ? "behind a hub" : "direct") + " (" + u.matched_by + ")");
  return ProbeResult::of(static_cast<int>(v.units.size()), ev);
}

ProbeResult serials(const UsbView& v) {
  std::vector<std::string> ev;
  json serials = json::array();
  size_t unknown = 0;
  for (const auto& u : v.units) {
    const auto& s = u.device.serial;
    if (s.value) {
      serials.push_back(*s.value);
      ev.push_back(u.device.port_path() + ": serial " + *s.value + " (" + s.source + ")");
    } else {
      ++unknown;
      ev.push_back(u.device.port_path() + ": serial unknown: " + s.reason.en);
    }
  }
  say_none(v, ev);
  if (unknown > 0 && unknown == v.units.size())
    return ProbeResult::unknown({"どのCaoraのシリアル番号も読めません", "no unit's serial number could be read"}, ev);
  return ProbeResult::of(serials, ev);
}

ProbeResult behind_hub(const UsbView& v) {
  std::vector<std::string> ev;
  bool any = false;
  for (const auto& u : v.units) {
    any = any || u.device.behind_hub();
    ev.push_back(u.device.port_path() + (u.device.behind_hub() ? ": behind a hub (more than one port deep)" : ": on a root port"));
  }
  say_none(v, ev);
  return ProbeResult::of(any, ev);
}

ProbeResult low_speed(const UsbView& v) {
  std::vector<std::string> ev;
  bool low = false, unknown = false;
  for (const auto& u : v.units) {
    low = low || usb::below_high_speed(u.device.speed);
    unknown = unknown || u.device.speed == usb::Speed::Unknown;
    ev.push_back(u.device.port_path() + ": " + usb::speed_name(u.device.speed) + " speed");
  }
  say_none(v, ev);
  if (!low && unknown) return ProbeResult::unknown({"USBの速度が分からないCaoraがあります", "a unit's USB speed is unknown"}, ev);
  return ProbeResult::of(low, ev);
}

ProbeResult detail(const UsbView& v) {
  std::vector<std::string> ev;
  std::vector<UnitRecord> records;
  for (const auto& u : v.units) {
    records.push_back(unit_record(u));
    auto inst = v.instance_of_port.find(u.device.port_path());
    ev.push_back(v.source + ": " + unit_label(u) + " (" + u.matched_by + ")" +
                 (inst == v.instance_of_port.end() ? "" : ", device " + inst->second));
  }
  say_none(v, ev);
  return ProbeResult::of(records_json(records), ev);
}

// USB that cannot be enumerated makes every usb.* probe unknown, never zero.
ProbeTable<const UsbView>::mapped_type readable(ProbeResult (*answer)(const UsbView&)) {
  return [answer](const UsbView& v) { return v.error ? ProbeResult::unknown(v.error->message) : answer(v); };
}

}  // namespace

const ProbeTable<const UsbView>& usb_probes() {
  static const ProbeTable<const UsbView> table = {
      {"usb.units.count", readable(count)},
      {"usb.units.serials", readable(serials)},
      {"usb.units.behind_hub", readable(behind_hub)},
      {"usb.units.low_speed", readable(low_speed)},
      {"usb.units.detail", readable(detail)},
  };
  return table;
}

}  // namespace caora
