// The PC/SC probes (pcsc.*), the same on every live backend: each backend
// reads its readers and USB units its own way and hands them over here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "host/host.h"
#include "pcsc/pcsc.h"
#include "usb/usb.h"

namespace caora {

struct PcscView {
  std::optional<Error> error;  // PC/SC could not be reached
  std::vector<std::string> readers;
  pcsc::ReaderSplit split;
};

// Reads the readers once and tells the units' from the foreign ones.
PcscView read_pcsc_view(pcsc::PcscSource& source, const usb::UnitTable& table);

// Answers pcsc.readers, pcsc.foreign_readers.present, pcsc.units.visible and
// pcsc.unit.held_exclusive; `units`/`usb_error` are the backend's USB view
// (a reader per unit is expected). Any other name is unknown on `backend`.
ProbeResult probe_pcsc(const std::string& name, const PcscView& view, const std::vector<usb::Unit>& units,
                       const std::optional<Error>& usb_error, pcsc::PcscSource& source, const std::string& backend);

}  // namespace caora
