#include "host/install_root/file_site.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core/state.h"
#include "core/strings.h"
#include "host/install_root/unit_ini.h"
#include "host/version.h"

namespace caora {

using nlohmann::json;

// Whether `p` is there; a folder that cannot be searched (permission denied) is an
// error, never "absent".
static Expected<bool> exists_checked(const fs::path& p) {
  std::error_code ec;
  fs::file_status st = fs::status(p, ec);
  if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
    return fs_error(ec, p, "確認", "check");
  return fs::exists(st);
}

bool FileSite::provides_probe(const std::string& name) const { return probes().count(name) > 0; }

std::string FileSite::rel(const fs::path& p) const {
  std::error_code ec;
  fs::path r = fs::relative(p, root_, ec);
  return ec || r.empty() ? display_path(p) : r.generic_u8string();
}

ProbeResult FileSite::root_missing() const {
  auto there = exists_checked(root_);
  if (!there) return ProbeResult::unknown(there.error().message);
  return ProbeResult::unknown({"インストールフォルダがありません: " + display_path(root_),
                               "the install root does not exist: " + display_path(root_)});
}

Expected<StartupBat> FileSite::read_bat(const fs::path& path) const {
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  auto bat = parse_startup_bat(*bytes, profile_.startup_variable);
  if (!bat) {
    Error e = bat.error();
    e.message.ja = rel(path) + ": " + e.message.ja;
    e.message.en = rel(path) + ": " + e.message.en;
    return e;
  }
  return bat;
}

std::vector<FileSite::StartupDelayFile> FileSite::startup_delay_files() const {
  return {{execute_bat(), read_bat(execute_bat())}, {appstartup_bat(), read_bat(appstartup_bat())}};
}

// Reads the first non-empty line of a version file.
static Expected<std::string> read_version_file(const fs::path& path) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  std::string s = *bytes;
  if (starts_with(s, "\xEF\xBB\xBF")) s.erase(0, 3);
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find('\n', pos);
    if (end == std::string::npos) end = s.size();
    std::string line = trim(s.substr(pos, end - pos));
    if (!line.empty()) {
      auto v = Version::parse(line);
      if (!v) return v.error();
      return v->text();
    }
    pos = end + 1;
  }
  return make_error(ErrorKind::Parse, "バージョンが書かれていません", "no version in the file");
}

struct IniScan {
  std::optional<Error> dir_error;  // the folder could not be listed: nothing below is known
  std::vector<fs::path> files;
  std::vector<std::pair<fs::path, Error>> corrupt;
  std::vector<std::pair<fs::path, Error>> unreadable;
  std::vector<std::pair<fs::path, UnitIni>> good;
};

static IniScan scan_unit_inis(const fs::path& dir, const SiteProfile& profile) {
  IniScan scan;
  std::error_code ec;
  auto there = exists_checked(dir);
  if (!there) {
    scan.dir_error = there.error();
    return scan;
  }
  if (!*there || !fs::is_directory(dir, ec)) return scan;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    scan.dir_error = fs_error(ec, dir, "一覧", "list");
    return scan;
  }
  for (const auto& entry : it) {
    std::string name = entry.path().filename().u8string();
    if (!starts_with(to_upper_ascii(name), to_upper_ascii(profile.unit_ini_prefix)) ||
        !ends_with(to_lower_ascii(name), to_lower_ascii(profile.unit_ini_suffix)))
      continue;
    scan.files.push_back(entry.path());
  }
  std::sort(scan.files.begin(), scan.files.end());
  for (const auto& f : scan.files) {
    auto bytes = read_file(f);
    if (!bytes) {
      scan.unreadable.emplace_back(f, bytes.error());
      continue;
    }
    auto ini = parse_unit_ini(*bytes);
    if (ini) scan.good.emplace_back(f, *ini);
    else scan.corrupt.emplace_back(f, ini.error());
  }
  return scan;
}

const IniScan& FileSite::ini_scan() {
  if (!ini_scan_) ini_scan_ = std::make_shared<IniScan>(scan_unit_inis(root_ / fs::u8path(profile_.unit_ini_dir), profile_));
  return *ini_scan_;
}

