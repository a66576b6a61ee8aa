#include "face/face_finder.h"

#include <filesystem>
#include <fstream>
#include <random>

#include <catch2/catch.hpp>

#include "core/fs.h"
#include "image/image_io.h"

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

TEST_CASE("the decoded detector is kept in the cache folder and a damaged copy is replaced", "[face]") {
  namespace fs = std::filesystem;
  auto cache = fs::temp_directory_path() / ("caora_detector_cache_" + std::to_string(std::random_device{}()));
  const char* photo = "/usr/share/doc/libdlib19.1/examples/johns/John_Salley/000179_02159509.jpg";
  // The box of the one face in a johns chip: the cached detector must find what the
  // built-in one finds.
  auto faces_with = [&](const FaceFinder& f) {
    auto loaded = load_image(photo);
    REQUIRE(loaded.ok());
    auto faces = f.find(*loaded);
    REQUIRE(faces.ok());
    return faces->size() == 1 ? (*faces)[0].box.left * 10000 + (*faces)[0].box.top : -1;
  };
  int want = faces_with(finder());
  REQUIRE(want >= 0);

  auto first = FaceFinder::load(kDlibShare, true, cache.string());
  REQUIRE(first.ok());
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(cache)) files.push_back(e.path());
  REQUIRE(files.size() == 2);  // the detector and its digest
  fs::path data = files[0].extension() == ".dat" ? files[0] : files[1];
  CHECK(fs::file_size(data) > 100000);
  auto second = FaceFinder::load(kDlibShare, true, cache.string());
  REQUIRE(second.ok());
  CHECK(faces_with(*second) == want);

  // A damaged copy fails its digest: decoded again and rewritten, same detections.
  auto bytes = read_file(data);
  REQUIRE(bytes.ok());
  std::string damaged = *bytes;
  damaged[damaged.size() / 2] ^= 0x5a;
  REQUIRE(write_file_atomic(data, damaged).ok());
  auto third = FaceFinder::load(kDlibShare, true, cache.string());
  REQUIRE(third.ok());
  CHECK(faces_with(*third) == want);
  auto rewritten = read_file(data);
  REQUIRE(rewritten.ok());
  CHECK(*rewritten == *bytes);
  fs::remove_all(cache);
}
