#include "workflows/firmware_manifest.h"

#include <cstdio>
#include <set>

#include <nlohmann/json.hpp>

namespace caora {

namespace {

Error bad(const std::string& where, const std::string& ja, const std::string& en) {
  return make_error(ErrorKind::Parse, "ファームウェアマニフェスト " + where + ": " + ja,
                    "firmware manifest " + where + ": " + en);
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool is_lower_hex(const std::string& s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

const nlohmann::json* field(const nlohmann::json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

Expected<std::string> string_field(const nlohmann::json& obj, const char* key, const std::string& where) {
  const nlohmann::json* f = field(obj, key);
  if (f == nullptr) return bad(where, std::string(key) + " がありません", std::string(key) + " is missing");
  if (!f->is_string() || f->get<std::string>().empty())
    return bad(where, std::string(key) + " は空でない文字列のはずです", std::string(key) + " must be a non-empty string");
  return f->get<std::string>();
}

Expected<Version> version_field(const nlohmann::json& obj, const char* key, VersionFamily family, const std::string& where) {
  TRY_ASSIGN(std::string text, string_field(obj, key, where));
  auto v = Version::parse(text);
  if (!v) return bad(where + "." + key, v.error().message.ja, v.error().message.en);
  if (!v->fits(family))
    return bad(where + "." + key, "「" + text + "」は " + version_family_name(family) + " のバージョンの形ではありません",
               "'" + text + "' is not a " + version_family_name(family) + " version");
  return *v;
}

Status only_keys(const nlohmann::json& obj, const std::set<std::string>& allowed, const std::string& where) {
  for (auto it = obj.begin(); it != obj.end(); ++it)
    if (!allowed.count(it.key()))
      return bad(where, "知らない項目 " + it.key() + " があります", "unknown field " + it.key());
  return ok_status();
}

Expected<ManifestComponent> parse_component(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) return bad(where, "オブジェクトのはずです", "must be an object");
  TRY(only_keys(j, {"component", "version", "url", "sha256", "length", "min_safe"}, where));
  ManifestComponent c;
  TRY_ASSIGN(c.component, string_field(j, "component", where));
  auto family = version_family_of(c.component);
  if (!family || *family == VersionFamily::FaceDll)
    return bad(where, "component は reader-software か firmware です: " + c.component,
               "component must be reader-software or firmware: " + c.component);
  c.family = *family;
  TRY_ASSIGN(c.version, version_field(j, "version", c.family, where));
  TRY_ASSIGN(c.min_safe, version_field(j, "min_safe", c.family, where));
  TRY_ASSIGN(c.url, string_field(j, "url", where));
  if (c.url.rfind("https://", 0) != 0 || c.url.size() <= 8)
    return bad(where + ".url", "https:// の URL だけを受け付けます: " + c.url.substr(0, 200),
               "only https:// URLs are accepted: " + c.url.substr(0, 200));
  for (char ch : c.url)
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f)
      return bad(where + ".url", "URL に空白や制御文字があります", "the URL holds a space or a control character");
  TRY_ASSIGN(c.sha256, string_field(j, "sha256", where));
  if (c.sha256.size() != 64 || !is_lower_hex(c.sha256))
    return bad(where + ".sha256", "小文字の16進数64桁のはずです", "must be 64 lower-case hex digits");
  const nlohmann::json* len = field(j, "length");
  if (len == nullptr) return bad(where, "length がありません", "length is missing");
  if (!len->is_number_unsigned() || len->get<uint64_t>() == 0 || len->get<uint64_t>() > kMaxComponentLength)
    return bad(where + ".length", "1 から " + std::to_string(kMaxComponentLength) + " までの整数のはずです",
               "must be an integer from 1 to " + std::to_string(kMaxComponentLength));
  c.length = len->get<uint64_t>();
  auto order = c.version.compare_in(c.family, c.min_safe);
  if (!order || *order < 0)
    return bad(where, "version " + c.version.text() + " が min_safe " + c.min_safe.text() + " より古いです",
               "version " + c.version.text() + " is older than min_safe " + c.min_safe.text());
  return c;
}

}  // namespace

Expected<int64_t> parse_utc_timestamp(const std::string& text) {
  auto fail = [&] {
    return make_error(ErrorKind::Parse, "日時は YYYY-MM-DDTHH:MM:SSZ（UTC）で書きます: " + text.substr(0, 64),
                      "a time must be YYYY-MM-DDTHH:MM:SSZ (UTC): " + text.substr(0, 64));
  };
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
      text[19] != 'Z')
    return fail();
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18})
    if (text[i] < '0' || text[i] > '9') return fail();
  auto num = [&](size_t at, size_t n) { return std::stoi(text.substr(at, n)); };
  int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), s = num(17, 2);
  static const int days_in[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 || s > 59)
    return fail();
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

