// The site profile: where facts live inside an install root (data/site-profile.json,
// embedded; --profile FILE overrides). Keeping these paths in data means a
// wrong assumption is fixed in the field without a rebuild.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace caora {

struct SiteProfile {
  std::string default_root_windows;
  std::string startup_bat_execute;
  std::string startup_bat_appstartup;
  std::string startup_variable;
  std::string unit_ini_dir;
  std::string unit_ini_prefix;
  std::string unit_ini_suffix;
  std::string firmware_ini_key;
  std::string reader_software_version_file;
  std::string face_dll_version_file;
  std::optional<std::string> delivery_date;  // YYYY-MM-DD
  // Where each environment's registration (connection info) lives: assumed.
  // Defaults match data/site-profile.json, so an older override file still loads.
  std::string registration_dir = "OnlineAuthApp/App/Execute/bin/Connection";
  std::string registration_verification = "Verification";
  std::string registration_production = "Production";
  std::string registration_prefix = "CJKA";
  std::string registration_suffix = ".conn";
  std::string registration_account_key = "LoginId";
  std::string registration_reader_key = "ReaderName";
  std::string registration_active_file = "OnlineAuthApp/App/Execute/bin/Connection/Environment.txt";
  std::string registration_password_key = "Password";  // empty: the file keeps no password
  // The programs whose running shows the application started (起動バッチ): assumed.
  std::vector<std::string> application_processes = {"OnlineAuthApp.exe", "CaoraManager.exe"};
  nlohmann::json raw;                         // as loaded
  // The section ("reader_software", "firmware", ...) is marked "assumed": true.
  bool assumed(const std::string& section) const {
    return raw.is_object() && raw.contains(section) && raw[section].is_object() && raw[section].value("assumed", false) == true;
  }
};

// The embedded default.
const SiteProfile& default_site_profile();
// `name` is used in error messages (a file path or "embedded").
Expected<SiteProfile> parse_site_profile(const std::string& text, const std::string& name);

}  // namespace caora
