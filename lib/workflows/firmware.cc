#include "workflows/firmware.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fstream>

#include "core/json_util.h"
#include "core/sha256.h"
#include "core/state.h"

namespace caora {

namespace {

constexpr size_t kManifestLimit = size_t{1} << 20;
constexpr size_t kSignatureLimit = size_t{16} << 10;

fs::path manifest_path(const fs::path& state) { return firmware_dir(state) / "manifest.json"; }
fs::path signature_path(const fs::path& state) { return firmware_dir(state) / "manifest.json.minisig"; }
fs::path history_path(const fs::path& state) { return firmware_dir(state) / "history.jsonl"; }

RefreshResult refused(RefreshResult r, const char* code, Text reason) {
  r.accepted = false;
  r.refusal = code;
  r.reason = std::move(reason);
  return r;
}

Text prefixed(const char* ja, const char* en, const Text& t) { return {std::string(ja) + t.ja, std::string(en) + t.en}; }

// FileSite's component names for the recipes' probes.
const char* probe_component(const std::string& component) {
  return component == "reader-software" ? "reader_software" : component == "firmware" ? "firmware" : nullptr;
}

}  // namespace

fs::path firmware_dir(const fs::path& state) { return state / "firmware"; }
fs::path trusted_keys_dir(const fs::path& state) { return state / "trusted-keys"; }

Expected<std::optional<FirmwareManifest>> load_cached_manifest(const fs::path& state) {
  auto bytes = read_file(manifest_path(state), kManifestLimit);
  if (!bytes) {
    if (bytes.error().kind == ErrorKind::NotFound) return std::optional<FirmwareManifest>{};
    return bytes.error();
  }
  auto m = parse_firmware_manifest(*bytes);
  if (!m)
    return Error{m.error().kind, prefixed("キャッシュされたマニフェスト: ", "the cached manifest: ", m.error().message)};
  return std::optional<FirmwareManifest>(std::move(*m));
}

std::map<std::string, std::string> newest_known_versions(const FirmwareManifest& m) {
  std::map<std::string, std::string> out;
  for (const auto& c : m.components)
    if (const char* name = probe_component(c.component)) out[name] = c.version.text();
  return out;
}

Expected<std::vector<TrustedKey>> load_trusted_keys(const fs::path& state, const std::optional<fs::path>& trust_key) {
  std::vector<TrustedKey> keys;
  auto add = [&](const fs::path& file) -> Status {
    TRY_ASSIGN(std::string text, read_file(file, 64 << 10));
    auto key = parse_minisign_key(text);
    if (!key) return Error{key.error().kind, prefixed((display_path(file) + ": ").c_str(), (display_path(file) + ": ").c_str(), key.error().message)};
    keys.push_back({*key, display_path(file)});
    return ok_status();
  };
  if (trust_key) {
    TRY(add(*trust_key));
    return keys;
  }
  fs::path dir = trusted_keys_dir(state);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return keys;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".pub") files.push_back(it->path());
  if (ec) return fs_error(ec, dir, "信頼する鍵のフォルダを読めません", "cannot list the trusted-keys folder");
  std::sort(files.begin(), files.end());
  for (const auto& f : files) TRY(add(f));
  return keys;
}

nlohmann::json RefreshResult::to_json() const {
  nlohmann::json j = {{"accepted", accepted}, {"unchanged", unchanged}};
  j["refusal"] = refusal.empty() ? nlohmann::json(nullptr) : nlohmann::json(refusal);
  j["reason"] = refusal.empty() ? nlohmann::json(nullptr) : nlohmann::json({{"ja", reason.ja}, {"en", reason.en}});
  j["cached_manifest_version"] = cached_version ? nlohmann::json(*cached_version) : nlohmann::json(nullptr);
  j["manifest_version"] = new_version ? nlohmann::json(*new_version) : nlohmann::json(nullptr);
  j["key_id"] = key_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(key_id);
  return j;
}

