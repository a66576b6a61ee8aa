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
