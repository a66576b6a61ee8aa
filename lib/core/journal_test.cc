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

namespace {
// The journal as a crash would leave it: only its first `keep` lines.
void keep_journal_lines(const fs::path& state, size_t keep) {
  std::string text = *read_file(state / "journal.jsonl");
  size_t pos = 0;
  for (size_t i = 0; i < keep; ++i) pos = text.find('\n', pos) + 1;
  REQUIRE(write_file_atomic(state / "journal.jsonl", text.substr(0, pos)).ok());
}
void append_line(const fs::path& state, const std::string& line) {
  std::string text = *read_file(state / "journal.jsonl");
  REQUIRE(write_file_atomic(state / "journal.jsonl", text + line + "\n").ok());
}
}  // namespace

TEST_CASE("the journal records absolute paths, whatever folder caora ran in") {
  fs::path d = temp_dir("journal-abs");
  fs::create_directories(d / "A" / "root");
  REQUIRE(write_file_atomic(d / "A" / "root" / "x.bat", "40").ok());
  fs::path was = fs::current_path();
  fs::current_path(d / "A");
  Journal j(fs::path("..") / "S");
  auto id = j.apply("t", {}, {{FileChange::Op::Modify, fs::path("root") / "x.bat", "90"}});
  fs::current_path(was);
  REQUIRE(id.ok());
  auto e = Journal(d / "S").entries();
  REQUIRE(e->size() == 1);
  fs::path recorded = fs::u8path(e->front().changes[0]["path"].get<std::string>());
  CHECK(recorded.is_absolute());
  CHECK(fs::equivalent(recorded, d / "A" / "root" / "x.bat"));
  // Undone from another folder, the same file comes back.
  fs::create_directories(d / "B" / "root");
  REQUIRE(write_file_atomic(d / "B" / "root" / "x.bat", "90").ok());
  fs::current_path(d / "B");
  Status undone = Journal(fs::path("..") / "S").undo(*id, false);
  fs::current_path(was);
  REQUIRE(undone.ok());
  CHECK(*read_file(d / "A" / "root" / "x.bat") == "40");
  CHECK(*read_file(d / "B" / "root" / "x.bat") == "90");
}

TEST_CASE("an entry recorded with relative paths is refused, even with force") {
  fs::path d = temp_dir("journal-rel");
  fs::create_directories(d / "state");
  REQUIRE(write_file_atomic(d / "state" / "journal.jsonl",
                            "{\"event\":\"begin\",\"id\":\"old\",\"action\":\"site.startup_delay.set\",\"changes\":"
                            "[{\"op\":\"modify\",\"path\":\"root/x.bat\",\"backup\":\"backups/old/0.bak\",\"before\":\"a\",\"after\":\"b\"}]}\n"
                            "{\"event\":\"applied\",\"id\":\"old\"}\n")
              .ok());
  Journal j(d / "state");
  for (bool force : {false, true}) {
    auto refused = j.undo("old", force);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::NeedsTechnician);
    CHECK(refused.error().message.en.find("relative to the folder caora ran in") != std::string::npos);
    CHECK(refused.error().message.ja.find("相対パス") != std::string::npos);
  }
  CHECK(j.entries()->front().state == "applied");
}

TEST_CASE("an entry interrupted between its writes says what was written and a plain undo reverts it") {
  fs::path d = temp_dir("journal-begun");
  fs::path a = d / "Execute.bat", b = d / "AppStartUp.bat";
  REQUIRE(write_file_atomic(a, "300").ok());
  REQUIRE(write_file_atomic(b, "40").ok());
  Journal j(d / "state");
  auto id = j.apply("t", {}, {{FileChange::Op::Modify, a, "777"}, {FileChange::Op::Modify, b, "777"}});
  REQUIRE(id.ok());
  // Killed after the first file: begin + wrote 0 are on disk, the second file is untouched.
  keep_journal_lines(d / "state", 2);
  REQUIRE(write_file_atomic(b, "40").ok());
  auto e = j.entries();
  REQUIRE(e->front().state == "begun");
  CHECK(e->front().changes[0].value("written", false));
  CHECK_FALSE(e->front().changes[1].value("written", false));
  REQUIRE(j.undo(*id, false).ok());
  CHECK(*read_file(a) == "300");
  CHECK(*read_file(b) == "40");
  CHECK(j.entries()->front().state == "undone");
}

