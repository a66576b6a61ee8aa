// The read side of core/fs: every input has a ceiling.
#include <catch2/catch.hpp>

#include <fstream>

#include "core/fs.h"

using namespace caora;

TEST_CASE("read_file refuses a file over its limit, naming the file and the limit") {
  fs::path d = fs::temp_directory_path() / ("caora-read-" + std::to_string(::rand()));
  fs::create_directories(d);
  fs::path f = d / "big.json";
  {
    std::ofstream out(f, std::ios::binary);
    out << std::string((size_t{1} << 20) + 1, 'x');
  }
  auto small = read_file(f, size_t{1} << 20);
  REQUIRE_FALSE(small.ok());
  CHECK(small.error().kind == ErrorKind::Parse);
  CHECK(small.error().message.en.find("big.json") != std::string::npos);
  CHECK(small.error().message.en.find("1 MiB") != std::string::npos);
  auto roomy = read_file(f, size_t{2} << 20);
  REQUIRE(roomy.ok());
  CHECK(roomy->size() == (size_t{1} << 20) + 1);
  fs::remove_all(d);
}

#ifndef _WIN32
TEST_CASE("read_file stops an endless device at the limit instead of running out of memory") {
  auto zero = read_file("/dev/zero");
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().message.en.find("too large") != std::string::npos);
  CHECK(zero.error().message.en.find("16 MiB") != std::string::npos);
}
#endif