RefreshResult refresh_manifest(const fs::path& state, const RefreshRequest& req) {
  RefreshResult r;
  std::string sig_url = req.url + ".minisig";
  if (!is_https_url(req.url))
    return refused(r, "plain-http", {"HTTPS 以外の URL は使いません（接続していません）: " + req.url.substr(0, 200),
                                     "only HTTPS URLs are used (no connection made): " + req.url.substr(0, 200)});
  auto cached = load_cached_manifest(state);
  if (!cached) return refused(r, "cache", cached.error().message);
  if (*cached) r.cached_version = (*cached)->manifest_version;
  auto keys = load_trusted_keys(state, req.trust_key);
  if (!keys) return refused(r, "no-trusted-key", keys.error().message);
  if (keys->empty())
    return refused(r, "no-trusted-key",
                   {"信頼する鍵がありません（--trust-key FILE か、状態フォルダの trusted-keys/ に minisign 公開鍵を置いてください）",
                    "no trusted key (give --trust-key FILE or put a minisign public key in the state folder's trusted-keys/)"});
  auto body = https_get(req.url, req.https, kManifestLimit);
  if (!body) return refused(r, body.error().kind == ErrorKind::Permission ? "tls" : "fetch", body.error().message);
  auto sig_text = https_get(sig_url, req.https, kSignatureLimit);
  if (!sig_text)
    return refused(r, sig_text.error().kind == ErrorKind::Permission ? "tls" : "fetch",
                   prefixed("署名 (.minisig): ", "the signature (.minisig): ", sig_text.error().message));
  auto sig = parse_minisign_signature(*sig_text);
  if (!sig) return refused(r, "signature-format", sig.error().message);
  r.key_id = sig->key_id_hex();
  const TrustedKey* key = nullptr;
  for (const auto& k : *keys)
    if (k.key.key_id == sig->key_id) key = &k;
  if (key == nullptr)
    return refused(r, "untrusted-key", {"署名した鍵 " + r.key_id + " は信頼されていません", "the signing key " + r.key_id + " is not trusted"});
  r.key_source = key->source;
  Status verified = minisign_verify(key->key, *sig, *body);
  if (!verified) return refused(r, "bad-signature", verified.error().message);
  auto m = parse_firmware_manifest(*body);
  if (!m) return refused(r, "manifest", m.error().message);
  r.new_version = m->manifest_version;
  // A clock set back must not revive an expired manifest: the newest
  // issued_at this terminal has accepted is a floor for "now".
  int64_t now = req.now_s;
  if (*cached) now = std::max(now, (*cached)->issued_at_s);
  if (m->expires_s <= now)
    return refused(r, "expired", {"マニフェストの有効期限 " + m->expires + " が過ぎています（基準 " + format_utc_timestamp(now) + "）",
                                  "the manifest expired at " + m->expires + " (judged at " + format_utc_timestamp(now) + ")"});
  if (*cached) {
    const FirmwareManifest& old = **cached;
    if (m->manifest_version < old.manifest_version)
      return refused(r, "rollback", {"manifest_version " + std::to_string(m->manifest_version) + " はキャッシュ済みの " +
                                         std::to_string(old.manifest_version) + " より古いです（巻き戻し）",
                                     "manifest_version " + std::to_string(m->manifest_version) + " is older than the cached " +
                                         std::to_string(old.manifest_version) + " (rollback)"});
    auto old_bytes = read_file(manifest_path(state), kManifestLimit);
    if (m->manifest_version == old.manifest_version) {
      if (old_bytes && *old_bytes == *body) {
        r.accepted = true;
        r.unchanged = true;
        return r;
      }
      return refused(r, "frozen", {"同じ manifest_version " + std::to_string(m->manifest_version) + " で内容が違います",
                                   "the same manifest_version " + std::to_string(m->manifest_version) + " with different content"});
    }
  }
  Status d = make_private_dirs(firmware_dir(state));
  if (!d) return refused(r, "cache", d.error().message);
  WriteOptions w;
  w.private_mode = true;
  // The signature first: a crash between the two leaves the old manifest, which
  // is read without its signature (it verified when it was written).
  Status ws = write_file_atomic(signature_path(state), *sig_text, w);
  if (!ws) return refused(r, "cache", ws.error().message);
  Status wm = write_file_atomic(manifest_path(state), *body, w);
  if (!wm) return refused(r, "cache", wm.error().message);
  r.accepted = true;
  return r;
}

