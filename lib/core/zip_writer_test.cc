#include "core/zip_writer.h"

#include <catch2/catch.hpp>
#include <map>

#include "core/archive.h"

using namespace caora;

TEST_CASE("members written whole and streamed read back through libzip", "[zip]") {
  StringSink sink;
  ZipWriter w(sink);
  std::string text(100000, 'a');
  REQUIRE(w.add(make_member("whole.txt", text, 1700000000)));
  REQUIRE(w.add(make_member("empty.txt", "", 1700000000)));
  REQUIRE(w.begin_stream("streamed/big.log", 1700000000));
  std::string part = "line of a log 2113001\n";
  for (int i = 0; i < 5000; ++i) REQUIRE(w.stream_write(part.data(), part.size()));
  REQUIRE(w.end_stream());
  REQUIRE(w.finish());
  std::map<std::string, std::string> got;
  REQUIRE(for_each_zip_member(nullptr, &sink.bytes(), 1 << 24, [&](ZipEntryData& e) -> Status {
    got[e.name] = e.data;
    return ok_status();
  }));
  CHECK(got["whole.txt"] == text);
  CHECK(got["empty.txt"].empty());
  CHECK(got["streamed/big.log"].size() == part.size() * 5000);
  CHECK(sink.bytes().size() < 20000);  // deflated
}

TEST_CASE("incompressible data is stored", "[zip]") {
  std::string noise;
  uint32_t x = 1;
  for (int i = 0; i < 4096; ++i) {
    x = x * 1664525 + 1013904223;
    noise.push_back(char(x >> 24));
  }
  ZipMember m = make_member("n.bin", noise, 0);
  CHECK_FALSE(m.deflated);
  CHECK(m.data == noise);
  CHECK(m.crc == crc32_of(noise.data(), noise.size()));
}
