// Reading caora.snapshot/1 files, from before the record-list probes: their
// usb.units.detail and net.rndis.adapters values are lines of "key=value"
// tokens ("port=1-2 serial=2113001 speed=high hub=no id=04c5:1526"). This is
// the only place those lines are read: they become the records of /2 as the
// file is loaded, so nothing past the recorded backend sees a line.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "host/records.h"

namespace caora {

// "key=value key=value"; a token without '=' (or with nothing before it) is ignored.
std::map<std::string, std::string> v1_line_fields(const std::string& line);

// nullopt for a line without a port (no unit or adapter can be placed).
std::optional<UnitRecord> unit_record_from_v1_line(const std::string& line);
std::optional<RndisAdapterRecord> adapter_record_from_v1_line(const std::string& line);

// Probe name → how its /1 value becomes its /2 value; a value that is not a
// list of strings comes back as it was, for the type check to refuse.
// Probes not named kept their form.
using V1Upgrade = std::function<nlohmann::json(const nlohmann::json& lines)>;
const std::map<std::string, V1Upgrade>& v1_upgrades();

}  // namespace caora
