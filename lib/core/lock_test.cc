#include "core/lock.h"

#include <catch2/catch.hpp>

#ifndef _WIN32
#include <sys/wait.h>
#include <unistd.h>
#endif

using namespace caora;

namespace {
fs::path lock_dir(const char* name) {
  fs::path d = fs::temp_directory_path() / ("caora-" + std::string(name) + "-" + std::to_string(::rand()));
  fs::remove_all(d);
  return d;
}
}  // namespace

TEST_CASE("the site lock is exclusive and released on scope exit") {
  fs::path d = lock_dir("lock");
  {
    auto first = SiteLock::acquire(d);
    REQUIRE(first.ok());
    auto second = SiteLock::acquire(d);
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().kind == ErrorKind::Locked);
  }
  CHECK(SiteLock::acquire(d).ok());
}

TEST_CASE("a lock file left by a dead process does not block") {
  fs::path d = lock_dir("lock2");
  fs::create_directories(d);
  REQUIRE(write_file_atomic(d / "lock", "999999999 2020-01-01T00:00:00+09:00\n").ok());
  CHECK(SiteLock::acquire(d).ok());
}

TEST_CASE("a holder that has not written its pid yet still holds the lock") {
  // The gap between taking the lock and writing the pid: the file is empty.
  fs::path d = lock_dir("lock3");
  auto holder = SiteLock::acquire(d);
  REQUIRE(holder.ok());
  fs::resize_file(d / "lock", 0);
  auto second = SiteLock::acquire(d);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().kind == ErrorKind::Locked);
  CHECK(fs::exists(d / "lock"));  // never removed by the one that did not get it
}

TEST_CASE("a refused second taker's pid message names the holder") {
  fs::path d = lock_dir("lock4");
  auto holder = SiteLock::acquire(d);
  REQUIRE(holder.ok());
  auto second = SiteLock::acquire(d);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().message.en.find("pid " + std::to_string(current_pid())) != std::string::npos);
}

#ifndef _WIN32
TEST_CASE("a holder killed without releasing leaves the lock free, and the file stays") {
  fs::path d = lock_dir("lock5");
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto l = SiteLock::acquire(d);
    _exit(l.ok() ? 0 : 1);  // no destructor runs: as if killed
  }
  int status = 0;
  waitpid(child, &status, 0);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  CHECK(fs::exists(d / "lock"));
  CHECK(SiteLock::acquire(d).ok());
}

TEST_CASE("the state folder and the lock are owner-only") {
  fs::path d = lock_dir("lock6");
  auto l = SiteLock::acquire(d);
  REQUIRE(l.ok());
  CHECK((fs::status(d).permissions() & fs::perms::all) == fs::perms::owner_all);
  CHECK((fs::status(d / "lock").permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
}
#endif
