#include "host/install_root/file_site.h"

#include <catch2/catch.hpp>

#include "host/vocabulary.h"

using namespace caora;

namespace {
struct TempSite {
  fs::path root;
  TempSite() {
    root = fs::temp_directory_path() / ("caora-site-" + std::to_string(::rand())) / "PFU-Caora";
    fs::remove_all(root.parent_path());
    fs::create_directories(root / "OnlineAuthApp/App/Execute/bin");
    fs::create_directories(root / "OnlineAuthApp/App/AppStartUp/bin");
  }
  void put(const std::string& rel, const std::string& bytes) {
    fs::create_directories((root / rel).parent_path());
    REQUIRE(write_file_atomic(root / rel, bytes).ok());
  }
};
const char* kExec = "OnlineAuthApp/App/Execute/bin/StartUpEnv.bat";
const char* kApp = "OnlineAuthApp/App/AppStartUp/bin/StartUpEnv.bat";
}  // namespace

TEST_CASE("startup delay probes and the set action keep both copies equal") {
  TempSite s;
  s.put(kExec, "set WAIT_TIME_SECOND=300\r\n");
  s.put(kApp, "set WAIT_TIME_SECOND=40\r\n");
  FileSite site(s.root, default_site_profile());
  CHECK(site.probe("site.startup_delay.execute").value == 300);
  CHECK(site.probe("site.startup_delay.appstartup").value == 40);
  CHECK(site.probe("site.startup_delay.consistent").value == false);
  Journal j(s.root.parent_path() / "state");
  auto out = site.apply("site.startup_delay.set", {{"seconds", 120}}, j);
  REQUIRE(out.ok());
  CHECK_FALSE(out->journal_id.empty());
  CHECK(*read_file(s.root / kExec) == "set WAIT_TIME_SECOND=120\r\n");
  CHECK(*read_file(s.root / kApp) == "set WAIT_TIME_SECOND=120\r\n");
  CHECK(site.probe("site.startup_delay.consistent").value == true);
  CHECK_FALSE(site.apply("site.startup_delay.set", {{"seconds", 99999}}, j).ok());
}

TEST_CASE("corrupt unit inis are found and removed with a backup") {
  TempSite s;
  s.put("OnlineAuthApp/App/Execute/bin/CJKA1001.ini", "[Device]\r\nFirmwareVersion=CAORA_MSN_P2.11.7_A16.5.4\r\n");
  s.put("OnlineAuthApp/App/Execute/bin/CJKA1002.ini", std::string("[Dev\0\0", 6));
  FileSite site(s.root, default_site_profile());
  CHECK(site.probe("site.ini.count").value == 2);
  CHECK(site.probe("site.ini.corrupt").value == true);
  CHECK(site.probe("site.ini.serials").value == nlohmann::json({"1001", "1002"}));
  CHECK(site.probe("site.firmware.version").value == "CAORA_MSN_P2.11.7_A16.5.4");
  Journal j(s.root.parent_path() / "state");
  REQUIRE(site.apply("site.ini.remove_corrupt", {}, j).ok());
  CHECK(site.probe("site.ini.corrupt").value == false);
  CHECK(fs::exists(s.root / "OnlineAuthApp/App/Execute/bin/CJKA1001.ini"));
}

TEST_CASE("missing root and missing files are unknown, not defaults") {
  FileSite site("/nonexistent/caora-root", default_site_profile());
  CHECK(site.probe("site.root.exists").value == false);
  auto r = site.probe("site.startup_delay.execute");
  CHECK_FALSE(r.known);
  CHECK(r.reason.en.find("does not exist") != std::string::npos);
  CHECK(site.probe("site.install.leftover").value == false);
}

TEST_CASE("a leftover folder is archived, then removed, and comes back on undo") {
  TempSite s;
  s.put(kExec, "set WAIT_TIME_SECOND=40\r\n");  // no version file: software uninstalled
  fs::remove_all(s.root / "OnlineAuthApp/App/AppStartUp");  // and no other sign of a working install
  FileSite site(s.root, default_site_profile());
  CHECK(site.probe("site.install.leftover").value == true);
  Journal j(s.root.parent_path() / "state");
  auto out = site.apply("site.install.archive_leftover", {}, j);
  REQUIRE(out.ok());
  CHECK_FALSE(fs::exists(s.root));
  REQUIRE(j.undo(out->journal_id, false).ok());
  CHECK(*read_file(s.root / kExec) == "set WAIT_TIME_SECOND=40\r\n");
}

