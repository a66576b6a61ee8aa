#include "face/face_finder.h"

#include <filesystem>
#include <fstream>
#include <random>

#include <catch2/catch.hpp>

using namespace caora;
using namespace caora::face;

namespace {

// Debian's libdlib-data puts the landmark model here; scripts/deps.sh installs it.
const char* kDlibShare = "/usr/share/dlib";

const FaceFinder& finder() {
  static const FaceFinder f = [] {
    auto loaded = FaceFinder::load(kDlibShare);
    if (!loaded) FAIL(loaded.error().message.en);
    return *loaded;
  }();
  return f;
}

}  // namespace

TEST_CASE("a landmark model with the wrong checksum or unreadable content is refused", "[face]") {
  auto dir = std::filesystem::temp_directory_path() / ("caora_finder_test_" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / kLandmarkModel) << "not a shape predictor";
  auto checked = FaceFinder::load(dir.string());
  REQUIRE(!checked.ok());
  CHECK(checked.error().message.en.find("wrong SHA-256") != std::string::npos);
  auto unchecked = FaceFinder::load(dir.string(), /*check_sum=*/false);
  REQUIRE(!unchecked.ok());
  CHECK(unchecked.error().message.en.find("cannot read the landmark model") != std::string::npos);
  auto missing = FaceFinder::load((dir / "nowhere").string());
  CHECK(!missing.ok());
  std::filesystem::remove_all(dir);
}

TEST_CASE("images without a face give no faces; empty images are usage errors", "[face]") {
  for (auto [w, h] : {std::pair{1, 1}, std::pair{7, 3}, std::pair{200, 150}}) {
    RgbImage img = make_rgb(w, h);
    auto faces = finder().find(img);
    REQUIRE(faces.ok());
    CHECK(faces->empty());
  }
  auto empty = finder().find(RgbImage{});
  REQUIRE(!empty.ok());
  CHECK(empty.error().kind == ErrorKind::Usage);
  RgbImage lying{10, 10, std::vector<uint8_t>(5)};
  CHECK(!finder().find(lying).ok());
}
