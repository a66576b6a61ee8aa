// The firmware manifest (caora.firmware-manifest/1): what a vendor or a desk
// publishes, signed with minisign, about the newest reader software and unit
// firmware and the versions nobody should run. Parsed strictly: a field that
// is missing, mistyped, unknown or out of range refuses the whole manifest,
// so a typo never reads as "no minimum" or "never expires".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "host/version.h"

namespace caora {

struct ManifestComponent {
  std::string component;  // "reader-software", "firmware"
  VersionFamily family = VersionFamily::ReaderSoftware;
  Version version;
  std::string url;  // https:// only
  std::string sha256;  // 64 lower-case hex digits
  uint64_t length = 0;
  Version min_safe;
};

struct FirmwareManifest {
  int64_t manifest_version = 0;
  std::string issued_at, expires;  // as written: 2026-12-01T00:00:00Z
  int64_t issued_at_s = 0, expires_s = 0;  // seconds since 1970 (UTC)
  std::vector<ManifestComponent> components;
  std::vector<Version> revoked;

  const ManifestComponent* find(const std::string& component) const;
  // Whether `v` is named in `revoked` within `family` (a revoked reader
  // software version never marks a firmware string, and the other way).
  bool is_revoked(VersionFamily family, const Version& v) const;
};

constexpr const char* kFirmwareManifestSchema = "caora.firmware-manifest/1";
// The largest payload a manifest may name (a reader software installer is a
// few hundred megabytes at most).
constexpr uint64_t kMaxComponentLength = uint64_t{4} << 30;

Expected<FirmwareManifest> parse_firmware_manifest(const std::string& text);
// "YYYY-MM-DDTHH:MM:SSZ" (UTC, the only form accepted) → seconds since 1970.
Expected<int64_t> parse_utc_timestamp(const std::string& text);
std::string format_utc_timestamp(int64_t seconds);

// The minimum-safe versions the vendor names (non-error QA 24: the face-auth
// timeout fix): reader software 1.5.3.0, firmware CAORA_MSN_P2.11.7_A16.5.4.
struct EmbeddedMinimum {
  const char* component;
  const char* version;
  const char* source;
};
const std::vector<EmbeddedMinimum>& embedded_minimums();

}  // namespace caora
