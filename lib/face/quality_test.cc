#include "face/quality.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

using namespace caora;
using namespace caora::face;

namespace {

// A capture of `w` x `h` in grey `background`, with a face box of `size` px at
// (cx, cy) in `face` grey with a skin-like deterministic texture, dark eyes, a mouth
// line, and landmarks placed as an upright frontal face turned by `roll` degrees, the
// nose shifted sideways by `yaw` half eye-spans.
struct Scene {
  RgbImage image;
  std::vector<FoundFace> faces;
};

Scene scene(int w, int h, int size, int cx, int cy, uint8_t background, uint8_t face, double roll = 0, double yaw = 0) {
  Scene s;
  s.image = make_rgb(w, h);
  FoundFace f;
  f.box = Box{cx - size / 2, cy - size / 2, size, size};
  uint32_t noise = 12345;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      bool in = x >= f.box.left && x < f.box.left + size && y >= f.box.top && y < f.box.top + size;
      noise = noise * 1664525u + 1013904223u;
      int texture = in ? int(noise >> 27) - 16 : 0;  // -16..15: pores, shading
      uint8_t* p = s.image.at(x, y);
      p[0] = p[1] = p[2] = uint8_t(std::clamp((in ? face : background) + texture, 0, 255));
    }
  double r = roll * M_PI / 180, half = size * 0.3;
  auto place = [&](int i, double dx, double dy) {
    f.landmarks[i] = Point{cx + dx * std::cos(r) - dy * std::sin(r), cy + dx * std::sin(r) + dy * std::cos(r)};
  };
  for (int i = 0; i < 68; ++i) place(i, 0, 0);
  for (int i = 36; i <= 41; ++i) place(i, -half + (i - 36), -size * 0.1);  // subject's right eye, image left
  for (int i = 42; i <= 47; ++i) place(i, half - (47 - i), -size * 0.1);
  place(36, -half, -size * 0.1);
  place(39, -half * 0.4, -size * 0.1);
  place(42, half * 0.4, -size * 0.1);
  place(45, half, -size * 0.1);
  for (int i : {37, 38, 43, 44}) f.landmarks[i].y -= size * 0.02;
  for (int i : {40, 41, 46, 47}) f.landmarks[i].y += size * 0.02;
  place(19, -half * 0.6, -size * 0.2);  // brows
  place(24, half * 0.6, -size * 0.2);
  place(30, yaw * half, size * 0.05);  // nose tip
  place(33, 0, size * 0.1);           // under the nose
  place(48, -half * 0.6, size * 0.22);  // mouth corners
  place(54, half * 0.6, size * 0.22);
  place(8, 0, size * 0.45);  // chin
  s.faces.push_back(f);
  if (roll == 0) {
    // Dark eyes and the line between the lips, as any face has.
    auto darken = [&](double x0, double y0, double x1, double y1, double factor) {
      for (int y = int(y0); y <= int(y1); ++y)
        for (int x = int(x0); x <= int(x1); ++x)
          for (int c = 0; c < 3; ++c) s.image.at(x, y)[c] = uint8_t(s.image.at(x, y)[c] * factor);
    };
    const auto& lm = f.landmarks;
    darken(lm[36].x + 4, lm[37].y, lm[39].x - 4, lm[41].y, 0.5);
    darken(lm[42].x + 4, lm[43].y, lm[45].x - 4, lm[47].y, 0.5);
    darken(lm[48].x, lm[48].y - 2, lm[54].x, lm[48].y + 2, 0.5);
  }
  return s;
}

// Paints a box of the image in one colour with a faint texture.
void paint(RgbImage& img, double x0, double y0, double x1, double y1, const uint8_t colour[3]) {
  uint32_t noise = 99;
  for (int y = int(y0); y <= int(y1); ++y)
    for (int x = int(x0); x <= int(x1); ++x) {
      noise = noise * 1664525u + 1013904223u;
      for (int c = 0; c < 3; ++c) img.at(x, y)[c] = uint8_t(std::clamp(colour[c] + int(noise >> 30) - 2, 0, 255));
    }
}

bool advises(const Quality& q, const std::string& id, const std::string& ja_word) {
  for (const auto& f : quality_findings(q))
    if (f.id == id && f.advice.ja.find(ja_word) != std::string::npos && !f.advice.en.empty()) return true;
  return false;
}

}  // namespace

TEST_CASE("a centred, upright, well-lit face of the right size has no findings", "[face]") {
  Scene s = scene(640, 480, 260, 320, 240, 120, 140);
  Quality q = assess_quality(s.image, s.faces);
  CHECK(q.face_found);
  CHECK(q.width_ratio == Approx(260.0 / 640));
  CHECK(q.roll_degrees == Approx(0).margin(1e-9));
  CHECK(quality_findings(q).empty());
  // Every field is judged when a face is found.
  for (const auto* field : {&q.too_small, &q.too_large, &q.off_center, &q.tilted, &q.eyes_occluded, &q.backlit, &q.dark, &q.masked}) {
    REQUIRE(field->has_value());
    CHECK(!**field);
  }
}

TEST_CASE("no face, too far, too near and off centre are found", "[face]") {
  Quality none = assess_quality(make_rgb(64, 48), {});
  CHECK(!none.face_found);
  REQUIRE(quality_findings(none).size() == 1);
  CHECK(std::string(quality_findings(none)[0].id) == "face_found");

  CHECK(*assess_quality(scene(640, 480, 100, 320, 240, 120, 140).image, scene(640, 480, 100, 320, 240, 120, 140).faces).too_small);
  Scene near = scene(640, 480, 600, 320, 240, 120, 140);
  CHECK(*assess_quality(near.image, near.faces).too_large);
  Scene side = scene(640, 480, 200, 520, 240, 120, 140);
  Quality q = assess_quality(side.image, side.faces);
  CHECK(*q.off_center);
  CHECK(!*q.too_small);
}