// ---- status ----

bool FirmwareStatus::problem() const {
  return std::any_of(checks.begin(), checks.end(),
                     [](const VersionCheck& c) { return c.verdict == "below-minimum" || c.verdict == "revoked"; });
}

nlohmann::json FirmwareStatus::to_json() const {
  nlohmann::json list = nlohmann::json::array();
  auto opt = [](const std::optional<std::string>& s) { return s ? nlohmann::json(*s) : nlohmann::json(nullptr); };
  for (const auto& c : checks) {
    nlohmann::json j = {{"component", c.component}, {"unit", c.unit.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.unit)},
                        {"installed", opt(c.installed)}, {"min_safe", opt(c.min_safe)},
                        {"min_safe_source", opt(c.min_safe_source)}, {"newest", opt(c.newest)},
                        {"verdict", c.verdict}, {"evidence", c.evidence}};
    j["note"] = c.note.en.empty() ? nlohmann::json(nullptr) : nlohmann::json({{"ja", c.note.ja}, {"en", c.note.en}});
    list.push_back(j);
  }
  nlohmann::json m = nullptr;
  if (manifest)
    m = {{"manifest_version", manifest->manifest_version}, {"issued_at", manifest->issued_at}, {"expires", manifest->expires}};
  return {{"schema", "caora.firmware-status/1"},
          {"manifest_version", manifest ? nlohmann::json(manifest->manifest_version) : nlohmann::json(nullptr)},
          {"manifest", m},
          {"problem", problem()},
          {"components", list}};
}

namespace {

void judge(VersionCheck& c, VersionFamily family, const std::optional<FirmwareManifest>& manifest) {
  for (const auto& e : embedded_minimums())
    if (c.component == e.component) {
      c.min_safe = e.version;
      c.min_safe_source = e.source;
    }
  const ManifestComponent* mc = manifest ? manifest->find(c.component) : nullptr;
  if (mc) {
    c.newest = mc->version.text();
    // The stricter of the vendor's QA and the manifest's minimum.
    auto mine = c.min_safe ? Version::parse(*c.min_safe) : Expected<Version>(mc->min_safe);
    auto cmp = mine ? mc->min_safe.compare_in(family, *mine) : std::optional<int>(1);
    if (!c.min_safe || (cmp && *cmp > 0)) {
      c.min_safe = mc->min_safe.text();
      c.min_safe_source = "manifest " + std::to_string(manifest->manifest_version);
    }
  }
  if (!c.installed) return;
  auto have = Version::parse(*c.installed);
  if (!have || !have->fits(family)) {
    c.verdict = "not-comparable";
    c.note = {"「" + *c.installed + "」は " + version_family_name(family) + " のバージョンの形ではないため比べません",
              "'" + *c.installed + "' is not a " + version_family_name(family) + " version, so it is not compared"};
    return;
  }
  if (manifest && manifest->is_revoked(family, *have)) {
    c.verdict = "revoked";
    c.note = {*c.installed + " はマニフェストで取り下げられています", *c.installed + " is revoked by the manifest"};
    return;
  }
  if (c.min_safe) {
    auto cmp = have->compare_in(family, *Version::parse(*c.min_safe));
    if (cmp && *cmp < 0) {
      c.verdict = "below-minimum";
      c.note = {"最低限必要な " + *c.min_safe + "（" + *c.min_safe_source + "）より古いです",
                "older than the minimum " + *c.min_safe + " (" + *c.min_safe_source + ")"};
      return;
    }
  }
  if (c.newest) {
    auto cmp = have->compare_in(family, *Version::parse(*c.newest));
    c.verdict = cmp && *cmp < 0 ? "outdated" : "ok";
    if (c.verdict == "outdated") c.note = {"最新版 " + *c.newest + " があります", "a newer version " + *c.newest + " exists"};
    return;
  }
  c.verdict = c.min_safe ? "ok" : "unknown";
  if (!c.min_safe) c.note = {"比べる基準がありません（最低版も最新版も不明）", "nothing to compare with (no minimum, no newest)"};
}

VersionCheck from_probe(Host& site, const std::string& component, const char* probe) {
  VersionCheck c;
  c.component = component;
  ProbeResult r = site.probe(probe);
  c.evidence = r.evidence;
  if (r.known && r.value.is_string()) {
    c.installed = r.value.get<std::string>();
  } else {
    c.unknown_reason = r.reason;
    c.note = r.reason;
  }
  return c;
}

}  // namespace

