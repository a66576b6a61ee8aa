#include "card/tlv.h"

#include <catch2/catch.hpp>

using namespace caora;

TEST_CASE("short and long lengths") {
  std::string b("\xDF\x22\x08" "19800217" "\xDF\x27\x82\x01\x00", 16);
  b += std::string(256, 'x');
  auto list = parse_tlv_list(b);
  REQUIRE(list.ok());
  REQUIRE(list->size() == 2);
  CHECK((*list)[0].tag == 0xDF22);
  CHECK((*list)[0].value == "19800217");
  CHECK((*list)[1].tag == 0xDF27);
  CHECK((*list)[1].value.size() == 256);
  CHECK(*tlv_total_size(std::string("\xFF\x20\x82\x05\xDC", 5)) == 5 + 0x5DC);
}

TEST_CASE("truncated or malformed TLVs are errors, never reads past the end") {
  CHECK_FALSE(parse_tlv_list(std::string("\xDF\x22\x09" "1980", 7)).ok());        // value too short
  CHECK_FALSE(parse_tlv_list(std::string("\xDF", 1)).ok());                        // tag cut
  CHECK_FALSE(parse_tlv_list(std::string("\xDF\x22\x84\x00\x00\x00\x01", 7)).ok());  // 4-byte length
  CHECK_FALSE(parse_tlv_list(std::string("\xDF\x22\x82\x01", 4)).ok());            // length cut
  CHECK_FALSE(tlv_total_size("").ok());
}

TEST_CASE("padding after the last object is allowed") {
  auto list = parse_tlv_list(std::string("\xDF\x23\x01" "1" "\xFF\xFF\xFF", 7));
  REQUIRE(list.ok());
  CHECK(list->size() == 1);
}
