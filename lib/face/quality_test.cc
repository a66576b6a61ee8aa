#include "face/quality.h"

#include <cmath>

#include <catch2/catch.hpp>

using namespace caora;
using namespace caora::face;

namespace {

// A capture of `w` x `h` in grey `background`, with a face box of `size` px at
// (cx, cy) filled with `face` grey, and landmarks placed as an upright frontal
// face turned by `roll` degrees, the nose shifted sideways by `yaw` half eye-spans.
struct Scene {
  RgbImage image;
  std::vector<FoundFace> faces;
};

Scene scene(int w, int h, int size, int cx, int cy, uint8_t background, uint8_t face, double roll = 0, double yaw = 0) {
  Scene s;
  s.image = make_rgb(w, h);
  FoundFace f;
  f.box = Box{cx - size / 2, cy - size / 2, size, size};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      bool in = x >= f.box.left && x < f.box.left + size && y >= f.box.top && y < f.box.top + size;
      uint8_t* p = s.image.at(x, y);
      p[0] = p[1] = p[2] = in ? face : background;
    }
  double r = roll * M_PI / 180, half = size * 0.3;
  auto place = [&](int i, double dx, double dy) {
    f.landmarks[i] = Point{cx + dx * std::cos(r) - dy * std::sin(r), cy + dx * std::sin(r) + dy * std::cos(r)};
  };
  for (int i = 36; i <= 41; ++i) place(i, -half + (i - 36), -size * 0.1);  // subject's right eye, image left
  for (int i = 42; i <= 47; ++i) place(i, half - (47 - i), -size * 0.1);
  place(36, -half, -size * 0.1);
  place(45, half, -size * 0.1);
  place(30, yaw * half, size * 0.05);
  s.faces.push_back(f);
  return s;
}

}  // namespace

TEST_CASE("a centred, upright, well-lit face of the right size has no findings", "[face]") {
  Scene s = scene(640, 480, 260, 320, 240, 120, 140);
  Quality q = assess_quality(s.image, s.faces);
  CHECK(q.face_found);
  CHECK(q.width_ratio == Approx(260.0 / 640));
  CHECK(q.roll_degrees == Approx(0).margin(1e-9));
  CHECK(quality_findings(q).empty());
  CHECK(!q.eyes_occluded.has_value());  // not judged yet: unknown, never "fine"
  CHECK(!q.masked.has_value());
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

TEST_CASE("glare over the eyes is found; nothing else over the eyes is judged", "[face]") {
  Scene s = scene(640, 480, 260, 320, 240, 120, 140);
  Quality plain = assess_quality(s.image, s.faces);
  CHECK(!plain.eyes_occluded.has_value());
  // White over both eye boxes, as a reflection on glasses.
  for (int i : {36, 42})
    for (int y = int(s.faces[0].landmarks[i].y) - 8; y <= int(s.faces[0].landmarks[i].y) + 8; ++y)
      for (int x = int(s.faces[0].landmarks[i].x); x <= int(s.faces[0].landmarks[i + 3].x); ++x)
        for (int c = 0; c < 3; ++c) s.image.at(x, y)[c] = 252;
  Quality glare = assess_quality(s.image, s.faces);
  REQUIRE(glare.eyes_occluded.has_value());
  CHECK(*glare.eyes_occluded);
  CHECK(glare.patches.eyes_bright > kGlareShare);
  bool advised = false;
  for (const auto& f : quality_findings(glare)) advised |= std::string(f.id) == "eyes_occluded";
  CHECK(advised);
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