FirmwareStatus firmware_status(Host& site, const UnitFirmwareSource& unit_source, const std::optional<FirmwareManifest>& manifest) {
  FirmwareStatus st;
  st.manifest = manifest;
  if (!manifest)
    st.manifest_note = {"キャッシュされたマニフェストがありません（caora firmware refresh）",
                        "no cached manifest (caora firmware refresh)"};
  VersionCheck reader = from_probe(site, "reader-software", "site.reader_software.version");
  judge(reader, VersionFamily::ReaderSoftware, manifest);
  st.checks.push_back(reader);
  bool listed = false;
  if (unit_source) {
    auto units = unit_source();
    if (units) {
      for (const auto& u : *units) {
        VersionCheck c;
        c.component = "firmware";
        c.unit = u.serial;
        c.installed = u.version;
        c.evidence = {u.file + ": " + u.key + "=" + u.version.value_or("(none)")};
        if (!u.version) c.note = {u.file + " に " + u.key + " がありません", "no " + u.key + " in " + u.file};
        judge(c, VersionFamily::Firmware, manifest);
        st.checks.push_back(c);
        listed = true;
      }
    }
  }
  if (!listed) {
    VersionCheck fw = from_probe(site, "firmware", "site.firmware.version");
    judge(fw, VersionFamily::Firmware, manifest);
    st.checks.push_back(fw);
  }
  VersionCheck dll = from_probe(site, "face-dll", "site.face_dll.version");
  judge(dll, VersionFamily::FaceDll, manifest);
  st.checks.push_back(dll);
  return st;
}

// ---- download ----

Expected<std::string> download_name(const ManifestComponent& c) {
  std::string path = c.url.substr(8);
  path = path.substr(0, path.find_first_of("?#"));
  size_t slash = path.rfind('/');
  std::string name = slash == std::string::npos ? "" : path.substr(slash + 1);
  bool plain = !name.empty() && name != "." && name != ".." && name[0] != '.' && name.size() <= 128;
  for (char ch : name)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-')) plain = false;
  if (!plain) return c.component + "-" + c.version.text() + ".bin";
  return name;
}

Expected<std::string> file_sha256(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return errno_error(errno, path, "読めません", "cannot read");
  Sha256 h;
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0) h.update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return errno_error(errno, path, "読めません", "cannot read");
  return h.hex_digest();
}

