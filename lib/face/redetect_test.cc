#include "face/redetect.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "face/quality.h"
#include "image/image_io.h"

using namespace caora;
using namespace caora::face;

namespace {

// Debian's libdlib-data (the landmark model) and libdlib19.1's example photos; scripts/deps.sh
// installs both.
const char* kDlibShare = "/usr/share/dlib";
const char* kChip = "/usr/share/doc/libdlib19.1/examples/johns/John_Salley/000179_02159509.jpg";

const FaceFinder& finder() {
  static const FaceFinder f = [] {
    auto loaded = FaceFinder::load(kDlibShare);
    if (!loaded) FAIL(loaded.error().message.en);
    return *loaded;
  }();
  return f;
}

RgbImage chip() {
  auto img = load_image(kChip);
  REQUIRE(img.ok());
  return *img;
}

// The chip at twice its size in the middle of a 640x480 grey frame: a face about 30 cm
// from a webcam.
RgbImage capture(const RgbImage& pic) {
  RgbImage frame = make_rgb(640, 480);
  for (size_t i = 0; i < frame.pixels.size(); ++i) frame.pixels[i] = uint8_t(110 + (i / 3 % 640 / 40 % 2) * 12);
  int ox = (640 - 2 * pic.width) / 2, oy = (480 - 2 * pic.height) / 2;
  for (int y = 0; y < 2 * pic.height; ++y)
    for (int x = 0; x < 2 * pic.width; ++x) std::copy_n(pic.at(x / 2, y / 2), 3, frame.at(ox + x, oy + y));
  return frame;
}

// The region (x0, y0, w, h) of `pic` scaled (nearest) to 640x480; outside repeats the edge.
RgbImage crop(const RgbImage& pic, double x0, double y0, double w, double h) {
  RgbImage out = make_rgb(640, 480);
  for (int y = 0; y < 480; ++y)
    for (int x = 0; x < 640; ++x) {
      int sx = std::clamp(int(x0 + x * w / 640), 0, pic.width - 1), sy = std::clamp(int(y0 + y * h / 480), 0, pic.height - 1);
      std::copy_n(pic.at(sx, sy), 3, out.at(x, y));
    }
  return out;
}

Point eye_mid(const FoundFace& f) {
  Point m;
  for (int i = 36; i <= 47; ++i) m.x += f.landmarks[i].x / 12, m.y += f.landmarks[i].y / 12;
  return m;
}

}  // namespace

TEST_CASE("rotated turns clockwise on screen for a positive angle; padded keeps the picture in the middle", "[face]") {
  RgbImage img = make_rgb(41, 41);
  img.at(30, 20)[0] = 255;  // right of the centre (20, 20)
  RgbImage turned = rotated(img, 90);
  CHECK(turned.at(20, 30)[0] == 255);  // now below it
  CHECK(turned.at(30, 20)[0] == 0);
  RgbImage wide = padded(img, 2.0);
  REQUIRE(wide.width == 82);
  REQUIRE(wide.height == 82);
  CHECK(wide.at(20 + 20, 30 + 20)[0] == 0);
  CHECK(wide.at(30 + 20, 20 + 20)[0] == 255);
}

TEST_CASE("an untouched capture gets neither tilted nor too_large", "[face]") {
  auto q = assess_probe(finder(), capture(chip()));
  REQUIRE(q.ok());
  CHECK(q->face_found);
  CHECK_FALSE(q->tilted.value_or(true));
  CHECK_FALSE(q->too_large.value_or(true));
  CHECK(q->redetected == nullptr);
}

TEST_CASE("a face rolled 30 degrees is found on a turned copy and said tilted", "[face]") {
  RgbImage upright = capture(chip());
  auto faces = finder().find(upright);
  REQUIRE(faces.ok());
  REQUIRE(faces->size() == 1);
  RgbImage rolled = rotated(upright, 30);

  // The second look itself: found on the copy turned back (-25 degrees), the landmarks
  // taken back to the rolled capture, where the eyes now are.
  auto again = redetect(finder(), rolled);
  REQUIRE(again.ok());
  REQUIRE(again->has_value());
  const Redetection& r = **again;
  CHECK(r.how == Redetection::How::Rotated);
  CHECK(r.rotation < 0);
  CHECK(roll_degrees_of(r.face) == Approx(30 + roll_degrees_of(faces->front())).margin(6));
  Point before = eye_mid(faces->front()), after = eye_mid(r.face);
  double a = 30 * M_PI / 180, cx = 319.5, cy = 239.5;
  Point want{cx + (before.x - cx) * std::cos(a) - (before.y - cy) * std::sin(a),
             cy + (before.x - cx) * std::sin(a) + (before.y - cy) * std::cos(a)};
  CHECK(std::hypot(after.x - want.x, after.y - want.y) < 12);

  // Whole: tilted, however the face was found (dlib's detector takes some rolled faces
  // itself, and then the landmarks give the roll).
  auto q = assess_probe(finder(), rolled);
  REQUIRE(q.ok());
  CHECK(q->tilted.value_or(false));
  CHECK_FALSE(q->too_large.value_or(false));
  CHECK(q->roll_degrees > kMaxRollDegrees);
}

TEST_CASE("a face that fills the frame or is cut by it is said too_large", "[face]") {
  RgbImage pic = chip();
  auto faces = finder().find(pic);
  REQUIRE(faces.ok());
  REQUIRE(faces->size() == 1);
  const Box& b = faces->front().box;
  // Filling: the face's box 95% of the frame's width.
  double w = b.width / 0.95;
  auto fill = assess_probe(finder(), crop(pic, b.left + b.width / 2.0 - w / 2, b.top + b.height / 2.0 - w * 0.375, w, w * 0.75));
  REQUIRE(fill.ok());
  CHECK(fill->too_large.value_or(false));
  CHECK_FALSE(fill->tilted.value_or(false));
  // Cut: a third of the face past the left edge; the second look finds it on the padded copy.
  w = b.width / 0.75;
  RgbImage cut = crop(pic, b.left + b.width / 3.0, b.top + b.height / 2.0 - w * 0.375, w, w * 0.75);
  auto again = redetect(finder(), cut);
  REQUIRE(again.ok());
  REQUIRE(again->has_value());
  CHECK((*again)->how == Redetection::How::Padded);
  CHECK((*again)->face.box.left < 0);
  auto q = assess_probe(finder(), cut);
  REQUIRE(q.ok());
  CHECK(q->too_large.value_or(false));
}

TEST_CASE("a face found only on a copy is said with its cause and advice, in both languages", "[face]") {
  Quality q;
  q.redetected = "rotated";
  q.tilted = true;
  q.roll_degrees = 33;
  auto findings = quality_findings(q);
  REQUIRE(findings.size() == 2);
  CHECK(std::string(findings[0].id) == "face_found");
  CHECK(std::string(findings[1].id) == "tilted");
  CHECK(findings[1].what.en.find("rolled about 33°") != std::string::npos);
  CHECK(findings[1].what.ja.find("33°") != std::string::npos);
  CHECK(findings[1].advice.en.find("upright") != std::string::npos);
  q = Quality{};
  q.redetected = "padded";
  q.too_large = true;
  q.width_ratio = 1.2;
  findings = quality_findings(q);
  REQUIRE(findings.size() == 2);
  CHECK(std::string(findings[1].id) == "too_large");
  CHECK(findings[1].what.en.find("120%") != std::string::npos);
  CHECK(findings[1].advice.ja.find("30cm") != std::string::npos);
}
