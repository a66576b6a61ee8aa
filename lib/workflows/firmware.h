// `caora firmware`: the cached, verified manifest in the state folder, the
// versions on the terminal against it and against the vendor's minimums, the
// refresh that replaces the cache only when every check passes, the verified
// download and the history of all three (and of installs).
//
// The state folder holds firmware/manifest.json (the exact bytes that verified)
// with firmware/manifest.json.minisig, firmware/history.jsonl, and the keys a
// desk trusts in trusted-keys/*.pub (minisign public key files). No key is
// built in: the project holds no vendor key.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/https.h"
#include "core/minisign.h"
#include "host/host.h"
#include "workflows/firmware_manifest.h"

namespace caora {

fs::path firmware_dir(const fs::path& state);
fs::path trusted_keys_dir(const fs::path& state);

// The cached manifest; nullopt when none was ever accepted. A cache that does
// not parse is an error (it was written only after it verified).
Expected<std::optional<FirmwareManifest>> load_cached_manifest(const fs::path& state);
// component ("reader_software", "firmware": FileSite's names) → newest version
// in the cached manifest, for the recipes' "out of date" probes.
std::map<std::string, std::string> newest_known_versions(const FirmwareManifest& m);

struct TrustedKey {
  MinisignKey key;
  std::string source;  // the file it came from
};
// --trust-key FILE when given (only that key), else every *.pub in trusted-keys/.
Expected<std::vector<TrustedKey>> load_trusted_keys(const fs::path& state, const std::optional<fs::path>& trust_key);

// ---- refresh ----
struct RefreshRequest {
  std::string url;
  std::optional<fs::path> trust_key;
  HttpsOptions https;
  int64_t now_s = 0;  // the clock, seconds since 1970 (UTC)
};
struct RefreshResult {
  bool accepted = false;
  // Why it was refused: plain-http, fetch, tls, signature-format, untrusted-key,
  // no-trusted-key, bad-signature, manifest, expired, rollback, frozen.
  std::string refusal;
  Text reason;
  std::optional<int64_t> cached_version, new_version;
  bool unchanged = false;  // the same manifest as cached, verified again
  std::string key_id, key_source;
  nlohmann::json to_json() const;
};
// Never returns an error: every failure is a refusal with its reason, and the
// cache is untouched unless `accepted`.
RefreshResult refresh_manifest(const fs::path& state, const RefreshRequest& req);

// ---- status ----
struct VersionCheck {
  std::string component;  // reader-software, firmware, face-dll
  std::string unit;       // a unit's serial for firmware; "" otherwise
  std::optional<std::string> installed;
  Text unknown_reason;
  std::vector<std::string> evidence;
  std::optional<std::string> min_safe, min_safe_source, newest;
  // ok, below-minimum, revoked, outdated, unknown, not-comparable
  std::string verdict = "unknown";
  Text note;
};
struct FirmwareStatus {
  std::vector<VersionCheck> checks;
  std::optional<FirmwareManifest> manifest;
  Text manifest_note;  // why no manifest is used
  bool problem() const;  // below minimum or revoked
  nlohmann::json to_json() const;
};
// Each unit's firmware as the install root records it (CJKA<serial>.ini).
struct UnitFirmwareRow {
  std::string serial, file, key;
  std::optional<std::string> version;
};
using UnitFirmwareSource = std::function<Expected<std::vector<UnitFirmwareRow>>()>;
// `site` answers site.reader_software.version and site.face_dll.version;
// `units` (when an install root is in play) gives every unit's firmware, else
// the site.firmware.version probe (the oldest) stands for them.
FirmwareStatus firmware_status(Host& site, const UnitFirmwareSource& units, const std::optional<FirmwareManifest>& manifest);

// ---- download ----
struct DownloadRequest {
  std::string component = "reader-software";
  fs::path out_dir;
  HttpsOptions https;
};
struct DownloadResult {
  std::string component, version, url, file, sha256;
  uint64_t length = 0;
  bool resumed = false;
  uint64_t resumed_from = 0;
};
// The cached manifest's component fetched into out_dir: the bytes go to a
// hidden .NAME.caora-part file (kept for the next run when the transfer stops
// short), checked by length and a streaming SHA-256, and renamed to NAME only
// when both match; a mismatch removes the part file, so DIR holds nothing.
Expected<DownloadResult> download_component(const fs::path& state, const DownloadRequest& req);
// The file name a component's URL gives (its last path segment), checked to be a plain name.
Expected<std::string> download_name(const ManifestComponent& c);
// The SHA-256 of a file, read in chunks.
Expected<std::string> file_sha256(const fs::path& path);

// ---- history ----
struct HistoryEntry {
  std::string time, action, component, before, after, outcome, detail;
  nlohmann::json to_json() const;
};
Status append_history(const fs::path& state, const HistoryEntry& e);
Expected<std::vector<HistoryEntry>> read_history(const fs::path& state);

}  // namespace caora
