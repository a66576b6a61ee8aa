#include "core/fs.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>

#ifndef _WIN32
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

using namespace caora;

namespace {
fs::path temp_dir(const char* name) {
  fs::path d = fs::temp_directory_path() / ("caora-fs-" + std::string(name) + "-" + std::to_string(::rand()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::vector<std::string> names_in(const fs::path& d) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(d)) out.push_back(e.path().filename().u8string());
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

TEST_CASE("an atomic write leaves only the target behind") {
  fs::path d = temp_dir("plain");
  REQUIRE(write_file_atomic(d / "a.bat", "one").ok());
  REQUIRE(write_file_atomic(d / "a.bat", "two").ok());
  CHECK(*read_file(d / "a.bat") == "two");
  CHECK(names_in(d) == std::vector<std::string>{"a.bat"});
}

#ifndef _WIN32
namespace {
long dead_pid() {
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  return child;
}
unsigned mode_of(const fs::path& p) {
  struct stat st {};
  stat(p.c_str(), &st);
  return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("a dead writer's temp files are removed by the next write in the folder, a live one's kept") {
  fs::path d = temp_dir("stale");
  long dead = dead_pid();
  std::string stale = ".StartUpEnv.bat.caora-" + std::to_string(dead) + "-1a2b3c.tmp";
  std::string live = ".StartUpEnv.bat.caora-" + std::to_string(getppid()) + "-4d5e6f.tmp";
  std::string other = ".notes.tmp";  // not ours: never touched
  for (const auto& n : {stale, live, other}) REQUIRE(write_file_atomic(d / n, "x").ok());
  REQUIRE(write_file_atomic(d / "StartUpEnv.bat", "set WAIT_TIME_SECOND=40\r\n").ok());
  auto names = names_in(d);
  CHECK(std::find(names.begin(), names.end(), stale) == names.end());
  CHECK(std::find(names.begin(), names.end(), live) != names.end());
  CHECK(std::find(names.begin(), names.end(), other) != names.end());
  CHECK(remove_stale_temp_files(d) == 0);
}

TEST_CASE("an older caora's temp files (no pid in the name) are removed once they are an hour old") {
  fs::path d = temp_dir("legacy");
  REQUIRE(write_file_atomic(d / ".StartUpEnv.bat.caora-9f8e7d6c5b4a3921.tmp", "old").ok());
  REQUIRE(write_file_atomic(d / ".StartUpEnv.bat.caora-1a2b3c4d5e6f7081.tmp", "recent").ok());
  fs::last_write_time(d / ".StartUpEnv.bat.caora-9f8e7d6c5b4a3921.tmp", fs::file_time_type::clock::now() - std::chrono::hours(2));
  CHECK(remove_stale_temp_files(d) == 1);
  CHECK(names_in(d) == std::vector<std::string>{".StartUpEnv.bat.caora-1a2b3c4d5e6f7081.tmp"});
}

TEST_CASE("a rewrite keeps the file's mode") {
  fs::path d = temp_dir("mode");
  for (unsigned m : {0400u, 0640u, 0600u, 0755u}) {
    fs::path f = d / ("f" + std::to_string(m));
    REQUIRE(write_file_atomic(f, "a").ok());
    REQUIRE(chmod(f.c_str(), m) == 0);
    REQUIRE(write_file_atomic(f, "b").ok());
    CHECK(mode_of(f) == m);
    CHECK(*read_file(f) == "b");
  }
}

TEST_CASE("a rewrite keeps the file's owner") {
  if (geteuid() != 0) SUCCEED("needs root to give a file to another owner");
  else {
    fs::path d = temp_dir("owner");
    fs::path f = d / "x.ini";
    REQUIRE(write_file_atomic(f, "a").ok());
    REQUIRE(chown(f.c_str(), 65534, 65534) == 0);
    REQUIRE(write_file_atomic(f, "b").ok());
    struct stat st {};
    REQUIRE(stat(f.c_str(), &st) == 0);
    CHECK(st.st_uid == 65534u);
    CHECK(st.st_gid == 65534u);
  }
}

TEST_CASE("private writes and folders are owner-only; a created file follows the recorded mode") {
  fs::path d = temp_dir("private");
  REQUIRE(make_private_dirs(d / "state").ok());
  CHECK(mode_of(d / "state") == 0700u);
  WriteOptions priv;
  priv.private_mode = true;
  REQUIRE(write_file_atomic(d / "state" / "0.bak", "secret", priv).ok());
  CHECK(mode_of(d / "state" / "0.bak") == 0600u);
  WriteOptions recorded;
  recorded.create_meta = FileMeta{0640, -1, -1};
  REQUIRE(write_file_atomic(d / "back.ini", "x", recorded).ok());
  CHECK(mode_of(d / "back.ini") == 0640u);
}

TEST_CASE("a symlinked file is written through and stays a link") {
  fs::path d = temp_dir("link");
  fs::create_directories(d / "real");
  REQUIRE(write_file_atomic(d / "real" / "target.bat", "old").ok());
  REQUIRE(chmod((d / "real" / "target.bat").c_str(), 0600) == 0);
  fs::create_symlink("real/target.bat", d / "link.bat");
  REQUIRE(write_file_atomic(d / "link.bat", "new").ok());
  CHECK(fs::is_symlink(d / "link.bat"));
  CHECK(*read_file(d / "real" / "target.bat") == "new");
  CHECK(mode_of(d / "real" / "target.bat") == 0600u);
  CHECK(write_target(d / "link.bat") == fs::canonical(d / "real" / "target.bat"));
}
#endif

#ifdef _WIN32
#include <windows.h>
#include <aclapi.h>

TEST_CASE("the state folder gets a protected ACL for SYSTEM, Administrators and the owner") {
  fs::path d = temp_dir("acl") / "state";
  REQUIRE(make_private_dirs(d).ok());
  PACL dacl = nullptr;
  PSECURITY_DESCRIPTOR sd = nullptr;
  REQUIRE(GetNamedSecurityInfoW(d.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl, nullptr, &sd) ==
          ERROR_SUCCESS);
  SECURITY_DESCRIPTOR_CONTROL control = 0;
  DWORD revision = 0;
  REQUIRE(GetSecurityDescriptorControl(sd, &control, &revision));
  // Nothing inherited from ProgramData. Wine keeps the ACL but does not report
  // the protected flag back, so only Windows itself is asked for it.
  const bool wine = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version") != nullptr;
  if (!wine) CHECK((control & SE_DACL_PROTECTED) != 0);
  REQUIRE(dacl != nullptr);
  CHECK(dacl->AceCount == 3);
  LocalFree(sd);
}
#endif
