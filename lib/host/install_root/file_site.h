// The file-based site backend: probes and actions over a Caora install root
// (C:\PFU-Caora on Windows; --root / CAORA_ROOT anywhere). Portable: it only
// reads and writes files, so it works the same on the terminal and on a copy.
#pragma once

#include <map>
#include <memory>
#include <optional>

#include "host/action_table.h"
#include "host/host.h"
#include "host/install_root/profile.h"
#include "host/probe_table.h"
#include "host/install_root/startup_bat.h"

namespace caora {

struct IniScan;

class FileSite : public Host {
 public:
  FileSite(fs::path root, SiteProfile profile) : root_(std::move(root)), profile_(std::move(profile)) {}
  std::string backend() const override { return "install-root"; }
  bool provides_probe(const std::string& name) const override;
  ProbeResult probe(const std::string& name) override;
  // The actions answer from their table (file_site_actions.cc).
  bool provides_action(const std::string& name) const override { return actions_.provides(name); }
  ActionPlan plan(const std::string& action, const nlohmann::json& params) override { return actions_.plan(action, params); }
  Expected<ActionOutcome> apply(const std::string& action, const nlohmann::json& params, Journal& journal) override {
    auto out = actions_.apply(action, params, journal);
    ini_scan_.reset();  // the files changed (or were restored on failure)
    return out;
  }
  void forget() override { ini_scan_.reset(); }

  const fs::path& root() const { return root_; }
  // The newest known version of a component ("reader_software", "firmware"): what a
  // cached, verified firmware manifest says. Without one, "is it the latest?" is unknown
  // (and a recipe asks it); nothing here guesses a newest version.
  void set_newest_known(const std::string& component, const std::string& version) { newest_known_[component] = version; }
  // Each unit's firmware as its CJKA<serial>.ini records it (firmware status
  // lists every unit, where the probe reports the oldest).
  struct UnitFirmware {
    std::string serial, file;
    std::optional<std::string> version;  // nullopt: no (parseable) key in the file
  };
  Expected<std::vector<UnitFirmware>> unit_firmware();
  const std::string& firmware_ini_key() const { return profile_.firmware_ini_key; }
  fs::path execute_bat() const { return root_ / fs::u8path(profile_.startup_bat_execute); }
  fs::path appstartup_bat() const { return root_ / fs::u8path(profile_.startup_bat_appstartup); }

  // set-startup-delay's view of the two copies.
  struct StartupDelayFile {
    fs::path path;
    Expected<StartupBat> bat;
  };
  std::vector<StartupDelayFile> startup_delay_files() const;

 private:
  // Each action as the files are now (file_site_actions.cc).
  struct Actions;
  ActionTable action_table();
  // The unit inis that do not parse, read afresh (not from the probes' scan).
  std::vector<fs::path> corrupt_unit_inis() const;
  Expected<StartupBat> read_bat(const fs::path& path) const;
  ProbeResult root_missing() const;
  bool root_exists() const;
  fs::path version_file() const { return root_ / fs::u8path(profile_.reader_software_version_file); }
  // What shows a working install without any assumed location: both copies of
  // StartUpEnv.bat, a CJKA<serial>.ini, the two App folders. Empty: a leftover.
  Expected<std::vector<std::string>> working_install_signs() const;
  // An assumed file is missing: unknown when the install otherwise works, with why.
  std::optional<ProbeResult> assumed_file_missing(const fs::path& file, const char* section) const;
  AssumedFact assumed_fact(const char* section, const fs::path& file, const std::string& value) const;
  fs::path ini_dir() const { return root_ / fs::u8path(profile_.unit_ini_dir); }

  // Every site.* probe, bound once.
  static const ProbeTable<FileSite>& probes();
  ProbeResult probe_root_exists();
  ProbeResult probe_leftover();
  ProbeResult probe_maintenance();
  ProbeResult probe_reader_installed();
  ProbeResult probe_version(const fs::path& file, const char* section);
  ProbeResult probe_startup_delay(const fs::path& bat);
  ProbeResult probe_startup_consistent();
  ProbeResult probe_ini_count();
  ProbeResult probe_ini_serials();
  ProbeResult probe_ini_corrupt(bool list_files);
  ProbeResult probe_firmware_version();
  ProbeResult probe_outdated(const std::string& component, const ProbeResult& installed);
  // The unit inis, read and parsed once for all the probes that need them.
  const IniScan& ini_scan();
  std::string rel(const fs::path& p) const;

  fs::path root_;
  SiteProfile profile_;
  std::shared_ptr<IniScan> ini_scan_;
  std::map<std::string, std::string> newest_known_;
  // Last: its entries call into the members above.
  const ActionTable actions_ = action_table();
};

// The end of the send-back maintenance period (exclusive): five years from the
// first day of the month after delivery. "2021-03-15" -> "2026-04-01".
Expected<std::string> maintenance_end(const std::string& delivery_date);

// The product page's extension: maintenance that would end in April to August 2026
// (its last day in one of those months) runs until 30 September 2026, the successor's
// planned launch. Returns the extended end (exclusive, "2026-10-01"), or nullopt.
std::optional<std::string> maintenance_extension(const std::string& end);

}  // namespace caora
