// The probes every live backend answers with the shared code (usb_probes,
// net_probes, pcsc_probes), bound into the backend's table in one place. A
// backend befriends bind_shared_probes and has usb_view(), rndis_view(),
// pcsc_view() and pcsc_ (its PC/SC source).
#pragma once

#include "host/net_probes.h"
#include "host/pcsc_probes.h"
#include "host/probe_table.h"
#include "host/usb_probes.h"

namespace caora {

template <typename Backend>
void bind_shared_probes(ProbeTable<Backend>& t) {
  bind_probes(t, usb_probes(), [](Backend& h) -> const UsbView& { return h.usb_view(); });
  bind_probes(t, rndis_probes(), [](Backend& h) { return h.rndis_view(); });
  bind_probes(t, pcsc_probes(), [](Backend& h) { return PcscProbeInput{h.pcsc_view(), h.usb_view(), *h.pcsc_}; });
}

}  // namespace caora
