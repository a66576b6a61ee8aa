#include "core/lock.h"

#include <catch2/catch.hpp>

using namespace caora;

TEST_CASE("the site lock is exclusive and released on scope exit") {
  fs::path d = fs::temp_directory_path() / ("caora-lock-" + std::to_string(::rand()));
  fs::remove_all(d);
  {
    auto first = SiteLock::acquire(d);
    REQUIRE(first.ok());
    auto second = SiteLock::acquire(d);
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().kind == ErrorKind::Locked);
  }
  CHECK(SiteLock::acquire(d).ok());
}

TEST_CASE("a stale lock from a dead process is taken over") {
  fs::path d = fs::temp_directory_path() / ("caora-lock2-" + std::to_string(::rand()));
  fs::create_directories(d);
  REQUIRE(write_file_atomic(d / "lock", "999999999 2020-01-01T00:00:00+09:00\n").ok());
  CHECK(SiteLock::acquire(d).ok());
}
