#include "selftest/face_report.h"

#include <algorithm>

#include <catch2/catch.hpp>

using namespace caora;
using namespace caora::face;

namespace {

FaceSelftestReport matched_report() {
  FaceSelftestReport rep;
  rep.probe = "probe.jpg";
  rep.reference = "card.jp2";
  Quality& q = rep.result.probe;
  q.face_found = true;
  q.faces = 1;
  q.width_ratio = 0.41;
  q.too_small = q.too_large = q.off_center = q.tilted = q.backlit = q.dark = false;
  q.masked = false;
  q.eyes_occluded = true;
  q.eyes_cover = "hair";
  rep.result.reference_face_found = true;
  rep.result.distance = 0.412;
  rep.result.threshold = 0.6;
  rep.result.match = true;
  rep.findings = quality_findings(q);
  rep.timings_ms = {{"read_probe", 1.26}, {"embed_probe", 4.04}, {"total", 900.0}};
  return rep;
}

}  // namespace

TEST_CASE("the face report as caora.selftest.face/1", "[face]") {
  auto doc = face_selftest_json(matched_report());
  CHECK(doc["schema"] == "caora.selftest.face/1");
  CHECK(doc["probe"] == "probe.jpg");
  CHECK(doc["distance"] == Approx(0.412));
  CHECK(doc["match"] == true);
  CHECK(doc["threshold"] == 0.6);
  for (const char* key : {"face_found", "too_small", "too_large", "off_center", "tilted", "eyes_occluded", "backlit",
                          "dark", "masked"})
    CHECK(doc["quality"][key].is_boolean());
  CHECK(doc["quality"]["eyes_occluded"] == true);
  CHECK(doc["not_judged"].empty());
  REQUIRE(doc["findings"].size() == 1);
  CHECK(doc["findings"][0]["id"] == "eyes_occluded");
  CHECK(!doc["findings"][0]["advice"]["ja"].get<std::string>().empty());
  CHECK(doc["timings_ms"]["read_probe"] == Approx(1.3));  // one decimal
  CHECK(doc["measurements"].contains("eye_strip_strands"));
}

TEST_CASE("without a face nothing but the covers seen is judged, and it says so", "[face]") {
  FaceSelftestReport rep;
  rep.result.probe.weak_face = true;
  rep.result.probe.masked = true;
  rep.findings = quality_findings(rep.result.probe);
  auto doc = face_selftest_json(rep);
  CHECK(doc["quality"]["face_found"] == false);
  CHECK(doc["quality"]["masked"] == true);
  CHECK(doc["distance"].is_null());
  auto not_judged = doc["not_judged"].get<std::vector<std::string>>();
  CHECK(not_judged.size() == 7);
  CHECK(std::find(not_judged.begin(), not_judged.end(), "masked") == not_judged.end());
  CHECK(std::find(not_judged.begin(), not_judged.end(), "eyes_occluded") != not_judged.end());
  auto verdicts = face_selftest_verdicts(rep.result, rep.findings);
  REQUIRE(verdicts.size() == 3);
  CHECK(verdicts[0].text == "NOT COMPARED");
  CHECK(verdicts[1].text == "no face found");
  CHECK(verdicts[2].text == "masked");
}

TEST_CASE("the face report as text in Japanese and English", "[face]") {
  Text text = face_selftest_text(matched_report());
  CHECK(text.ja.find("顔の自己診断: probe.jpg と card.jp2") != std::string::npos);
  CHECK(text.ja.find("前髪") != std::string::npos);
  CHECK(text.ja.find("同一人物") != std::string::npos);
  CHECK(text.en.find("face self-test: probe.jpg against card.jp2") != std::string::npos);
  CHECK(text.en.find("distance 0.412 < threshold 0.60: the same person") != std::string::npos);
  CHECK(text.en.find("timings: read_probe 1 ms, embed_probe 4 ms, total 900 ms") != std::string::npos);
  auto verdicts = face_selftest_verdicts(matched_report().result, matched_report().findings);
  CHECK(verdicts[0].text == "MATCH 0.412 < 0.60");
  CHECK(verdicts[0].good);
}

TEST_CASE("a bad face self-test request is a usage error before anything is loaded", "[face]") {
  FaceSelftestRequest bad_threshold{"a.jpg", "b.jpg", 2.5, std::string("/nonexistent-models"), std::nullopt, ""};
  auto a = run_face_selftest(bad_threshold);
  REQUIRE(!a.ok());
  CHECK(a.error().kind == ErrorKind::Usage);
  CHECK(a.error().message.en.find("--threshold") != std::string::npos);
  FaceSelftestRequest missing{"/nonexistent/probe.jpg", "b.jpg", 0.6, std::string("/nonexistent-models"), std::nullopt, ""};
  auto b = run_face_selftest(missing);
  REQUIRE(!b.ok());
  CHECK(b.error().kind == ErrorKind::Usage);
  CHECK(!b.error().message.ja.empty());
}
