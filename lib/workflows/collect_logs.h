// `caora collect-logs`: the support bundle. Collectors (the snapshot, the
// ticket, the journal and inventory, the Caora application's logs, the vendor's
// own CaoraLogCollect.zip, the system's logs, --include paths) each with a
// timeout, under one deadline for the run; every byte redacted on its way into
// the zip (collect_redact.h); the zip written to a temp file beside the target,
// flushed and renamed, then FILE.sha256 and the private map beside it.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "core/process.h"
#include "workflows/collect_redact.h"
#include "workflows/collect_vendor.h"

namespace caora {

inline constexpr const char* kBundleSchema = "caora.bundle/1";

// The system's own logs, per platform: what a collector runs or reads. Behind
// an interface so the Windows list (wevtutil, setupapi.dev.log) is testable
// anywhere and a test can stand in a collector that hangs.
struct SystemCollector {
  std::string name;         // "journal", "event-log-system", …
  std::string bundle_path;  // where its output goes in the bundle
  std::vector<std::vector<std::string>> commands;  // run in order; the last one's stdout is the content …
  std::optional<fs::path> file;                    // … or this file is read afterwards (then removed if `temporary`)
  bool temporary = false;
  // Lines kept from the output (empty: all): the kernel's USB messages out of its log.
  std::string line_filter;
};
class SystemLogSource {
 public:
  virtual ~SystemLogSource() = default;
  virtual std::vector<SystemCollector> collectors(int since_days, const fs::path& scratch) const = 0;
  virtual Expected<ProcessResult> run(const std::vector<std::string>& argv, double timeout_seconds) const {
    return run_process(argv, timeout_seconds);
  }
};
// journalctl for the period and the kernel's USB messages.
class LinuxSystemLogs : public SystemLogSource {
 public:
  std::vector<SystemCollector> collectors(int since_days, const fs::path& scratch) const override;
};
// wevtutil epl System/Application with a time filter, then `wevtutil al … /l:ja-JP`
// (so the messages read on another PC), and C:\Windows\INF\setupapi.dev.log.
class WindowsSystemLogs : public SystemLogSource {
 public:
  explicit WindowsSystemLogs(fs::path windows_dir = "C:\\Windows") : windows_dir_(std::move(windows_dir)) {}
  std::vector<SystemCollector> collectors(int since_days, const fs::path& scratch) const override;

 private:
  fs::path windows_dir_;
};
// Commands from a JSON file (CAORA_SYSTEM_LOGS): how the tests put a collector
// that hangs or fails in the run.
class ListedSystemLogs : public SystemLogSource {
 public:
  explicit ListedSystemLogs(std::vector<SystemCollector> list) : list_(std::move(list)) {}
  static Expected<ListedSystemLogs> parse(const std::string& text);
  std::vector<SystemCollector> collectors(int, const fs::path&) const override { return list_; }

 private:
  std::vector<SystemCollector> list_;
};
std::unique_ptr<SystemLogSource> platform_system_logs();

struct CollectOptions {
  std::optional<fs::path> output;        // -o; default caora-logs-<host>-<UTC>.zip in the current folder
  int since_days = 61;                   // the vendor's log view keeps 61 days (non-error QA 28)
  std::vector<fs::path> includes;
  bool redact = true;
  bool force = false;
  bool with_images = false;              // face images and card frames stay out unless asked for
  std::map<std::string, std::string> ticket;
  double deadline_seconds = 600;
  double collector_timeout_seconds = 120;
  std::optional<fs::path> root;          // the install root
  nlohmann::json profile;                // the site profile as loaded (its app_logs and vendor_log_collect entries)
  fs::path state_dir;
  nlohmann::json snapshot;               // what `caora snapshot` records
  std::string caora_version;
  nlohmann::json options_json;           // as run, for the manifest
  const SystemLogSource* system_logs = nullptr;
  std::optional<fs::path> redact_existing;  // --redact ZIP: clean that instead of collecting
  int threads = 2;
  // --vendor: run or guide the vendor's own collection first and wait for its zip.
  bool vendor = false;
  Clock* clock = nullptr;  // the wait's clock (tests run it fast)
  double vendor_wait_seconds = 600;         // on `clock` (up to about 10 minutes, QA 29)
  double vendor_run_timeout_seconds = 660;  // real seconds the started collection may run
  // Shows the plan's steps to the person; false when they stopped.
  std::function<bool(const VendorPlan&)> vendor_guide;
  std::function<void(const Text&)> progress;  // one line of progress (stderr), in both languages
};

struct CollectResult {
  fs::path bundle;
  std::string sha256;
  std::optional<fs::path> map;
  RedactCounts redactions;
  std::vector<std::string> partial;  // collectors that failed, timed out or were cut
  nlohmann::json manifest;
};

// Refusals (exit 2): an output folder that does not exist, -o inside the install
// root, an existing file without `force`.
Expected<CollectResult> collect_logs(const CollectOptions& opts);
// The default bundle name: caora-logs-<host>-<UTC yyyymmddThhmmssZ>.zip.
std::string default_bundle_name();
// Whether `path` names an image the bundle leaves out unless asked for.
bool is_image_path(const std::string& path);

}  // namespace caora
