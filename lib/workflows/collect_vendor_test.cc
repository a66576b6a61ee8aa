#include "workflows/collect_vendor.h"

#include <catch2/catch.hpp>

#include <fstream>

#include "core/archive.h"

using namespace caora;
using nlohmann::json;

namespace {

json snapshot_with(const char* version) {
  json s = {{"probes", json::object()}};
  if (version) s["probes"]["site.reader_software.version"] = {{"known", true}, {"value", version}};
  return s;
}

fs::path scratch(const char* name) {
  fs::path d = fs::temp_directory_path() / ("caora-vendor-" + std::string(name) + "-" + std::to_string(current_pid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST_CASE("QA 29: 1.5.3.0 and earlier run the shortcut, 1.6.0.0 and later are guided") {
  fs::path root = scratch("plan");
  auto older = plan_vendor_collect(snapshot_with("1.5.3.0"), json::object(), root);
  CHECK(older.mode == VendorMode::Run);
  CHECK(older.shortcut.filename().u8string() == u8"ログ手動収集.lnk");
  REQUIRE(older.argv.size() > 1);  // a .lnk goes through the shell
  CHECK(older.argv.back() == older.shortcut.u8string());
  auto newer = plan_vendor_collect(snapshot_with("1.6.0.0"), json::object(), root);
  CHECK(newer.mode == VendorMode::Guide);
  CHECK(newer.steps.size() == 4);
  CHECK(newer.dirs.size() == 2);
  // Unknown (or unreadable) version: run when the shortcut is there, guide when not.
  CHECK(plan_vendor_collect(snapshot_with(nullptr), json::object(), root).mode == VendorMode::Guide);
  CHECK(plan_vendor_collect(snapshot_with("unknown"), json::object(), root).mode == VendorMode::Guide);
  json profile = {{"vendor_log_collect", {{"shortcut", "bin/collect.sh"}, {"dirs", {"out"}}, {"file", "v.zip"}}}};
  fs::create_directories(root / "bin");
  std::ofstream(root / "bin" / "collect.sh") << "#!/bin/sh\n";
  auto listed = plan_vendor_collect(snapshot_with(nullptr), profile, root);
  CHECK(listed.mode == VendorMode::Run);
  REQUIRE(listed.argv.size() == 1);  // run directly: no shell in between
  CHECK(fs::u8path(listed.argv[0]) == root / "bin" / "collect.sh");
  CHECK(listed.zip_name == "v.zip");
  CHECK(listed.dirs == std::vector<fs::path>{root / "out"});
  fs::remove_all(root);
}

TEST_CASE("a zip without its end record is not complete") {
  fs::path d = scratch("zip");
  std::ofstream(d / "half.zip", std::ios::binary) << "PK\x03\x04 partial local header and data";
  CHECK_FALSE(zip_looks_complete(d / "half.zip"));
  CHECK_FALSE(zip_looks_complete(d / "absent.zip"));
  // The smallest complete zip: an empty archive's end record.
  std::string eocd("PK\x05\x06", 4);
  eocd.append(18, '\0');
  std::ofstream(d / "empty.zip", std::ios::binary) << eocd;
  CHECK(zip_looks_complete(d / "empty.zip"));
  fs::remove_all(d);
}
