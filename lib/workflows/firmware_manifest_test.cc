#include "workflows/firmware_manifest.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace caora;
using json = nlohmann::json;

static json good() {
  return json::parse(R"({"schema": "caora.firmware-manifest/1", "manifest_version": 7,
    "issued_at": "2026-12-01T00:00:00Z", "expires": "2027-03-01T00:00:00Z",
    "components": [
      {"component": "reader-software", "version": "1.10.2.1", "url": "https://example.invalid/CaoraReaderSoftware_1.10.2.1.zip",
       "sha256": "0000000000000000000000000000000000000000000000000000000000000000", "length": 123456, "min_safe": "1.5.3.0"},
      {"component": "firmware", "version": "CAORA_MSN_P2.12.0_A16.6.0", "url": "https://example.invalid/fw.bin",
       "sha256": "1111111111111111111111111111111111111111111111111111111111111111", "length": 4567,
       "min_safe": "CAORA_MSN_P2.11.7_A16.5.4"}],
    "revoked": ["1.6.0.0"]})");
}

TEST_CASE("the issue's manifest parses with every field") {
  auto m = parse_firmware_manifest(good().dump());
  REQUIRE(m.ok());
  CHECK(m->manifest_version == 7);
  CHECK(m->issued_at_s == 1796083200);  // date -u -d 2026-12-01T00:00:00Z +%s
  CHECK(m->expires_s == 1803859200);    // date -u -d 2027-03-01T00:00:00Z +%s
  REQUIRE(m->find("firmware"));
  CHECK(m->find("firmware")->min_safe.text() == "CAORA_MSN_P2.11.7_A16.5.4");
  CHECK(m->find("reader-software")->length == 123456);
  CHECK(m->is_revoked(VersionFamily::ReaderSoftware, *Version::parse("1.6.0.0")));
  CHECK_FALSE(m->is_revoked(VersionFamily::ReaderSoftware, *Version::parse("1.6.0.1")));
  CHECK_FALSE(m->is_revoked(VersionFamily::Firmware, *Version::parse("1.6.0.0")));
}

TEST_CASE("timestamps are strict UTC and round-trip") {
  CHECK(*parse_utc_timestamp("1970-01-01T00:00:00Z") == 0);
  CHECK(*parse_utc_timestamp("2028-02-29T23:59:59Z") == 1835481599);  // date -u -d 2028-02-29T23:59:59Z +%s
  CHECK(format_utc_timestamp(1835481599) == "2028-02-29T23:59:59Z");
  for (const char* bad : {"2027-02-29T00:00:00Z", "2026-12-01T00:00:00+09:00", "2026-12-01 00:00:00Z", "2026-13-01T00:00:00Z",
                          "2026-12-01T24:00:00Z", "2026-12-01", "", "１２０２６-12-01T00:00:00Z"}) {
    INFO(bad);
    CHECK_FALSE(parse_utc_timestamp(bad).ok());
  }
}

TEST_CASE("every field is checked; each refusal says where") {
  struct Case {
    const char* what;
    std::function<void(json&)> edit;
    const char* says;
  };
  std::vector<Case> cases = {
      {"schema", [](json& j) { j["schema"] = "caora.firmware-manifest/2"; }, "/schema"},
      {"unknown field", [](json& j) { j["expire"] = "2027-01-01T00:00:00Z"; }, "unknown field expire"},
      {"version zero", [](json& j) { j["manifest_version"] = 0; }, "/manifest_version"},
      {"version text", [](json& j) { j["manifest_version"] = "7"; }, "/manifest_version"},
      {"negative", [](json& j) { j["manifest_version"] = -3; }, "/manifest_version"},
      {"expires first", [](json& j) { j["expires"] = "2026-11-01T00:00:00Z"; }, "/expires"},
      {"local time", [](json& j) { j["issued_at"] = "2026-12-01T09:00:00+09:00"; }, "/issued_at"},
      {"no components", [](json& j) { j["components"] = json::array(); }, "/components"},
      {"plain http", [](json& j) { j["components"][0]["url"] = "http://example.invalid/a.zip"; }, "/components/0.url"},
      {"short sha", [](json& j) { j["components"][0]["sha256"] = "abc"; }, "/components/0.sha256"},
      {"upper sha", [](json& j) { j["components"][0]["sha256"] = std::string(64, 'A'); }, "/components/0.sha256"},
      {"zero length", [](json& j) { j["components"][0]["length"] = 0; }, "/components/0.length"},
      {"float length", [](json& j) { j["components"][0]["length"] = 1.5; }, "/components/0.length"},
      {"family", [](json& j) { j["components"][1]["version"] = "2.12.0"; }, "/components/1.version"},
      {"min family", [](json& j) { j["components"][0]["min_safe"] = "CAORA_MSN_P2.11.7_A16.5.4"; }, "/components/0.min_safe"},
      {"older than min", [](json& j) { j["components"][0]["version"] = "1.5.2.0"; }, "older than min_safe"},
      {"twice", [](json& j) { j["components"][1] = j["components"][0]; }, "listed twice"},
      {"unknown component", [](json& j) { j["components"][0]["component"] = "bios"; }, "component must be"},
      {"field in component", [](json& j) { j["components"][0]["sha1"] = "x"; }, "unknown field sha1"},
      {"revoked missing", [](json& j) { j.erase("revoked"); }, "revoked is missing"},
      {"revoked number", [](json& j) { j["revoked"] = json::array({1}); }, "/revoked/0"},
      {"revoked itself", [](json& j) { j["revoked"] = json::array({"1.10.2.1"}); }, "itself revoked"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    json j = good();
    c.edit(j);
    auto m = parse_firmware_manifest(j.dump());
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().message.en.find(c.says) != std::string::npos);
    CHECK(m.error().message.ja.find("ファームウェアマニフェスト") == 0);
  }
  CHECK_FALSE(parse_firmware_manifest("{").ok());
  CHECK_FALSE(parse_firmware_manifest("[]").ok());
  CHECK_FALSE(parse_firmware_manifest(std::string(2 << 20, ' ')).ok());
}
