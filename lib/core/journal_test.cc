#include "core/journal.h"

#include <catch2/catch.hpp>

#include "core/archive.h"

using namespace caora;

namespace {
fs::path temp_dir(const char* name) {
  fs::path d = fs::temp_directory_path() / ("caora-test-" + std::string(name) + "-" + std::to_string(::rand()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}
}  // namespace

TEST_CASE("a journaled change is backed up and undone byte for byte") {
  fs::path d = temp_dir("journal");
  fs::path f = d / "site" / "a.bat";
  fs::create_directories(f.parent_path());
  REQUIRE(write_file_atomic(f, "set WAIT_TIME_SECOND=40\r\n").ok());
  Journal j(d / "state");
  auto id = j.apply("test.set", {{"seconds", 90}}, {{FileChange::Op::Modify, f, "set WAIT_TIME_SECOND=90\r\n"}});
  REQUIRE(id.ok());
  CHECK(*read_file(f) == "set WAIT_TIME_SECOND=90\r\n");
  auto entries = j.entries();
  REQUIRE(entries->size() == 1);
  CHECK(entries->front().state == "applied");
  REQUIRE(j.undo(*id, false).ok());
  CHECK(*read_file(f) == "set WAIT_TIME_SECOND=40\r\n");
  CHECK(j.entries()->front().state == "undone");
  CHECK_FALSE(j.undo(*id, false).ok());  // twice is refused
}

TEST_CASE("undo refuses when the file changed again, unless forced") {
  fs::path d = temp_dir("journal2");
  fs::path f = d / "x.ini";
  REQUIRE(write_file_atomic(f, "a=1\n").ok());
  Journal j(d / "state");
  auto id = j.apply("t", {}, {{FileChange::Op::Modify, f, "a=2\n"}});
  REQUIRE(id.ok());
  REQUIRE(write_file_atomic(f, "a=3\n").ok());
  auto refused = j.undo(*id, false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.en.find("changed again") != std::string::npos);
  CHECK(*read_file(f) == "a=3\n");
  REQUIRE(j.undo(*id, true).ok());
  CHECK(*read_file(f) == "a=1\n");
}

TEST_CASE("removed files and folders come back") {
  fs::path d = temp_dir("journal3");
  fs::path f = d / "CJKA1.ini";
  REQUIRE(write_file_atomic(f, std::string("[A]\0\0", 5)).ok());
  fs::path tree = d / "root";
  fs::create_directories(tree / "sub");
  REQUIRE(write_file_atomic(tree / "sub" / "f.txt", "hello").ok());
  Journal j(d / "state");
  auto id = j.apply("t", {}, {{FileChange::Op::Remove, f, {}}, {FileChange::Op::RemoveTree, tree, {}}});
  REQUIRE(id.ok());
  CHECK_FALSE(fs::exists(f));
  CHECK_FALSE(fs::exists(tree));
  REQUIRE(j.undo(*id, false).ok());
  CHECK(*read_file(f) == std::string("[A]\0\0", 5));
  CHECK(*read_file(tree / "sub" / "f.txt") == "hello");
}

TEST_CASE("a failing change rolls back the ones before it") {
  fs::path d = temp_dir("journal4");
  fs::path a = d / "a.txt";
  REQUIRE(write_file_atomic(a, "before").ok());
  Journal j(d / "state");
  // The second change targets a missing file: backup fails before anything changes.
  auto id = j.apply("t", {}, {{FileChange::Op::Modify, a, "after"}, {FileChange::Op::Remove, d / "missing", {}}});
  CHECK_FALSE(id.ok());
  CHECK(*read_file(a) == "before");
}

TEST_CASE("a torn last journal line is skipped") {
  fs::path d = temp_dir("journal5");
  Journal j(d);
  fs::create_directories(d);
  REQUIRE(write_file_atomic(d / "journal.jsonl", "{\"event\":\"begin\",\"id\":\"x\",\"action\":\"a\"}\n{\"event\":\"app").ok());
  auto e = j.entries();
  REQUIRE(e.ok());
  REQUIRE(e->size() == 1);
  CHECK(e->front().state == "begun");
}

TEST_CASE("a system change is begun before it is made and failed unless done") {
  fs::path d = temp_dir("journal-system");
  Journal j(d / "state");
  std::string made, abandoned;
  {
    auto c = SystemChange::begin(j, "rndis.enable", {{"interfaces", {"usb0"}}});
    REQUIRE(c.ok());
    made = c->id();
    CHECK(j.entries()->front().state == "begun");  // recorded before anything changes
    REQUIRE(c->done().ok());
    REQUIRE(c->done().ok());  // a second done() records nothing more
  }
  {
    auto c = SystemChange::begin(j, "host.restart.schedule", nlohmann::json::object());
    REQUIRE(c.ok());
    abandoned = c->id();
  }  // left without done(): the backend returned an error
  auto entries = j.entries();
  REQUIRE(entries->size() == 2);
  CHECK(entries->at(0).id == made);
  CHECK(entries->at(0).state == "applied");
  CHECK(entries->at(1).state == "failed");
  auto refused = j.undo(abandoned, false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.en.find("nothing was recorded to undo") != std::string::npos);
}
