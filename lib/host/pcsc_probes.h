// The PC/SC probes (pcsc.*), the same on every live backend: each backend
// reads its readers and USB units its own way and hands them over here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "host/probe_table.h"
#include "host/usb_probes.h"
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

// What the pcsc.* probes read: the readers, the backend's USB view (a reader
// per unit is expected) and the source, to check who holds a unit's reader.
struct PcscProbeInput {
  const PcscView& readers;
  const UsbView& usb;
  pcsc::PcscSource& source;
};

// pcsc.readers, pcsc.foreign_readers.present, pcsc.units.visible and pcsc.unit.held_exclusive.
const ProbeTable<const PcscProbeInput>& pcsc_probes();

}  // namespace caora
