#include "host/install_root/connection_info.h"

#include <algorithm>

#include "core/encoding.h"

namespace caora {

namespace {

const std::string& env_folder(const SiteProfile& p, const std::string& environment) {
  return environment == "production" ? p.registration_production : p.registration_verification;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

bool valid_serial(const std::string& serial) {
  if (serial.empty() || serial.size() > 32) return false;
  return std::all_of(serial.begin(), serial.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  });
}

fs::path connection_dir(const fs::path& root, const SiteProfile& profile, const std::string& environment) {
  return root / fs::u8path(profile.registration_dir) / fs::u8path(env_folder(profile, environment));
}

fs::path connection_file(const fs::path& root, const SiteProfile& profile, const std::string& environment,
                         const std::string& serial) {
  return connection_dir(root, profile, environment) /
         fs::u8path(profile.registration_prefix + serial + profile.registration_suffix);
}

Expected<ConnectionRecord> parse_connection_file(const std::string& bytes, const SiteProfile& profile,
                                                 const std::string* password) {
  TRY_ASSIGN(auto enc, detect_encoding(bytes));
  ConnectionRecord r;
  r.encoding = encoding_name(enc);
  std::string text = enc == TextEncoding::Utf8Bom ? bytes.substr(3) : bytes;
  // A reader name the tool wrote in Shift_JIS compares with what a person typed once both are UTF-8.
  if (enc == TextEncoding::Cp932) {
    TRY_ASSIGN(auto utf8, cp932_to_utf8(text));
    text = std::move(utf8);
  }
  std::optional<std::string> stored_password;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? text.size() + 1 : nl + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (key == profile.registration_account_key) r.account = value;
    else if (key == profile.registration_reader_key) r.reader = value;
    else if (password && !profile.registration_password_key.empty() && key == profile.registration_password_key)
      stored_password = line.substr(eq + 1);  // untrimmed: spaces may belong to a password
  }
  if (r.account.empty() && r.reader.empty())
    return make_error(ErrorKind::Parse, profile.registration_account_key + " も " + profile.registration_reader_key + " もありません",
                      "neither " + profile.registration_account_key + " nor " + profile.registration_reader_key + " is set");
  if (password && stored_password) {
    unsigned char diff = stored_password->size() == password->size() ? 0 : 1;
    for (size_t i = 0; i < password->size(); ++i)
      diff |= static_cast<unsigned char>((*password)[i] ^ (*stored_password)[i % std::max<size_t>(1, stored_password->size())]);
    r.password_matches = diff == 0;
    std::fill(stored_password->begin(), stored_password->end(), '\0');
  }
  return r;
}

Expected<std::optional<ConnectionRecord>> read_unit_connection(const fs::path& root, const SiteProfile& profile,
                                                               const std::string& environment, const std::string& serial,
                                                               const std::string* password) {
  if (!valid_serial(serial))
    return make_error(ErrorKind::Usage, "シリアル番号は英数字だけで書いてください: " + serial.substr(0, 64),
                      "a serial number has letters and digits only: " + serial.substr(0, 64));
  fs::path f = connection_file(root, profile, environment, serial);
  std::error_code ec;
  if (!fs::is_regular_file(f, ec)) return std::optional<ConnectionRecord>();
  TRY_ASSIGN(auto bytes, read_file(f, 1 << 20));
  auto rec = parse_connection_file(bytes, profile, password);
  std::fill(bytes.begin(), bytes.end(), '\0');
  if (!rec) return rec.error();
  rec->environment = environment;
  rec->serial = serial;
  rec->path = f;
  return std::optional<ConnectionRecord>(std::move(*rec));
}

ConnectionInfo read_connection_info(const fs::path& root, const SiteProfile& profile) {
  ConnectionInfo info;
  for (const char* env : kEnvironments) {
    fs::path dir = connection_dir(root, profile, env);
    info.looked_in.push_back(display_path(dir));
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) continue;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) files.push_back(it->path());
    if (ec) {
      info.problems.push_back(display_path(dir) + ": " + ec.message());
      continue;
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::string name = f.filename().u8string();
      const auto& pre = profile.registration_prefix;
      const auto& suf = profile.registration_suffix;
      if (name.size() <= pre.size() + suf.size() || name.compare(0, pre.size(), pre) != 0 ||
          name.compare(name.size() - suf.size(), suf.size(), suf) != 0)
        continue;
      std::string serial = name.substr(pre.size(), name.size() - pre.size() - suf.size());
      if (!valid_serial(serial)) continue;
      auto bytes = read_file(f, 1 << 20);
      if (!bytes) {
        info.problems.push_back(display_path(f) + ": " + bytes.error().message.en);
        continue;
      }
      auto rec = parse_connection_file(*bytes, profile);
      if (!rec) {
        info.problems.push_back(display_path(f) + ": " + rec.error().message.en);
        continue;
      }
      rec->environment = env;
      rec->serial = serial;
      rec->path = f;
      info.records.push_back(std::move(*rec));
    }
  }
  auto active = read_file(root / fs::u8path(profile.registration_active_file), 4096);
  if (active) {
    std::string first = active->substr(0, active->find_first_of("\r\n"));
    if (first.compare(0, 3, "\xEF\xBB\xBF") == 0) first = first.substr(3);
    first = trim(first);
    if (first == "verification" || first == "production") info.active = first;
    else info.problems.push_back(display_path(root / fs::u8path(profile.registration_active_file)) +
                                 ": the first line names no environment");
  }
  return info;
}

Expected<std::vector<FileChange>> plan_connection_removal(const fs::path& root, const SiteProfile& profile,
                                                          const std::string& serial,
                                                          const std::vector<std::string>& environments) {
  if (!valid_serial(serial))
    return make_error(ErrorKind::Usage, "シリアル番号は英数字だけで書いてください: " + serial.substr(0, 64),
                      "a serial number has letters and digits only: " + serial.substr(0, 64));
  std::vector<FileChange> changes;
  for (const auto& env : environments) {
    fs::path f = connection_file(root, profile, env, serial);
    std::error_code ec;
    if (fs::is_regular_file(f, ec)) changes.push_back({FileChange::Op::Remove, f, {}});
  }
  if (changes.empty())
    return make_error(ErrorKind::NotFound, "シリアル " + serial + " の接続情報はこの端末にありません",
                      "this terminal has no connection info for serial " + serial);
  return changes;
}

}  // namespace caora
