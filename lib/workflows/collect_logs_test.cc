#include "workflows/collect_logs.h"

#include <catch2/catch.hpp>

#include <map>

#include "core/archive.h"

using namespace caora;

TEST_CASE("Windows: the event logs for the period, messages for another PC, setupapi", "[collect]") {
  WindowsSystemLogs w(fs::path("C:/Windows"));
  auto list = w.collectors(2, fs::path("scratch"));
  REQUIRE(list.size() == 3);
  const auto& sys = list[0];
  CHECK(sys.name == "event-log-system");
  REQUIRE(sys.commands.size() == 2);
  CHECK(sys.commands[0][0] == "wevtutil");
  CHECK(sys.commands[0][1] == "epl");
  CHECK(sys.commands[0][2] == "System");
  CHECK(sys.commands[0][4].find("timediff(@SystemTime) <= 172800000") != std::string::npos);
  CHECK(sys.commands[1][1] == "al");
  CHECK(sys.commands[1][3] == "/l:ja-JP");
  CHECK(sys.temporary);
  CHECK(list[1].commands[0][2] == "Application");
  CHECK(list[2].file->generic_string() == "C:/Windows/INF/setupapi.dev.log");
  CHECK(list[2].commands.empty());
}

TEST_CASE("Linux: the journal for the period and the kernel's USB lines", "[collect]") {
  auto list = LinuxSystemLogs().collectors(61, fs::path());
  REQUIRE(list.size() == 2);
  CHECK(list[0].commands[0].back() == "-61d");
  CHECK(list[1].line_filter == "usb");
}

TEST_CASE("images are left out by name", "[collect]") {
  CHECK(is_image_path("a/face_01.JPG"));
  CHECK(is_image_path("frame.png"));
  CHECK_FALSE(is_image_path("app.log"));
}

TEST_CASE("the default bundle name", "[collect]") {
  std::string n = default_bundle_name();
  CHECK(n.rfind("caora-logs-", 0) == 0);
  CHECK(n.size() > 30);
  CHECK(n.substr(n.size() - 5) == "Z.zip");
}

namespace {

// wevtutil as the Host interface sees it: each call recorded, `epl` writing
// the export it was asked for (what Windows' own wevtutil does).
class FakeWevtutil : public WindowsSystemLogs {
 public:
  using WindowsSystemLogs::WindowsSystemLogs;
  Expected<ProcessResult> run(const std::vector<std::string>& argv, double) const override {
    calls.push_back(argv);
    ProcessResult r;
    r.exit_code = 0;
    if (argv.size() > 3 && argv[1] == "epl") {
      std::string bytes = "ElfFile exported " + argv[2];
      auto w = write_file_atomic(fs::u8path(argv[3]), bytes);
      if (!w) r.exit_code = 5;
    }
    return r;
  }
  mutable std::vector<std::vector<std::string>> calls;
};

}  // namespace

TEST_CASE("Windows: event logs exported, localized and bundled; setupapi.dev.log; the map owner-only", "[collect]") {
  fs::path dir = fs::temp_directory_path() / ("caora-collect-win-" + std::to_string(current_pid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "Windows" / "INF");
  REQUIRE(write_file_atomic(dir / "Windows" / "INF" / "setupapi.dev.log",
                            ">>>  [Device Install (Hardware initiated) - USB\\VID_04C5&PID_1234]\r\n"));
  FakeWevtutil host(dir / "Windows");
  CollectOptions opts;
  opts.output = dir / "bundle.zip";
  opts.state_dir = dir / "state";
  REQUIRE(make_private_dirs(opts.state_dir));
  opts.snapshot = nlohmann::json::object();
  opts.system_logs = &host;
  opts.since_days = 3;
  auto r = collect_logs(opts);
  REQUIRE(r);
  REQUIRE(host.calls.size() == 4);
  CHECK(host.calls[0][1] == "epl");
  CHECK(host.calls[0][4].find("<= 259200000") != std::string::npos);
  CHECK(host.calls[1][1] == "al");
  CHECK(host.calls[1][2] == host.calls[0][3]);  // the localized file is the one exported
  std::map<std::string, std::string> members;
  REQUIRE(for_each_zip_member(&r->bundle, nullptr, size_t{1} << 20, [&](ZipEntryData& e) -> Status {
    members[e.name] = e.data;
    return ok_status();
  }));
  CHECK(members["system/System.evtx"].find("exported System") != std::string::npos);
  CHECK(members["system/Application.evtx"].find("exported Application") != std::string::npos);
  CHECK(members["system/setupapi.dev.log"].find("VID_04C5") != std::string::npos);
  // The exports were scratch files in the state folder: gone afterwards.
  for (const auto& e : fs::directory_iterator(opts.state_dir)) CHECK(e.path().filename().u8string().rfind("collect-", 0) != 0);
  REQUIRE(r->map);
#ifndef _WIN32
  CHECK((fs::status(*r->map).permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);
#endif
  fs::remove_all(dir);
}