Expected<DownloadResult> download_component(const fs::path& state, const DownloadRequest& req) {
  TRY_ASSIGN(auto cached, load_cached_manifest(state));
  if (!cached)
    return make_error(ErrorKind::NotFound, "キャッシュされたマニフェストがありません。先に caora firmware refresh を実行してください",
                      "no cached manifest: run caora firmware refresh first");
  const ManifestComponent* c = cached->find(req.component);
  if (c == nullptr)
    return make_error(ErrorKind::NotFound, "マニフェストに " + req.component + " がありません",
                      "the manifest lists no " + req.component);
  TRY_ASSIGN(std::string name, download_name(*c));
  TRY(make_dirs(req.out_dir));
  DownloadResult r{c->component, c->version.text(), c->url, display_path(req.out_dir / name), c->sha256, c->length};
  fs::path final_path = req.out_dir / name;
  fs::path part = req.out_dir / ("." + name + ".caora-part");
  std::error_code ec;
  if (fs::exists(final_path, ec)) {
    auto have = file_sha256(final_path);
    if (have && *have == c->sha256 && fs::file_size(final_path, ec) == c->length) return r;  // already there, checked
  }
  if (fs::exists(part, ec)) {
    r.resumed_from = fs::file_size(part, ec);
    r.resumed = r.resumed_from > 0;
  }
  auto got = https_download(c->url, part, c->length, req.https);
  if (!got) {
    // A refusal that touched nothing (TLS, plain http) leaves a resumable part as it was.
    return got.error();
  }
  if (*got < c->length)
    return make_error(ErrorKind::Io,
                      "ダウンロードが途中で止まりました（" + std::to_string(*got) + " / " + std::to_string(c->length) +
                          " バイト）。もう一度実行すると続きから再開します",
                      "the download stopped at " + std::to_string(*got) + " of " + std::to_string(c->length) +
                          " bytes; run it again to resume");
  auto digest = file_sha256(part);
  uint64_t size = fs::file_size(part, ec);
  if (!digest || size != c->length || *digest != c->sha256) {
    fs::remove(part, ec);
    std::string seen = digest ? *digest : std::string("?");
    return make_error(ErrorKind::Permission,
                      "ダウンロードしたファイルがマニフェストと合いません（長さ " + std::to_string(size) + "/" + std::to_string(c->length) +
                          "、sha256 " + seen + "）。ファイルは残していません",
                      "the downloaded file does not match the manifest (length " + std::to_string(size) + "/" +
                          std::to_string(c->length) + ", sha256 " + seen + " expected " + c->sha256 + "); nothing was kept");
  }
  fs::rename(part, final_path, ec);
  if (ec) return fs_error(ec, final_path, "ダウンロードを保存できません", "cannot keep the download");
  sync_dir(req.out_dir);
  return r;
}

// ---- history ----

nlohmann::json HistoryEntry::to_json() const {
  return {{"time", time}, {"action", action}, {"component", component}, {"before", before}, {"after", after},
          {"outcome", outcome}, {"detail", detail}};
}

Status append_history(const fs::path& state, const HistoryEntry& e) {
  TRY(make_private_dirs(firmware_dir(state)));
  std::string existing;
  auto old = read_file(history_path(state));
  if (old) existing = *old;
  else if (old.error().kind != ErrorKind::NotFound) return old.error();
  HistoryEntry entry = e;
  if (entry.time.empty()) entry.time = now_iso8601();
  existing += entry.to_json().dump() + "\n";
  WriteOptions w;
  w.private_mode = true;
  return write_file_atomic(history_path(state), existing, w);
}

Expected<std::vector<HistoryEntry>> read_history(const fs::path& state) {
  std::vector<HistoryEntry> list;
  auto text = read_file(history_path(state));
  if (!text) {
    if (text.error().kind == ErrorKind::NotFound) return list;
    return text.error();
  }
  size_t start = 0, line_no = 0;
  while (start < text->size()) {
    size_t end = text->find('\n', start);
    if (end == std::string::npos) end = text->size();
    std::string line = text->substr(start, end - start);
    start = end + 1;
    ++line_no;
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return make_error(ErrorKind::Parse, display_path(history_path(state)) + ":" + std::to_string(line_no) + " を読めません",
                        "cannot read " + display_path(history_path(state)) + ":" + std::to_string(line_no));
    list.push_back({json_string(j, "time"), json_string(j, "action"), json_string(j, "component"), json_string(j, "before"),
                    json_string(j, "after"), json_string(j, "outcome"), json_string(j, "detail")});
  }
  return list;
}

}  // namespace caora
