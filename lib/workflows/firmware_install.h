// `caora firmware install`: non-error QA 7 (installing the reader software by
// hand) as checked steps. Reception stopped in the management tool (asked), the
// USB cables out (seen gone), the verified installer run and its exit code
// kept, the cables back (seen), each unit's adapter back with its address, the
// terminal restarted (scheduled only with --reboot), then the installed
// version read and compared with the manifest's. Firmware reaches the units
// through the reader software: for it the run guides the restart and waits,
// with a limit, for every unit to report the manifest's firmware version;
// when one does not, what was seen is reported ("not back"), not a failure.
// The run is kept in the state folder after every step for --resume.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/journal.h"
#include "core/text.h"
#include "host/host.h"
#include "workflows/firmware_manifest.h"
#include "workflows/step_io.h"
#include "workflows/watch.h"

namespace caora {

enum class InstallCheck { Person, UsbGone, RunInstaller, UsbBack, AdapterBack, Restart, InstalledVersion, UnitsReport };

struct InstallStepSpec {
  std::string id;
  Text instruction;
  InstallCheck check;
};
// "reader-software" (QA 7) or "firmware".
const std::vector<InstallStepSpec>& install_steps(const std::string& component);

struct InstallState {
  std::string run_id, component, file, sha256, target_version, before_version;
  std::vector<std::string> serials;  // the units seen when the run started
  size_t step = 0;
  std::optional<int> installer_exit;
  std::string journal_id, started_at, updated_at;
};
fs::path install_state_path(const fs::path& state_dir);
Expected<InstallState> parse_install_state(const std::string& text);
Expected<std::optional<InstallState>> load_install_state(const fs::path& state_dir);
Status save_install_state(const fs::path& state_dir, const InstallState& s);

using InstallIo = StepIo<InstallStepSpec>;

// Runs the installer; its exit code, or an error when it could not be started.
using InstallerRun = std::function<Expected<int>(const fs::path& file)>;
// Each unit's firmware as the terminal reports it: serial → version (nullopt: none read).
using UnitVersions = std::function<std::vector<std::pair<std::string, std::optional<std::string>>>()>;

struct InstallRequest {
  std::string component = "reader-software";
  std::optional<fs::path> file;
  bool reboot = false, resume = false, allow_downgrade = false;
  double timeout_s = 600;
  int poll_ms = 250;
  std::string now;
};

// Refused: checked before anything was done (not the manifest's file, a
// downgrade); NeedsRestart: the state is kept for --resume; NotBack: a unit did
// not report the new firmware in time (what was seen is in `seen`).
enum class InstallStatus { Done, Refused, Problem, NeedsRestart, RestartScheduled, TimedOut, Stopped, NotBack };
const char* install_status_name(InstallStatus s);

struct InstallResult {
  InstallStatus status = InstallStatus::Problem;
  InstallState state;
  std::vector<std::string> step_status;
  std::vector<std::string> seen;
  std::optional<std::string> installed_after;
  Text message;
  nlohmann::json to_json() const;
};

struct InstallParts {
  Host* host = nullptr;
  Clock* clock = nullptr;
  InstallIo* io = nullptr;
  Journal* journal = nullptr;
  InstallerRun installer;
  UnitVersions unit_versions;
  fs::path state_dir;
};

InstallResult run_firmware_install(const InstallParts& parts, const std::optional<FirmwareManifest>& manifest,
                                   const InstallRequest& req);

}  // namespace caora
