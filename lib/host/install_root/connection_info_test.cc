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

TEST_CASE("connection info: a Shift_JIS reader name is decoded, and compares with what a person types") {
  TempRoot t;
  const SiteProfile& p = default_site_profile();
  auto ascii = parse_connection_file("LoginId=F01\r\nReaderName=Caora\r\n", p);
  REQUIRE(ascii);
  CHECK(ascii->encoding == std::string("ascii"));
  // 受付１ and ｶｳﾝﾀｰ② in CP932: a full-width digit, half-width kana, an NEC special character.
  auto sjis = parse_connection_file("LoginId=F01\r\nReaderName=\x8e\xf3\x95\x74\x82\x50\r\n", p);
  REQUIRE(sjis);
  CHECK(sjis->encoding == std::string("cp932"));
  CHECK(sjis->reader == "受付１");
  // A trail byte 0x5C (the '\\' of ソ, 0x83 0x5C) does not end or split the value.
  t.put(connection_file(t.dir, p, "production", "2113001"), "LoginId=F02\r\nReaderName=\xb6\xb3\xdd\xc0\xb0\x87\x41\x83\x5c\r\n");
  ConnectionInfo info = read_connection_info(t.dir, p);
  REQUIRE(info.records.size() == 1);
  CHECK(info.records[0].reader == "ｶｳﾝﾀｰ②ソ");
  CHECK(info.problems.empty());
  auto one = read_unit_connection(t.dir, p, "production", "2113001");
  REQUIRE(one);
  REQUIRE(one->has_value());
  CHECK((*one)->reader == "ｶｳﾝﾀｰ②ソ");
  auto none = read_unit_connection(t.dir, p, "verification", "2113001");
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  CHECK_FALSE(read_unit_connection(t.dir, p, "production", "../x"));
}

TEST_CASE("connection info: a password given is compared, never kept") {
  const SiteProfile& p = default_site_profile();
  const std::string file = "LoginId=F01\r\nReaderName=A\r\nPassword=s3cret pass\r\n";
  std::string right = "s3cret pass", wrong = "s3cret pasS", shorter = "s3cret", longer = "s3cret pass!";
  CHECK(parse_connection_file(file, p, &right)->password_matches == std::optional<bool>(true));
  CHECK(parse_connection_file(file, p, &wrong)->password_matches == std::optional<bool>(false));
  CHECK(parse_connection_file(file, p, &shorter)->password_matches == std::optional<bool>(false));
  CHECK(parse_connection_file(file, p, &longer)->password_matches == std::optional<bool>(false));
  CHECK_FALSE(parse_connection_file(file, p)->password_matches.has_value());
  CHECK_FALSE(parse_connection_file("LoginId=F01\r\nReaderName=A\r\n", p, &right)->password_matches.has_value());
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