TEST_CASE("maintenance runs five years from the first of the next month") {
  CHECK(*maintenance_end("2021-03-15") == "2026-04-01");
  CHECK(*maintenance_end("2021-12-01") == "2027-01-01");
  CHECK_FALSE(maintenance_end("2021-13-01").ok());
  CHECK_FALSE(maintenance_end("15/03/2021").ok());
}

TEST_CASE("maintenance ending April to August 2026 runs until 30 September 2026") {
  // Last covered day 2026-03-31: not extended; 2026-04-30 ... 2026-08-31: extended.
  CHECK_FALSE(maintenance_extension(*maintenance_end("2021-03-15")));
  CHECK(*maintenance_extension(*maintenance_end("2021-04-01")) == "2026-10-01");
  CHECK(*maintenance_extension(*maintenance_end("2021-08-31")) == "2026-10-01");
  CHECK_FALSE(maintenance_extension(*maintenance_end("2021-09-01")));
  CHECK_FALSE(maintenance_extension(*maintenance_end("2020-05-10")));
}

TEST_CASE("out of date is unknown without a newest known version, decided with one") {
  TempSite s;
  s.put(default_site_profile().reader_software_version_file, "1.6.0.0\r\n");
  FileSite site(s.root, default_site_profile());
  ProbeResult r = site.probe("site.reader_software.outdated");
  CHECK_FALSE(r.known);
  CHECK(r.reason.en.find("manifest") != std::string::npos);
  site.set_newest_known("reader_software", "1.6.1.0");
  CHECK(site.probe("site.reader_software.outdated").value == true);
  site.set_newest_known("reader_software", "1.6.0.0");
  CHECK(site.probe("site.reader_software.outdated").value == false);
}

TEST_CASE("the install root answers the site.* probes, and only them") {
  TempSite s;
  FileSite site(s.root, default_site_profile());
  for (const auto& spec : probe_specs()) {
    INFO(spec.name);
    CHECK(site.provides_probe(spec.name) == (std::string(spec.name).rfind("site.", 0) == 0));
  }
  // Under a missing root the probes that read inside it say so; the others still answer.
  fs::remove_all(s.root);
  CHECK(site.probe("site.root.exists").value == false);
  CHECK(site.probe("site.install.leftover").value == false);
  ProbeResult v = site.probe("site.reader_software.version");
  CHECK_FALSE(v.known);
  CHECK(v.reason.en.find("the install root does not exist") == 0);
  CHECK_FALSE(site.probe("host.os.name").known);
}

TEST_CASE("a missing assumed file on a working install is unknown, and the root is not a leftover") {
  TempSite s;
  s.put(kExec, "set WAIT_TIME_SECOND=40\r\n");
  s.put(kApp, "set WAIT_TIME_SECOND=40\r\n");
  s.put("OnlineAuthApp/App/Execute/bin/CJKA1001.ini", "[Device]\r\nSerialNo=1001\r\n");
  FileSite site(s.root, default_site_profile());
  ProbeResult installed = site.probe("site.reader_software.installed");
  CHECK_FALSE(installed.known);
  CHECK(installed.reason.en.find("assumption") != std::string::npos);
  CHECK(installed.reason.en.find("both copies of StartUpEnv.bat") != std::string::npos);
  CHECK_FALSE(site.probe("site.reader_software.version").known);
  CHECK(site.probe("site.install.leftover").value == false);
  Journal j(s.root.parent_path() / "state");
  CHECK_FALSE(site.plan("site.install.archive_leftover", {}).applicable);
  CHECK_FALSE(site.apply("site.install.archive_leftover", {}, j).ok());
  CHECK(fs::exists(s.root / kExec));
}

TEST_CASE("a value read from an assumed location says so") {
  TempSite s;
  s.put("OnlineAuthApp/App/Execute/bin/version.txt", "1.4.0.0\r\n");
  s.put("OnlineAuthApp/App/Execute/bin/CJKA1001.ini", "[Device]\r\nFirmwareVersion=CAORA_MSN_P2.11.7_A16.5.4\r\n");
  FileSite site(s.root, default_site_profile());
  ProbeResult v = site.probe("site.reader_software.version");
  REQUIRE(v.known);
  REQUIRE(v.assumed.size() == 1);
  CHECK(v.assumed[0].id == "reader_software");
  CHECK(v.assumed[0].fact.en.find("version.txt") != std::string::npos);
  CHECK(site.probe("site.firmware.version").assumed.at(0).id == "firmware");
  // Not assumed: the startup delay's files are the vendor's own (QA 13).
  s.put(kExec, "set WAIT_TIME_SECOND=40\r\n");
  CHECK(site.probe("site.startup_delay.execute").assumed.empty());
}
