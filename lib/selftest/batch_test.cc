#include "selftest/batch.h"

#include <catch2/catch.hpp>

using namespace caora;
using namespace caora::selftest;

TEST_CASE("the batch manifest resolves paths against its folder", "[selftest]") {
  auto m = parse_manifest(R"({"schema":"caora.selftest-batch/1","cases":[
      {"id":"c1","card":"cards/a.jpg"},
      {"id":"f1","capture":"faces/x.png","reference":"/abs/y.png","expect":{"match":true}},
      {"id":"p1","card":"b.jpg","reader":"PFU Caora","capture":"z.png","expect":{"verification_number_b":"55021720352285"}}]})",
                          "/data/set");
  REQUIRE(m);
  REQUIRE(m->cases.size() == 3);
  // As paths: Windows writes the joined one with its own separator.
  CHECK(fs::path(*m->cases[0].card) == fs::path("/data/set/cards/a.jpg"));
  CHECK(fs::path(*m->cases[1].reference) == fs::path("/abs/y.png"));
  CHECK(*m->cases[1].expect_match == true);
  CHECK(*m->cases[2].reader == "PFU Caora");
  CHECK(*m->cases[2].expect_number == "55021720352285");
}

TEST_CASE("the batch manifest is strict, with errors in both languages", "[selftest]") {
  const char* bad[] = {
      "not json",
      R"({"schema":"caora.selftest-batch/2","cases":[{"id":"c1","card":"a"}]})",
      R"({"schema":"caora.selftest-batch/1","cases":[]})",
      R"({"schema":"caora.selftest-batch/1","cases":[{"id":"c1","card":"a"}],"extra":1})",
      R"({"schema":"caora.selftest-batch/1","cases":[{"id":"c1","card":"a"},{"id":"c1","card":"b"}]})",
      R"({"schema":"caora.selftest-batch/1","cases":[{"id":"c1","crad":"a"}]})",
      R"({"schema":"caora.selftest-batch/1","cases":[{"id":"c1"}]})",
      R"({"schema":"caora.selftest-batch/1","cases":[{"id":"c1","capture":"x"}]})",
      R"({"schema":"caora.selftest-batch/1","cases":[{"id":"c1","card":7}]})",
      R"({"schema":"caora.selftest-batch/1","cases":[{"id":"c1","card":"a","expect":{"match":"yes"}}]})",
  };
  for (const char* text : bad) {
    INFO(text);
    auto m = parse_manifest(text, "/d");
    REQUIRE_FALSE(m);
    CHECK(m.error().kind == ErrorKind::Usage);
    CHECK_FALSE(m.error().message.ja.empty());
    CHECK(m.error().message.en.rfind("manifest", 0) == 0);
  }
}

TEST_CASE("a baseline comparison tells regressions, slow stages and changed inputs apart", "[selftest]") {
  CaseOutcome now;
  now.id = "c1";
  now.inputs_sha256 = {{"card", "aa"}};
  now.number = "55021720352285";
  now.median_ms = {{"ocr", 100}};
  now.spread_ms = {{"ocr", 2}};
  nlohmann::json base = outcomes_json({now});
  auto same = compare(base, {now});
  CHECK(same.regressions.empty());
  CHECK(same.timing_regressions.empty());
  CHECK(same.not_comparable.empty());

  CaseOutcome other = now;
  other.number = "55021720359999";
  auto changed = compare(base, {other});
  REQUIRE(changed.regressions.size() == 1);
  CHECK(changed.regressions[0].find("verification_number_b") != std::string::npos);

  CaseOutcome slow = now;
  slow.median_ms["ocr"] = 149;  // within max(50 %, 3 x spread, 20 ms)
  CHECK(compare(base, {slow}).timing_regressions.empty());
  slow.median_ms["ocr"] = 151;
  CHECK(compare(base, {slow}).timing_regressions.size() == 1);

  CaseOutcome moved = now;
  moved.inputs_sha256["card"] = "bb";
  auto nc = compare(base, {moved});
  CHECK(nc.not_comparable == std::vector<std::string>{"c1"});
  CHECK(nc.regressions.empty());
}

TEST_CASE("the timing tolerance has a relative part, the noise and a floor", "[selftest]") {
  CHECK(timing_tolerance(10, 0, 0) == 20);
  CHECK(timing_tolerance(200, 0, 0) == 100);
  CHECK(timing_tolerance(200, 50, 10) == 150);
}