std::string format_utc_timestamp(int64_t t) {
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t secs = t - days * 86400;
  // civil_from_days
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

const ManifestComponent* FirmwareManifest::find(const std::string& component) const {
  for (const auto& c : components)
    if (c.component == component) return &c;
  return nullptr;
}

bool FirmwareManifest::is_revoked(VersionFamily family, const Version& v) const {
  for (const auto& r : revoked) {
    auto cmp = r.compare_in(family, v);
    if (cmp && *cmp == 0) return true;
  }
  return false;
}

Expected<FirmwareManifest> parse_firmware_manifest(const std::string& text) {
  if (text.size() > (size_t{1} << 20))
    return bad("", "1 MiB を超えています", "is larger than 1 MiB");
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return bad("", "JSON として読めません", "is not valid JSON");
  if (!j.is_object()) return bad("", "JSON オブジェクトのはずです", "must be a JSON object");
  TRY(only_keys(j, {"schema", "manifest_version", "issued_at", "expires", "components", "revoked"}, "/"));
  TRY_ASSIGN(std::string schema, string_field(j, "schema", "/"));
  if (schema != kFirmwareManifestSchema)
    return bad("/schema", std::string(kFirmwareManifestSchema) + " ではありません: " + schema.substr(0, 64),
               std::string("is not ") + kFirmwareManifestSchema + ": " + schema.substr(0, 64));
  FirmwareManifest m;
  const nlohmann::json* mv = field(j, "manifest_version");
  if (mv == nullptr) return bad("/", "manifest_version がありません", "manifest_version is missing");
  if (!mv->is_number_unsigned() || mv->get<uint64_t>() == 0 || mv->get<uint64_t>() > (uint64_t{1} << 53))
    return bad("/manifest_version", "1 以上の整数のはずです", "must be a positive integer");
  m.manifest_version = static_cast<int64_t>(mv->get<uint64_t>());
  TRY_ASSIGN(m.issued_at, string_field(j, "issued_at", "/"));
  TRY_ASSIGN(m.expires, string_field(j, "expires", "/"));
  auto issued = parse_utc_timestamp(m.issued_at);
  if (!issued) return bad("/issued_at", issued.error().message.ja, issued.error().message.en);
  auto expires = parse_utc_timestamp(m.expires);
  if (!expires) return bad("/expires", expires.error().message.ja, expires.error().message.en);
  m.issued_at_s = *issued;
  m.expires_s = *expires;
  if (m.expires_s <= m.issued_at_s)
    return bad("/expires", "issued_at より後のはずです", "must be later than issued_at");
  const nlohmann::json* comps = field(j, "components");
  if (comps == nullptr || !comps->is_array() || comps->empty())
    return bad("/components", "空でない配列のはずです", "must be a non-empty array");
  std::set<std::string> seen;
  for (size_t i = 0; i < comps->size(); ++i) {
    TRY_ASSIGN(ManifestComponent c, parse_component((*comps)[i], "/components/" + std::to_string(i)));
    if (!seen.insert(c.component).second)
      return bad("/components/" + std::to_string(i), c.component + " が2回あります", c.component + " is listed twice");
    m.components.push_back(std::move(c));
  }
  const nlohmann::json* revoked = field(j, "revoked");
  if (revoked == nullptr) return bad("/", "revoked がありません（なければ []）", "revoked is missing (write [] for none)");
  if (!revoked->is_array()) return bad("/revoked", "配列のはずです", "must be an array");
  for (size_t i = 0; i < revoked->size(); ++i) {
    const auto& r = (*revoked)[i];
    std::string where = "/revoked/" + std::to_string(i);
    if (!r.is_string()) return bad(where, "文字列のはずです", "must be a string");
    auto v = Version::parse(r.get<std::string>());
    if (!v) return bad(where, v.error().message.ja, v.error().message.en);
    if (!v->fits(VersionFamily::ReaderSoftware) && !v->fits(VersionFamily::Firmware))
      return bad(where, "reader-software でも firmware でもないバージョンです: " + v->text(),
                 "is neither a reader-software nor a firmware version: " + v->text());
    m.revoked.push_back(*v);
  }
  for (const auto& c : m.components)
    if (m.is_revoked(c.family, c.version))
      return bad("/components", c.component + " " + c.version.text() + " は revoked に載っています",
                 c.component + " " + c.version.text() + " is itself revoked");
  return m;
}

const std::vector<EmbeddedMinimum>& embedded_minimums() {
  static const std::vector<EmbeddedMinimum> list = {
      {"reader-software", "1.5.3.0", "non-error QA 24"},
      {"firmware", "CAORA_MSN_P2.11.7_A16.5.4", "non-error QA 24"},
  };
  return list;
}

}  // namespace caora