TEST_CASE("an interrupted undo is finished by a plain undo") {
  fs::path d = temp_dir("journal-undoing");
  fs::path a = d / "a.bat", b = d / "b.bat", gone = d / "CJKA1.ini";
  REQUIRE(write_file_atomic(a, "300").ok());
  REQUIRE(write_file_atomic(b, "40").ok());
  REQUIRE(write_file_atomic(gone, "bad").ok());
  Journal j(d / "state");
  auto id = j.apply("t", {}, {{FileChange::Op::Modify, a, "777"}, {FileChange::Op::Modify, b, "777"}, {FileChange::Op::Remove, gone, {}}});
  REQUIRE(id.ok());
  // The undo got as far as the last two (it restores newest first), then died.
  append_line(d / "state", "{\"event\":\"undo-begun\",\"id\":\"" + *id + "\"}");
  REQUIRE(write_file_atomic(gone, "bad").ok());
  REQUIRE(write_file_atomic(b, "40").ok());
  CHECK(j.entries()->front().state == "undoing");
  REQUIRE(j.undo(*id, false).ok());
  CHECK(*read_file(a) == "300");
  CHECK(*read_file(b) == "40");
  CHECK(*read_file(gone) == "bad");
  CHECK(j.entries()->front().state == "undone");
}

TEST_CASE("a file changed by someone else still needs force, also in an interrupted entry") {
  fs::path d = temp_dir("journal-force");
  fs::path a = d / "a.bat";
  REQUIRE(write_file_atomic(a, "300").ok());
  Journal j(d / "state");
  auto id = j.apply("t", {}, {{FileChange::Op::Modify, a, "777"}});
  REQUIRE(id.ok());
  keep_journal_lines(d / "state", 1);
  REQUIRE(write_file_atomic(a, "555").ok());
  auto refused = j.undo(*id, false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.en.find("changed again") != std::string::npos);
  CHECK(*read_file(a) == "555");
  REQUIRE(j.undo(*id, true).ok());
  CHECK(*read_file(a) == "300");
}

TEST_CASE("an interrupted system change is not claimed undone") {
  fs::path d = temp_dir("journal-sys-begun");
  Journal j(d / "state");
  std::string id;
  {
    auto c = SystemChange::begin(j, "rndis.enable", nlohmann::json::object());
    REQUIRE(c.ok());
    id = c->id();
  }
  keep_journal_lines(d / "state", 1);  // killed: no "failed" line
  auto refused = j.undo(id, false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::NeedsTechnician);
  CHECK(j.entries()->front().state == "begun");
}

#ifndef _WIN32
TEST_CASE("backups and the state folder are owner-only; a removed file comes back with its mode") {
  fs::path d = temp_dir("journal-modes");
  fs::path f = d / "CJKA1.ini";
  REQUIRE(write_file_atomic(f, "[Device]").ok());
  fs::permissions(f, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  Journal j(d / "state");
  auto id = j.apply("t", {}, {{FileChange::Op::Remove, f, {}}});
  REQUIRE(id.ok());
  auto mode = [](const fs::path& p) { return fs::status(p).permissions() & fs::perms::all; };
  CHECK(mode(d / "state") == fs::perms::owner_all);
  CHECK(mode(d / "state" / "backups" / *id) == fs::perms::owner_all);
  CHECK(mode(d / "state" / "backups" / *id / "0.bak") == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(mode(d / "state" / "journal.jsonl") == (fs::perms::owner_read | fs::perms::owner_write));
  REQUIRE(j.undo(*id, false).ok());
  CHECK(mode(f) == (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read));
}

TEST_CASE("a symlink is not removed, and a symlinked file is written through") {
  fs::path d = temp_dir("journal-link");
  REQUIRE(write_file_atomic(d / "real.bat", "40").ok());
  fs::create_symlink(d / "real.bat", d / "link.bat");
  Journal j(d / "state");
  CHECK_FALSE(j.apply("t", {}, {{FileChange::Op::Remove, d / "link.bat", {}}}).ok());
  auto id = j.apply("t", {}, {{FileChange::Op::Modify, d / "link.bat", "90"}});
  REQUIRE(id.ok());
  CHECK(fs::is_symlink(d / "link.bat"));
  CHECK(*read_file(d / "real.bat") == "90");
  REQUIRE(j.undo(*id, false).ok());
  CHECK(fs::is_symlink(d / "link.bat"));
  CHECK(*read_file(d / "real.bat") == "40");
}
#endif
