// The recognition weights as face-api.js ships them: a tfjs weights manifest
// (JSON) naming binary files whose tensors are stored back to back in manifest
// order. uint8/uint16-quantised tensors decode as q * scale + min; the others
// are float32 little-endian.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace caora::face {

struct Tensor {
  std::string name;
  std::vector<int> shape;
  std::vector<float> values;  // row-major over shape
};

struct WeightSet {
  std::vector<Tensor> tensors;  // in manifest order
  const Tensor* find(const std::string& name) const;
};

// The model files and where caora finds them.
inline constexpr const char* kRecognitionWeights = "face_recognition_model.bin";
inline constexpr const char* kRecognitionManifest = "face_recognition_model-weights_manifest.json";

// The weight-file names the manifest lists, in order (the binary is their concatenation).
Expected<std::vector<std::string>> manifest_paths(const std::string& manifest_json);

// Decodes `weights` (the manifest's files concatenated) by the manifest. Refuses
// malformed JSON, unsupported dtypes or quantisations, bad shapes, and sizes that
// do not add up to exactly the bytes given. Never throws on bad input.
Expected<WeightSet> decode_weights(const std::string& manifest_json, const std::string& weights);

// SHA-256 sums by file name, from sha256sum-format text ("HASH  NAME", '#' comments).
std::map<std::string, std::string> parse_sha256_sums(const std::string& text);
// The sums recorded in the repository (data/face-models.sha256, embedded at build time).
const std::map<std::string, std::string>& recorded_model_sums();

// Reads the manifest and its weight files from `dir`, checks each file's SHA-256
// against `sums` (a file without a recorded sum is refused too), then decodes.
Expected<WeightSet> load_weights(const std::string& dir, const std::string& manifest_name,
                                 const std::map<std::string, std::string>& sums);
// The face-recognition weights from `dir`, checked against the recorded sums.
Expected<WeightSet> load_recognition_weights(const std::string& dir);

// The models folder: $CAORA_MODELS_DIR if set, else the first of the installed
// places (/usr/local/share/caora/models, /usr/share/caora/models) that holds the
// recognition weights. NotFound names every place tried and how to set them up.
Expected<std::string> find_models_dir();

}  // namespace caora::face
