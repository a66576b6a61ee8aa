#include "core/strings.h"

#include <catch2/catch.hpp>

using namespace caora;

TEST_CASE("full-width ASCII folds to ASCII") {
  CHECK(fold_full_width("\xEF\xBC\xA6\xEF\xBC\xB5\xEF\xBC\xAA\xEF\xBC\x90\xEF\xBC\x90\xEF\xBC\x98") == "FUJ008");  // ＦＵＪ００８
  CHECK(fold_full_width("\xE3\x80\x80x") == " x");                                                               // ideographic space
  CHECK(fold_full_width("\xE3\x81\x82") == "\xE3\x81\x82");                                                       // あ stays
}

TEST_CASE("edit distance counts characters, not bytes") {
  CHECK(edit_distance("008", "080") == 2);
  CHECK(edit_distance("\xE6\x8E\xA5\xE7\xB6\x9A", "\xE6\x8E\xA5") == 1);  // 接続 vs 接
}

TEST_CASE("a count is read as decimal digits only") {
  CHECK(parse_decimal("40", 3600) == 40L);
  CHECK(parse_decimal("040", 3600) == 40L);  // decimal, not octal
  CHECK(parse_decimal("\xEF\xBC\x94\xEF\xBC\x90", 3600) == 40L);  // ４０
  CHECK_FALSE(parse_decimal("0x10", 3600));
  CHECK_FALSE(parse_decimal(" 40", 3600));
  CHECK_FALSE(parse_decimal("40 ", 3600));
  CHECK_FALSE(parse_decimal("+40", 3600));
  CHECK_FALSE(parse_decimal("-0", 3600));
  CHECK_FALSE(parse_decimal("4e1", 3600));
  CHECK_FALSE(parse_decimal("", 3600));
  CHECK_FALSE(parse_decimal("3601", 3600));
  CHECK_FALSE(parse_decimal("99999999999999999999999", 3600));
}

TEST_CASE("an echoed input is cut on a character boundary and says how long it was") {
  CHECK(truncate_for_echo("short", 10) == "short");
  std::string cut = truncate_for_echo(std::string(1 << 20, 'a'), 80);
  CHECK(cut.size() < 120);
  CHECK(cut.find("1048576 bytes") != std::string::npos);
  // 接続 is 6 bytes: a cut at 4 keeps only 接.
  CHECK(truncate_for_echo("\xE6\x8E\xA5\xE7\xB6\x9A", 4).rfind("\xE6\x8E\xA5\xE2\x80\xA6", 0) == 0);
}
