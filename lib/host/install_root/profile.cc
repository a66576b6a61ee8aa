#include "host/install_root/profile.h"
#include "core/json_util.h"

#include "core/embedded.h"

namespace caora {

using nlohmann::json;

Expected<SiteProfile> parse_site_profile(const std::string& text, const std::string& name) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(ErrorKind::Parse, name + ": サイトプロファイルがJSONとして読めません", name + ": the site profile is not valid JSON");
  if (json_string(j, "schema") != "caora.site-profile/1")
    return make_error(ErrorKind::Parse, name + ": schema が caora.site-profile/1 ではありません",
                      name + ": schema is not caora.site-profile/1");
  SiteProfile p;
  p.raw = j;
  std::string missing;
  auto get = [&](const char* section, const char* key, std::string* out) {
    if (j.contains(section) && j[section].is_object() && j[section].contains(key) && j[section][key].is_string())
      *out = j[section][key].get<std::string>();
    else if (missing.empty())
      missing = std::string(section) + "." + key;
  };
  p.default_root_windows = json_string(j, "default_root_windows", "C:\\PFU-Caora");
  get("startup_bat", "execute", &p.startup_bat_execute);
  get("startup_bat", "appstartup", &p.startup_bat_appstartup);
  get("startup_bat", "variable", &p.startup_variable);
  get("unit_ini", "dir", &p.unit_ini_dir);
  get("unit_ini", "prefix", &p.unit_ini_prefix);
  get("unit_ini", "suffix", &p.unit_ini_suffix);
  get("firmware", "ini_key", &p.firmware_ini_key);
  get("reader_software", "version_file", &p.reader_software_version_file);
  get("face_dll", "version_file", &p.face_dll_version_file);
  // Optional section: an override profile written before it keeps the defaults.
  auto opt = [&](const char* key, std::string* out) {
    if (j.contains("registration") && j["registration"].is_object() && j["registration"].contains(key) &&
        j["registration"][key].is_string())
      *out = j["registration"][key].get<std::string>();
  };
  opt("dir", &p.registration_dir);
  opt("verification", &p.registration_verification);
  opt("production", &p.registration_production);
  opt("prefix", &p.registration_prefix);
  opt("suffix", &p.registration_suffix);
  opt("account_key", &p.registration_account_key);
  opt("reader_key", &p.registration_reader_key);
  opt("active_file", &p.registration_active_file);
  opt("password_key", &p.registration_password_key);
  if (j.contains("application") && j["application"].is_object() && j["application"].contains("processes")) {
    const json& list = j["application"]["processes"];
    bool strings = list.is_array() && !list.empty();
    for (const auto& v : list) strings = strings && v.is_string() && !v.get<std::string>().empty();
    if (!strings)
      return make_error(ErrorKind::Parse, name + ": application.processes はプログラム名（文字列）の配列にしてください",
                        name + ": application.processes must be a list of program names (strings)");
    p.application_processes = list.get<std::vector<std::string>>();
  }
  if (!missing.empty())
    return make_error(ErrorKind::Parse, name + ": " + missing + " がありません（文字列が必要です）",
                      name + ": " + missing + " is missing (a string is required)");
  if (j.contains("maintenance") && j["maintenance"].is_object() && j["maintenance"].contains("delivery_date") &&
      j["maintenance"]["delivery_date"].is_string())
    p.delivery_date = j["maintenance"]["delivery_date"].get<std::string>();
  return p;
}

const SiteProfile& default_site_profile() {
  static const SiteProfile profile = [] {
    auto p = parse_site_profile(embedded_file("data/site-profile.json"), "embedded site-profile.json");
    if (!p) throw std::runtime_error("embedded site profile is invalid: " + p.error().message.en);
    return p.value();
  }();
  return profile;
}

}  // namespace caora
