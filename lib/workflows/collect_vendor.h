// `collect-logs --vendor`: the vendor's own log collection (non-error QA 29),
// run where a machine can and guided where only a person can, then waited for
// until CaoraLogCollect.zip is there and complete.
//
// QA 29: reader software 1.5.3.0 and earlier collects with the ログ手動収集
// shortcut in the install root's bin (into LogManualCollect); 1.6.0.0 and later
// with the management tool's ログ収集 button, the unit stopped (into
// logManualCollect). Either takes up to about 10 minutes.
#pragma once

#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "core/process.h"
#include "core/text.h"
#include "workflows/watch.h"

namespace caora {

enum class VendorMode { Run, Guide };

struct VendorPlan {
  VendorMode mode = VendorMode::Guide;
  std::string version;            // the reader software's, as probed ("" when unknown)
  fs::path shortcut;              // Run: the ログ手動収集 shortcut (or what the profile names instead)
  std::vector<std::string> argv;  // Run: how it is started
  bool shortcut_assumed = true;   // its file name is the profile's assumption, not the seeds'
  std::vector<Text> steps;        // what the person does (Guide), or before the run (Run)
  std::vector<fs::path> dirs;     // where CaoraLogCollect.zip appears
  std::string zip_name;
};

// 1.6.0.0 and later: Guide. Earlier: Run. Unknown: Run when the shortcut is
// there, else Guide (a person can read the version in the management tool).
VendorPlan plan_vendor_collect(const nlohmann::json& snapshot, const nlohmann::json& profile, const fs::path& root);

// How the shortcut (or a stand-in program named by the profile) is started:
// a .lnk through the shell so Windows resolves its target, a .bat/.cmd through
// cmd.exe, anything else directly.
std::vector<std::string> vendor_command(const fs::path& shortcut);

// A zip whose end-of-central-directory record is in place: a writer that is
// still going has not written it yet.
bool zip_looks_complete(const fs::path& p);

struct VendorWait {
  Clock* clock = nullptr;
  double timeout_s = 600;
  double settle_s = 3;  // unchanged this long (and complete) counts as finished
  int poll_ms = 500;
  std::time_t started = 0;  // only a zip changed at or after this counts
  // Between looks, with what is known so far; false stops the wait.
  std::function<bool(double remaining_s, double waited_s, uint64_t size)> tick;
  // Looked at between polls: a run that already ended with an error ends the wait.
  std::function<std::optional<std::string>()> failed;
};

struct VendorWaitResult {
  WatchEnd end = WatchEnd::TimedOut;
  double waited_s = 0;
  std::optional<fs::path> zip;    // seen: the finished zip
  std::optional<fs::path> partial_zip;  // not seen: one that was still being written
  std::string error;               // the run failed (then end is Stopped)
};

// Waits (watch_until) until a CaoraLogCollect.zip newer than the start is
// complete and has stopped growing in one of plan.dirs.
VendorWaitResult wait_for_vendor_zip(const VendorPlan& plan, const VendorWait& w);

}  // namespace caora
