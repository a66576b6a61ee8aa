#include "host/install_root/connection_info.h"

#include <unistd.h>

#include <catch2/catch.hpp>

using namespace caora;

namespace {

struct TempRoot {
  fs::path dir = fs::temp_directory_path() / ("caora-conn-" + std::to_string(::getpid()));
  TempRoot() { fs::remove_all(dir); }
  ~TempRoot() { fs::remove_all(dir); }
  void put(const fs::path& path, const std::string& bytes) {
    fs::create_directories(path.parent_path());
    REQUIRE(write_file_atomic(path, bytes));
  }
};

}  // namespace

TEST_CASE("connection info: each environment's folder, the active one, unreadable files named") {
  TempRoot t;
  const SiteProfile& p = default_site_profile();
  CHECK(p.assumed("registration"));
  t.put(connection_file(t.dir, p, "verification", "2113001"), "LoginId=F0000001\r\nReaderName=CaoraA\r\nPassword=never-read\r\n");
  t.put(connection_file(t.dir, p, "production", "2113001"), "\xEF\xBB\xBFLoginId = F0000011\nReaderName=受付1\n");
  t.put(connection_file(t.dir, p, "production", "2113002"), "no keys here\r\n");
  t.put(connection_dir(t.dir, p, "production") / "notes.txt", "LoginId=F0999\r\n");  // not a connection file
  t.put(t.dir / fs::u8path(p.registration_active_file), "production\r\n");
  ConnectionInfo info = read_connection_info(t.dir, p);
  REQUIRE(info.records.size() == 2);
  CHECK(info.records[0].environment == "verification");
  CHECK(info.records[0].account == "F0000001");
  CHECK(info.records[0].reader == "CaoraA");
  CHECK(info.records[1].environment == "production");
  CHECK(info.records[1].reader == "受付1");
  CHECK(info.records[1].encoding == std::string("utf-8-bom"));
  CHECK(info.active == std::optional<std::string>("production"));
  REQUIRE(info.problems.size() == 1);
  CHECK(info.problems[0].find("CJKA2113002") != std::string::npos);
}

TEST_CASE("connection info: a Shift_JIS reader name is refused, not misread") {
  const SiteProfile& p = default_site_profile();
  auto ascii = parse_connection_file("LoginId=F01\r\nReaderName=Caora\r\n", p);
  REQUIRE(ascii);
  auto sjis = parse_connection_file("LoginId=F01\r\nReaderName=\x8e\xf3\x95\x74\r\n", p);  // 受付 in CP932
  REQUIRE_FALSE(sjis);
  CHECK(sjis.error().kind == ErrorKind::Encoding);
}

TEST_CASE("connection info: the removal plan") {
  TempRoot t;
  const SiteProfile& p = default_site_profile();
  t.put(connection_file(t.dir, p, "verification", "2113001"), "LoginId=F01\r\nReaderName=A\r\n");
  auto one = plan_connection_removal(t.dir, p, "2113001", {"verification", "production"});
  REQUIRE(one);
  REQUIRE(one->size() == 1);
  CHECK(one->at(0).op == FileChange::Op::Remove);
  auto none = plan_connection_removal(t.dir, p, "2113001", {"production"});
  REQUIRE_FALSE(none);
  CHECK(none.error().kind == ErrorKind::NotFound);
  auto escape = plan_connection_removal(t.dir, p, "../../etc", {"verification"});
  REQUIRE_FALSE(escape);
  CHECK(escape.error().kind == ErrorKind::Usage);
}
