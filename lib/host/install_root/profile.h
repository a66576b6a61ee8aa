// The site profile: where facts live inside an install root (data/site-profile.json,
// embedded; --profile FILE overrides). Keeping these paths in data means a
// wrong assumption is fixed in the field without a rebuild.
#pragma once

#include <optional>
#include <string>

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