std::vector<fs::path> FileSite::corrupt_unit_inis() const {
  std::vector<fs::path> files;
  for (const auto& c : scan_unit_inis(root_ / fs::u8path(profile_.unit_ini_dir), profile_).corrupt) files.push_back(c.first);
  return files;
}

const ProbeTable<FileSite>& FileSite::probes() {
  using Answer = ProbeTable<FileSite>::mapped_type;
  // These read under the install root: without it they are unknown.
  auto in_root = [](Answer a) -> Answer { return [a](FileSite& s) { return s.root_exists() ? a(s) : s.root_missing(); }; };
  static const ProbeTable<FileSite> table = {
      {"site.root.exists", &FileSite::probe_root_exists},
      {"site.install.leftover", &FileSite::probe_leftover},
      {"site.maintenance.expired", &FileSite::probe_maintenance},
      {"site.reader_software.installed", in_root(&FileSite::probe_reader_installed)},
      {"site.reader_software.version", in_root([](FileSite& s) { return s.probe_version(s.version_file(), "reader_software"); })},
      {"site.face_dll.version",
       in_root([](FileSite& s) { return s.probe_version(s.root_ / fs::u8path(s.profile_.face_dll_version_file), "face_dll"); })},
      {"site.startup_delay.execute", in_root([](FileSite& s) { return s.probe_startup_delay(s.execute_bat()); })},
      {"site.startup_delay.appstartup", in_root([](FileSite& s) { return s.probe_startup_delay(s.appstartup_bat()); })},
      {"site.startup_delay.consistent", in_root(&FileSite::probe_startup_consistent)},
      {"site.ini.count", in_root(&FileSite::probe_ini_count)},
      {"site.ini.serials", in_root(&FileSite::probe_ini_serials)},
      {"site.ini.corrupt", in_root([](FileSite& s) { return s.probe_ini_corrupt(false); })},
      {"site.ini.corrupt_files", in_root([](FileSite& s) { return s.probe_ini_corrupt(true); })},
      {"site.firmware.version", in_root(&FileSite::probe_firmware_version)},
      {"site.reader_software.outdated", in_root([](FileSite& s) {
         return s.probe_outdated("reader_software", s.probe_version(s.version_file(), "reader_software"));
       })},
      {"site.firmware.outdated",
       in_root([](FileSite& s) { return s.probe_outdated("firmware", s.probe_firmware_version()); })},
  };
  return table;
}

ProbeResult FileSite::probe(const std::string& name) { return answer_probe(probes(), *this, name, backend()); }

bool FileSite::root_exists() const {
  std::error_code ec;
  return fs::is_directory(root_, ec);
}

ProbeResult FileSite::probe_root_exists() {
  std::error_code ec;
  bool exists = fs::is_directory(root_, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) return ProbeResult::unknown(fs_error(ec, root_, "確認", "check").message);
  return ProbeResult::of(exists, {display_path(root_)});
}

Expected<std::vector<std::string>> FileSite::working_install_signs() const {
  std::vector<std::string> signs;
  std::error_code ec;
  for (const fs::path& p : {execute_bat(), appstartup_bat()}) TRY(exists_checked(p));
  if (fs::is_regular_file(execute_bat(), ec) && fs::is_regular_file(appstartup_bat(), ec))
    signs.push_back("both copies of StartUpEnv.bat");
  auto scan = scan_unit_inis(ini_dir(), profile_);
  if (scan.dir_error) return *scan.dir_error;
  if (!scan.files.empty()) signs.push_back(rel(scan.files.front()));
  // The folders that hold the two StartUpEnv.bat copies (App/Execute, App/AppStartUp).
  fs::path exec_app = execute_bat().parent_path().parent_path(), start_app = appstartup_bat().parent_path().parent_path();
  if (fs::is_directory(exec_app, ec) && fs::is_directory(start_app, ec))
    signs.push_back(rel(exec_app) + " + " + rel(start_app));
  return signs;
}

AssumedFact FileSite::assumed_fact(const char* section, const fs::path& file, const std::string& value) const {
  return {section, {rel(file) + "（caora の想定する場所。ベンダーの資料にはありません）: " + value,
                    rel(file) + " (where caora assumes it is; not in the vendor's documents): " + value}};
}