TEST_CASE("roll from the eye line and yaw from the nose are measured", "[face]") {
  Scene rolled = scene(640, 480, 260, 320, 240, 120, 140, 25);
  Quality q = assess_quality(rolled.image, rolled.faces);
  CHECK(q.roll_degrees == Approx(25).margin(0.5));
  CHECK(*q.tilted);
  Scene slight = scene(640, 480, 260, 320, 240, 120, 140, 8);
  CHECK(!*assess_quality(slight.image, slight.faces).tilted);
  Scene turned = scene(640, 480, 260, 320, 240, 120, 140, 0, 0.6);
  Quality t = assess_quality(turned.image, turned.faces);
  CHECK(t.yaw_ratio == Approx(0.6).margin(0.01));
  CHECK(*t.tilted);
}

TEST_CASE("glare over the eyes is found", "[face]") {
  Scene s = scene(640, 480, 260, 320, 240, 120, 140);
  Quality plain = assess_quality(s.image, s.faces);
  CHECK(!*plain.eyes_occluded);
  // White over both eye boxes, as a reflection on glasses.
  for (int i : {36, 42})
    for (int y = int(s.faces[0].landmarks[i].y) - 8; y <= int(s.faces[0].landmarks[i].y) + 8; ++y)
      for (int x = int(s.faces[0].landmarks[i].x); x <= int(s.faces[0].landmarks[i + 3].x); ++x)
        for (int c = 0; c < 3; ++c) s.image.at(x, y)[c] = 252;
  Quality glare = assess_quality(s.image, s.faces);
  CHECK(*glare.eyes_occluded);
  CHECK(std::string(glare.eyes_cover) == "glare");
  CHECK(glare.patches.eyes_bright > kGlareShare);
  CHECK(advises(glare, "eyes_occluded", "眼鏡"));
  CHECK(!*glare.masked);
}

TEST_CASE("a dark band over the eyes and hair across them are told apart", "[face]") {
  Scene s = scene(640, 480, 260, 320, 240, 120, 140);
  const auto& lm = s.faces[0].landmarks;
  Scene band = s;
  const uint8_t dark[3] = {25, 22, 20};
  paint(band.image, lm[36].x - 30, lm[19].y - 5, lm[45].x + 30, lm[41].y + 15, dark);
  Quality b = assess_quality(band.image, band.faces);
  CHECK(*b.eyes_occluded);
  CHECK(std::string(b.eyes_cover) == "dark");
  CHECK(advises(b, "eyes_occluded", "サングラス"));
  // Strands: thin dark vertical lines over the eye strip, skin between them.
  Scene hair = s;
  for (int x = int(lm[36].x) - 30; x <= int(lm[45].x) + 30; x += 4)
    for (int y = int(lm[19].y) - 20; y <= int(lm[41].y) + 12; ++y)
      for (int dx = 0; dx < 2; ++dx)
        for (int c = 0; c < 3; ++c) hair.image.at(x + dx, y)[c] = 50;
  Quality h = assess_quality(hair.image, hair.faces);
  CHECK(*h.eyes_occluded);
  CHECK(std::string(h.eyes_cover) == "hair");
  CHECK(advises(h, "eyes_occluded", "前髪"));
  CHECK(!*h.masked);
}

TEST_CASE("a mask over the lower face is found, in skin-like colours too", "[face]") {
  const uint8_t beige[3] = {225, 200, 170}, pink[3] = {235, 180, 185}, black[3] = {30, 30, 34};
  for (const uint8_t* colour : {beige, pink, black}) {
    Scene s = scene(640, 480, 260, 320, 240, 120, 140);
    const auto& lm = s.faces[0].landmarks;
    paint(s.image, lm[36].x - 20, lm[41].y + 8, lm[45].x + 20, lm[8].y, colour);
    Quality q = assess_quality(s.image, s.faces);
    INFO("colour " << int(colour[0]) << "," << int(colour[1]) << "," << int(colour[2]));
    CHECK(*q.masked);
    CHECK(advises(q, "masked", "マスク"));
    CHECK(advises(q, "masked", "暗証番号"));
  }
}

TEST_CASE("without an accepted face only what is seen is said", "[face]") {
  Quality weak;
  weak.weak_face = true;
  weak.masked = true;
  auto findings = quality_findings(weak);
  REQUIRE(findings.size() == 2);
  CHECK(std::string(findings[0].id) == "face_found");
  CHECK(std::string(findings[1].id) == "masked");
  CHECK(findings[1].what.en.find("no face was accepted") != std::string::npos);
  CHECK(!weak.eyes_occluded.has_value());
}

TEST_CASE("dark faces and backlight are found", "[face]") {
  Scene dark = scene(640, 480, 260, 320, 240, 40, 35);
  Quality d = assess_quality(dark.image, dark.faces);
  CHECK(*d.dark);
  CHECK(!*d.backlit);
  Scene backlit = scene(640, 480, 260, 320, 240, 230, 90);
  Quality b = assess_quality(backlit.image, backlit.faces);
  CHECK(*b.backlit);
  CHECK(!*b.dark);
  bool advised = false;
  for (const auto& f : quality_findings(b)) advised |= std::string(f.id) == "backlit" && !f.advice.ja.empty();
  CHECK(advised);
}
