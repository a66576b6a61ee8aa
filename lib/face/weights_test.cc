#include "face/weights.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <catch2/catch.hpp>

#include "core/sha256.h"

using namespace caora;
using namespace caora::face;

namespace {

std::string f32_bytes(std::initializer_list<float> values) {
  std::string out;
  for (float f : values) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    for (int i = 0; i < 4; ++i) out += char((bits >> (8 * i)) & 0xff);
  }
  return out;
}

const char* kManifest = R"([{"paths": ["w.bin"], "weights": [
  {"name": "q8", "shape": [2, 2], "dtype": "float32", "quantization": {"dtype": "uint8", "scale": 0.5, "min": -1}},
  {"name": "f", "shape": [2], "dtype": "float32"},
  {"name": "q16", "shape": [1], "dtype": "float32", "quantization": {"dtype": "uint16", "scale": 0.25, "min": 1}}
]}])";

std::string good_bin() { return std::string("\x00\x01\x02\xff", 4) + f32_bytes({1.5f, -2.25f}) + std::string("\x04\x01", 2); }

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() / ("caora_face_test_" + std::to_string(std::random_device{}()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  void write(const std::string& name, const std::string& bytes) {
    std::ofstream(path / name, std::ios::binary) << bytes;
  }
};

}  // namespace

TEST_CASE("weights decode by the manifest: uint8/uint16 as q*scale+min, float32 little-endian", "[face]") {
  auto set = decode_weights(kManifest, good_bin());
  REQUIRE(set.ok());
  REQUIRE(set->tensors.size() == 3);
  const Tensor* q8 = set->find("q8");
  REQUIRE(q8);
  CHECK(q8->shape == std::vector<int>{2, 2});
  CHECK(q8->values == std::vector<float>{-1.0f, -0.5f, 0.0f, 126.5f});
  CHECK(set->find("f")->values == std::vector<float>{1.5f, -2.25f});
  CHECK(set->find("q16")->values == std::vector<float>{float(260 * 0.25 + 1)});
  CHECK(set->find("nope") == nullptr);
}

TEST_CASE("weights whose sizes do not add up are refused with the numbers", "[face]") {
  auto shorter = decode_weights(kManifest, good_bin().substr(0, 9));
  REQUIRE(!shorter.ok());
  CHECK(shorter.error().kind == ErrorKind::Parse);
  CHECK(shorter.error().message.en.find("runs past the end") != std::string::npos);
  auto longer = decode_weights(kManifest, good_bin() + "x");
  REQUIRE(!longer.ok());
  CHECK(longer.error().message.en.find("add up to 14 bytes but the weights hold 15") != std::string::npos);
  CHECK(!longer.error().message.ja.empty());
}

TEST_CASE("malformed manifests are errors, never exceptions", "[face]") {
  const char* bad[] = {
      "", "not json", "{}", "[]", "[1]", R"([{"paths": "w.bin", "weights": []}])",
      R"([{"paths": [1], "weights": []}])",
      R"([{"paths": [], "weights": [{"name": "a", "shape": [-1], "dtype": "float32"}]}])",
      R"([{"paths": [], "weights": [{"name": "a", "shape": [1.5], "dtype": "float32"}]}])",
      R"([{"paths": [], "weights": [{"name": "a", "shape": [1], "dtype": "int32"}]}])",
      R"([{"paths": [], "weights": [{"name": "a", "shape": [1], "dtype": "float32", "quantization": {"dtype": "float16", "scale": 1, "min": 0}}]}])",
      R"([{"paths": [], "weights": [{"name": "a", "shape": [1], "dtype": "float32", "quantization": {"dtype": "uint8"}}]}])",
      R"([{"paths": [], "weights": [{"name": "a", "shape": [100000, 100000, 100000], "dtype": "float32"}]}])",
      R"([{"paths": [], "weights": [{"shape": [1], "dtype": "float32"}]}])",
  };
  for (const char* m : bad) {
    INFO(m);
    auto set = decode_weights(m, std::string(64, '\0'));
    CHECK(!set.ok());
  }
}

TEST_CASE("sha256sum-format sums parse, comments and binary markers included", "[face]") {
  auto sums = parse_sha256_sums("# comment\nabc  one.bin\n\ndef *two.json\n");
  CHECK(sums.size() == 2);
  CHECK(sums["one.bin"] == "abc");
  CHECK(sums["two.json"] == "def");
  const auto& recorded = recorded_model_sums();
  CHECK(recorded.count(kRecognitionWeights) == 1);
  CHECK(recorded.count(kRecognitionManifest) == 1);
  CHECK(recorded.count("shape_predictor_68_face_landmarks.dat") == 1);
}

TEST_CASE("model files are checked by SHA-256 before they are decoded", "[face]") {
  TempDir dir;
  dir.write("m.json", kManifest);
  dir.write("w.bin", good_bin());
  std::map<std::string, std::string> sums{{"m.json", sha256_hex(kManifest)}, {"w.bin", sha256_hex(good_bin())}};
  auto ok = load_weights(dir.path.string(), "m.json", sums);
  REQUIRE(ok.ok());
  CHECK(ok->tensors.size() == 3);

  dir.write("w.bin", good_bin().substr(0, 13) + "\x05");  // same size, one byte changed
  auto tampered = load_weights(dir.path.string(), "m.json", sums);
  REQUIRE(!tampered.ok());
  CHECK(tampered.error().message.en.find("wrong SHA-256") != std::string::npos);
  CHECK(tampered.error().message.en.find("w.bin") != std::string::npos);

  sums.erase("w.bin");
  auto unrecorded = load_weights(dir.path.string(), "m.json", sums);
  REQUIRE(!unrecorded.ok());
  CHECK(unrecorded.error().message.en.find("no SHA-256 recorded") != std::string::npos);

  auto missing = load_weights((dir.path / "nowhere").string(), "m.json", sums);
  CHECK(!missing.ok());
}

TEST_CASE("a manifest may only name files beside it", "[face]") {
  TempDir dir;
  std::string manifest = R"([{"paths": ["../w.bin"], "weights": []}])";
  dir.write("m.json", manifest);
  auto set = load_weights(dir.path.string(), "m.json", {{"m.json", sha256_hex(manifest)}});
  REQUIRE(!set.ok());
  CHECK(set.error().message.en.find("plain file names") != std::string::npos);
}