std::optional<ProbeResult> FileSite::assumed_file_missing(const fs::path& file, const char* section) const {
  auto there = exists_checked(file);
  if (!there) return ProbeResult::unknown(there.error().message);
  if (!profile_.assumed(section) || *there) return std::nullopt;
  auto found = working_install_signs();
  if (!found) return ProbeResult::unknown(found.error().message);
  std::vector<std::string> signs = *found;
  if (signs.empty()) return std::nullopt;
  std::string list = join(signs, ", ");
  return ProbeResult::unknown(
      {rel(file) + " がありません。ただしこの場所は caora の想定で（ベンダーの資料にはありません）、動いているインストールの印があります（" + list +
           "）。Caora管理ツールで確かめてください",
       rel(file) + " is missing, but that location is caora's assumption (not in the vendor's documents) and the install "
                   "shows signs of working (" + list + "); check in the Caora management tool"},
      {rel(file) + ": missing (assumed location)", "signs of a working install: " + list});
}

ProbeResult FileSite::probe_leftover() {
  if (!root_exists()) {
    auto there = exists_checked(root_);
    if (!there) return ProbeResult::unknown(there.error().message);
    return ProbeResult::of(false, {display_path(root_) + ": not present"});
  }
  auto version_there = exists_checked(version_file());
  if (!version_there) return ProbeResult::unknown(version_there.error().message);
  if (*version_there) return ProbeResult::of(false, {rel(version_file()) + ": present"});
  // A leftover is a root with no sign of a working install; the assumed version
  // file alone never makes one.
  auto found = working_install_signs();
  if (!found) return ProbeResult::unknown(found.error().message);
  std::vector<std::string> signs = *found;
  if (!signs.empty())
    return ProbeResult::of(false, {rel(version_file()) + ": missing (an assumed location: not enough alone)",
                                   "signs of a working install: " + join(signs, ", ")});
  return ProbeResult::of(true, {display_path(root_) + ": present",
                                "no sign of a working install (StartUpEnv.bat x2, " + profile_.unit_ini_prefix + "<serial>" +
                                    profile_.unit_ini_suffix + ", the App folders)",
                                rel(version_file()) + ": missing"});
}

ProbeResult FileSite::probe_maintenance() {
  if (!profile_.delivery_date)
    return ProbeResult::unknown({"納品日が記録されていません（サイトプロファイル maintenance.delivery_date）",
                                 "delivery date not recorded (site profile maintenance.delivery_date)"});
  auto end = maintenance_end(*profile_.delivery_date);
  if (!end) return ProbeResult::unknown(end.error().message);
  // CAORA_TODAY=YYYY-MM-DD stands in for the clock (tests, and support checking a
  // date that matters, such as the end of the vendor's extension).
  std::string today = today_iso();
  if (const char* set = std::getenv("CAORA_TODAY"); set && *set) {
    if (!maintenance_end(set))
      return ProbeResult::unknown({std::string("CAORA_TODAY は YYYY-MM-DD で書いてください: ") + set,
                                   std::string("CAORA_TODAY must be YYYY-MM-DD: ") + set});
    today = set;
  }
  std::vector<std::string> evidence = {"delivered " + *profile_.delivery_date + ", five years: covered until the day before " + *end};
  if (auto extended = maintenance_extension(*end)) {
    evidence.push_back("extended by the vendor (maintenance ending April-August 2026 runs until 2026-09-30): covered until the day before " +
                       *extended);
    end = *extended;
  }
  evidence.push_back("today " + today);
  return ProbeResult::of(today >= *end, evidence);
}

