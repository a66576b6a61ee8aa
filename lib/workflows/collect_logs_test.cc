#include "workflows/collect_logs.h"

#include <catch2/catch.hpp>

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
