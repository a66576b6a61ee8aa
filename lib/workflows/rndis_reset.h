// `caora rndis-reset`: recreate the units' RNDIS adapters through the Host
// (the rndis.reset action: unbind/bind or de-authorize/authorize on Linux,
// uninstall + rescan on Windows), then watch the probes until every reset
// unit's adapter is back, enabled and with its IPv4 address. Success is only
// ever reported after seeing that; otherwise the result says what was seen.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/journal.h"
#include "host/host.h"
#include "workflows/watch.h"

namespace caora {

struct RndisResetOptions {
  std::optional<std::string> serial;  // one unit; all when empty
  int timeout_s = 60;
  bool reboot = false;  // schedule a restart of the terminal when the OS needs one
  int poll_ms = 500;
  Clock* clock = nullptr;  // the steady clock when null
};

enum class RndisResetStatus {
  Planned,           // --dry-run, or a recorded site: the plan is all there is
  Done,              // every adapter seen back with its address
  TimedOut,          // not back (or back without an address) within the timeout
  NeedsRestart,      // the OS needs a restart before the adapter returns
  RestartScheduled,  // …and one was scheduled (--reboot)
  NoUnit,            // no unit (or not the one asked for)
  NotPossible,       // this backend cannot do it here (e.g. not root): a person must
  Failed,            // the reset itself failed
};
const char* rndis_reset_status_name(RndisResetStatus s);

struct RndisResetTarget {
  std::string port_path;
  std::optional<std::string> serial;
};

struct RndisResetResult {
  RndisResetStatus status = RndisResetStatus::Failed;
  std::vector<RndisResetTarget> targets;
  ActionPlan plan;
  std::string journal;
  std::vector<std::string> changes;
  std::vector<std::string> seen;  // the last look at the adapters
  double waited_s = 0;
  int timeout_s = 0;
  std::optional<std::string> restart_journal;
  Text message;
};

// Finds the units and plans the reset; Planned/NoUnit/NotPossible end here.
// A result with status Failed means "ready to run" (nothing done yet).
RndisResetResult prepare_rndis_reset(Host& host, const RndisResetOptions& opts);
// Resets and waits. `progress` is told what is being waited for.
void run_rndis_reset(Host& host, Journal& journal, const RndisResetOptions& opts, RndisResetResult& result,
                     const std::function<void(const Text&)>& progress);

nlohmann::json rndis_reset_json(const RndisResetResult& r);
std::string rndis_reset_text(const RndisResetResult& r, Lang lang);

}  // namespace caora