ProbeResult FileSite::probe_outdated(const std::string& component, const ProbeResult& installed) {
  if (!installed.known) return installed;
  auto newest = newest_known_.find(component);
  if (newest == newest_known_.end())
    return ProbeResult::unknown({"最新版が分かりません（検証済みのファームウェアマニフェストがキャッシュされていません）。最新かどうかは人に確かめます",
                                 "the newest version is not known (no verified firmware manifest is cached): whether it is the latest is asked"});
  auto have = Version::parse(installed.value.get<std::string>());
  auto want = Version::parse(newest->second);
  std::optional<int> cmp = have && want ? have->compare(*want) : std::nullopt;
  if (!cmp)
    return ProbeResult::unknown({"バージョンを比較できません: " + installed.value.get<std::string>() + " / " + newest->second,
                                 "cannot compare versions: " + installed.value.get<std::string>() + " / " + newest->second});
  std::vector<std::string> evidence = installed.evidence;
  evidence.push_back("newest known: " + newest->second);
  return ProbeResult::of(*cmp < 0, evidence);
}

ProbeResult FileSite::probe_reader_installed() {
  if (auto unknown = assumed_file_missing(version_file(), "reader_software")) return *unknown;
  auto there = exists_checked(version_file());
  if (!there) return ProbeResult::unknown(there.error().message);
  bool installed = *there;
  ProbeResult r = ProbeResult::of(installed, {rel(version_file()) + (installed ? ": present" : ": missing")});
  if (installed && profile_.assumed("reader_software")) r.assumed.push_back(assumed_fact("reader_software", version_file(), "present"));
  return r;
}

ProbeResult FileSite::probe_version(const fs::path& f, const char* section) {
  if (auto unknown = assumed_file_missing(f, section)) return *unknown;
  auto v = read_version_file(f);
  if (!v) return ProbeResult::unknown({rel(f) + ": " + v.error().message.ja, rel(f) + ": " + v.error().message.en});
  ProbeResult r = ProbeResult::of(*v, {rel(f) + ": " + *v});
  if (profile_.assumed(section)) r.assumed.push_back(assumed_fact(section, f, *v));
  return r;
}

ProbeResult FileSite::probe_startup_delay(const fs::path& f) {
  auto bat = read_bat(f);
  if (!bat) return ProbeResult::unknown(bat.error().message);
  return ProbeResult::of(bat->seconds(), {rel(f) + ": " + profile_.startup_variable + "=" + std::to_string(bat->seconds()) +
                                              " (line " + std::to_string(bat->assignments.back().line) + ", " +
                                              encoding_name(bat->encoding) + ")"});
}

ProbeResult FileSite::probe_startup_consistent() {
  auto a = read_file(execute_bat());
  auto b = read_file(appstartup_bat());
  if (!a && !b) return ProbeResult::unknown(a.error().message);
  if (!a || !b) {
    const Error& e = !a ? a.error() : b.error();
    if (e.kind != ErrorKind::NotFound) return ProbeResult::unknown(e.message);
    return ProbeResult::of(false, {rel(!a ? execute_bat() : appstartup_bat()) + ": missing"});
  }
  if (*a == *b) return ProbeResult::of(true, {rel(execute_bat()) + " == " + rel(appstartup_bat())});
  std::vector<std::string> ev = {rel(execute_bat()) + " != " + rel(appstartup_bat())};
  auto ba = parse_startup_bat(*a, profile_.startup_variable);
  auto bb = parse_startup_bat(*b, profile_.startup_variable);
  if (ba && bb) ev.push_back(profile_.startup_variable + ": " + std::to_string(ba->seconds()) + " vs " + std::to_string(bb->seconds()));
  return ProbeResult::of(false, ev);
}

ProbeResult FileSite::probe_ini_count() {
  const IniScan& scan = ini_scan();
  if (scan.dir_error) return ProbeResult::unknown(scan.dir_error->message);
  return ProbeResult::of(static_cast<int>(scan.files.size()), {rel(ini_dir()) + ": " + std::to_string(scan.files.size()) + " file(s)"});
}

ProbeResult FileSite::probe_ini_serials() {
  if (ini_scan().dir_error) return ProbeResult::unknown(ini_scan().dir_error->message);
  json serials = json::array();
  for (const auto& f : ini_scan().files) {
    std::string n = f.filename().u8string();
    serials.push_back(n.substr(profile_.unit_ini_prefix.size(), n.size() - profile_.unit_ini_prefix.size() - profile_.unit_ini_suffix.size()));
  }
  return ProbeResult::of(serials, {rel(ini_dir())});
}

ProbeResult FileSite::probe_ini_corrupt(bool list_files) {
  const IniScan& scan = ini_scan();
  if (scan.dir_error) return ProbeResult::unknown(scan.dir_error->message);
  std::vector<std::string> evidence;
  json files = json::array();
  for (const auto& c : scan.corrupt) {
    evidence.push_back(rel(c.first) + ": " + c.second.message.en);
    files.push_back(rel(c.first));
  }
  // Access denied on one file is a status, never a silent "not corrupt".
  if (scan.corrupt.empty() && !scan.unreadable.empty()) return ProbeResult::unknown(scan.unreadable.front().second.message);
  if (list_files) return ProbeResult::of(files, evidence);
  if (evidence.empty()) evidence.push_back(rel(ini_dir()) + ": " + std::to_string(scan.good.size()) + " file(s) parse");
  return ProbeResult::of(!scan.corrupt.empty(), evidence);
}

// The oldest firmware across units, as the oldest decides.
ProbeResult FileSite::probe_firmware_version() {
  if (ini_scan().dir_error) return ProbeResult::unknown(ini_scan().dir_error->message);
  std::optional<Version> oldest;
  std::vector<std::string> evidence;
  for (const auto& g : ini_scan().good) {
    const std::string* text = g.second.find(profile_.firmware_ini_key);
    if (text == nullptr) continue;
    auto v = Version::parse(*text);
    if (!v) continue;
    evidence.push_back(rel(g.first) + ": " + profile_.firmware_ini_key + "=" + v->text());
    auto cmp = oldest ? v->compare(*oldest) : std::optional<int>(-1);
    if (cmp && *cmp < 0) oldest = *v;
  }
  if (!oldest)
    return ProbeResult::unknown({"CJKA<シリアル>.ini に " + profile_.firmware_ini_key + " がありません",
                                 "no " + profile_.firmware_ini_key + " in any CJKA<serial>.ini"});
  ProbeResult r = ProbeResult::of(oldest->text(), evidence);
  if (profile_.assumed("firmware"))
    r.assumed.push_back({"firmware", {profile_.firmware_ini_key + "（CJKA<シリアル>.ini の caora が想定するキー）: " + oldest->text(),
                                      profile_.firmware_ini_key + " in CJKA<serial>.ini (a key caora assumes): " + oldest->text()}});
  return r;
}

Expected<std::vector<FileSite::UnitFirmware>> FileSite::unit_firmware() {
  if (!root_exists()) return Error{ErrorKind::NotFound, root_missing().reason};
  const IniScan& scan = ini_scan();
  if (scan.dir_error) return *scan.dir_error;
  std::vector<UnitFirmware> units;
  for (const auto& g : scan.good) {
    UnitFirmware u;
    std::string name = g.first.filename().u8string();
    size_t pre = profile_.unit_ini_prefix.size(), suf = profile_.unit_ini_suffix.size();
    u.serial = name.size() > pre + suf ? name.substr(pre, name.size() - pre - suf) : name;
    u.file = rel(g.first);
    if (const std::string* text = g.second.find(profile_.firmware_ini_key))
      if (auto v = Version::parse(*text)) u.version = v->text();
    units.push_back(u);
  }
  return units;
}

Expected<std::string> maintenance_end(const std::string& d) {
  int y = 0, m = 0, day = 0;
  char tail = 0;
  if (d.size() != 10 || std::sscanf(d.c_str(), "%4d-%2d-%2d%c", &y, &m, &day, &tail) != 3 || m < 1 || m > 12 || day < 1 ||
      day > 31)
    return make_error(ErrorKind::Parse, "納品日は YYYY-MM-DD で書いてください: " + d, "the delivery date must be YYYY-MM-DD: " + d);
  int ny = y + 5, nm = m + 1;
  if (nm == 13) nm = 1, ++ny;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-01", ny, nm);
  return std::string(buf);
}

std::optional<std::string> maintenance_extension(const std::string& end) {
  // The last covered day is the day before `end`: April..August 2026 means an end
  // from 2026-05-01 to 2026-09-01.
  if (end >= "2026-05-01" && end <= "2026-09-01") return std::string("2026-10-01");
  return std::nullopt;
}

}  // namespace caora
