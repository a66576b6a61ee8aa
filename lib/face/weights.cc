#include "face/weights.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/embedded.h"
#include "core/fs.h"
#include "core/helper_exec.h"
#include "core/sha256.h"

namespace caora::face {
namespace {

using nlohmann::json;

// Far above the 1.6 M values of the real model; keeps a hostile manifest from
// asking for gigabytes before the size check can refuse it.
constexpr uint64_t kMaxValues = uint64_t(1) << 26;

Error parse_error(const std::string& ja, const std::string& en) {
  return make_error(ErrorKind::Parse, "重みマニフェスト: " + ja, "weights manifest: " + en);
}

Expected<json> parse_manifest(const std::string& text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return parse_error("JSON として読めません", "not valid JSON");
  if (!doc.is_array() || doc.empty())
    return parse_error("グループの配列ではありません", "not an array of weight groups");
  for (const auto& group : doc) {
    if (!group.is_object() || !group.contains("paths") || !group["paths"].is_array() ||
        !group.contains("weights") || !group["weights"].is_array())
      return parse_error("各グループに paths と weights の配列が必要です",
                         "each group needs \"paths\" and \"weights\" arrays");
    for (const auto& p : group["paths"])
      if (!p.is_string()) return parse_error("paths に文字列以外があります", "a path is not a string");
  }
  return doc;
}

float read_f32_le(const unsigned char* p) {
  uint32_t bits = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

}  // namespace

const Tensor* WeightSet::find(const std::string& name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

Expected<std::vector<std::string>> manifest_paths(const std::string& manifest_json) {
  auto doc = parse_manifest(manifest_json);
  if (!doc) return doc.error();
  std::vector<std::string> out;
  for (const auto& group : *doc)
    for (const auto& p : group["paths"]) out.push_back(p.get<std::string>());
  return out;
}

Expected<WeightSet> decode_weights(const std::string& manifest_json, const std::string& weights) {
  auto doc = parse_manifest(manifest_json);
  if (!doc) return doc.error();
  WeightSet set;
  const auto* bytes = reinterpret_cast<const unsigned char*>(weights.data());
  uint64_t offset = 0;
  for (const auto& group : *doc) {
    for (const auto& entry : group["weights"]) {
      if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() ||
          !entry.contains("shape") || !entry["shape"].is_array() || !entry.contains("dtype") ||
          !entry["dtype"].is_string())
        return parse_error("テンソルに name・shape・dtype が必要です",
                           "a tensor needs \"name\", \"shape\" and \"dtype\"");
      Tensor t;
      t.name = entry["name"].get<std::string>();
      uint64_t count = 1;
      for (const auto& d : entry["shape"]) {
        if (!d.is_number_integer() || d.get<int64_t>() < 0 || d.get<int64_t>() > int64_t(kMaxValues))
          return parse_error(t.name + " の shape が不正です", t.name + ": bad shape");
        t.shape.push_back(int(d.get<int64_t>()));
        count *= uint64_t(t.shape.back());
        if (count > kMaxValues)
          return parse_error(t.name + " が大きすぎます", t.name + ": too many values");
      }
      if (entry["dtype"] != "float32")
        return parse_error(t.name + " の dtype " + entry["dtype"].get<std::string>() + " には対応していません",
                           t.name + ": dtype " + entry["dtype"].get<std::string>() + " is not supported");
      int width = 4;  // bytes per stored value
      double scale = 1, min = 0;
      if (entry.contains("quantization")) {
        const auto& q = entry["quantization"];
        if (!q.is_object() || !q.contains("dtype") || !q["dtype"].is_string() || !q.contains("scale") ||
            !q["scale"].is_number() || !q.contains("min") || !q["min"].is_number())
          return parse_error(t.name + " の quantization が不正です", t.name + ": bad quantization");
        if (q["dtype"] == "uint8") width = 1;
        else if (q["dtype"] == "uint16") width = 2;
        else
          return parse_error(t.name + " の量子化 " + q["dtype"].get<std::string>() + " には対応していません",
                             t.name + ": quantization " + q["dtype"].get<std::string>() + " is not supported");
        scale = q["scale"].get<double>();
        min = q["min"].get<double>();
        if (!std::isfinite(scale) || !std::isfinite(min))
          return parse_error(t.name + " の scale/min が数ではありません", t.name + ": scale/min not finite");
      }
      uint64_t size = count * uint64_t(width);
      if (offset + size > weights.size()) {
        std::ostringstream ja, en;
        ja << t.name << " が重みファイルの終わりを越えます（" << offset + size << " バイト必要、"
           << weights.size() << " バイトしかありません）";
        en << t.name << " runs past the end of the weights (" << offset + size << " bytes needed, "
           << weights.size() << " present)";
        return parse_error(ja.str(), en.str());
      }
      t.values.resize(count);
      const unsigned char* p = bytes + offset;
      for (uint64_t i = 0; i < count; ++i) {
        if (width == 4) t.values[i] = read_f32_le(p + 4 * i);
        else if (width == 1) t.values[i] = float(p[i] * scale + min);
        else t.values[i] = float((p[2 * i] | p[2 * i + 1] << 8) * scale + min);
      }
      offset += size;
      set.tensors.push_back(std::move(t));
    }
  }
  if (offset != weights.size()) {
    std::ostringstream ja, en;
    ja << "テンソルの合計 " << offset << " バイトが重みファイルの " << weights.size() << " バイトと合いません";
    en << "the tensors add up to " << offset << " bytes but the weights hold " << weights.size();
    return parse_error(ja.str(), en.str());
  }
  return set;
}

std::map<std::string, std::string> parse_sha256_sums(const std::string& text) {
  std::map<std::string, std::string> sums;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string hash, name;
    if (fields >> hash >> name) {
      if (!name.empty() && name[0] == '*') name.erase(0, 1);  // sha256sum's binary-mode marker
      sums[name] = hash;
    }
  }
  return sums;
}

const std::map<std::string, std::string>& recorded_model_sums() {
  static const auto sums = parse_sha256_sums(embedded_file("data/face-models.sha256"));
  return sums;
}

Expected<WeightSet> load_weights(const std::string& dir, const std::string& manifest_name,
                                 const std::map<std::string, std::string>& sums) {
  // Every file is checked before anything is decoded: a model that is not the one
  // the golden test pinned must not quietly give different embeddings.
  auto check = [&](const std::string& name) -> Expected<std::string> {
    fs::path path = fs::path(dir) / name;
    auto bytes = read_file(path, kReadLimitModel);
    if (!bytes) return bytes.error();
    auto want = sums.find(name);
    if (want == sums.end())
      return make_error(ErrorKind::Parse, display_path(path) + ": SHA-256 が記録されていません",
                        display_path(path) + ": no SHA-256 recorded for this file");
    std::string got = sha256_hex(*bytes);
    if (got != want->second)
      return make_error(ErrorKind::Parse,
                        display_path(path) + ": SHA-256 が違います（" + got + "、期待値 " + want->second +
                            "）。scripts/face-models.sh で入れ直してください",
                        display_path(path) + ": wrong SHA-256 " + got + ", expected " + want->second +
                            "; reinstall with scripts/face-models.sh");
    return bytes;
  };
  auto manifest = check(manifest_name);
  if (!manifest) return manifest.error();
  auto paths = manifest_paths(*manifest);
  if (!paths) return paths.error();
  std::string weights;
  for (const auto& p : *paths) {
    // Only plain names beside the manifest: a manifest must not reach elsewhere.
    if (p.empty() || p.find('/') != std::string::npos || p.find('\\') != std::string::npos || p == "." || p == "..")
      return parse_error("paths にはファイル名だけを書けます: " + p, "paths must be plain file names: " + p);
    auto bytes = check(p);
    if (!bytes) return bytes.error();
    weights += *bytes;
  }
  auto set = decode_weights(*manifest, weights);
  if (!set) {
    Error e = set.error();
    e.message.ja = display_path(fs::path(dir) / manifest_name) + ": " + e.message.ja;
    e.message.en = display_path(fs::path(dir) / manifest_name) + ": " + e.message.en;
    return e;
  }
  return set;
}

Expected<WeightSet> load_recognition_weights(const std::string& dir) {
  return load_weights(dir, kRecognitionManifest, recorded_model_sums());
}

Expected<std::string> find_models_dir() {
  if (const char* env = std::getenv("CAORA_MODELS_DIR"); env && *env) {
    if (fs::exists(fs::path(env) / kRecognitionWeights)) return std::string(env);
    return make_error(ErrorKind::NotFound,
                      std::string("CAORA_MODELS_DIR (") + env + ") に " + kRecognitionWeights +
                          " がありません。scripts/face-models.sh --dest " + env + " で入れてください",
                      std::string("CAORA_MODELS_DIR (") + env + ") has no " + kRecognitionWeights +
                          "; install the models with scripts/face-models.sh --dest " + env);
  }
  // Beside the executable first: the Windows build ships its models in a folder
  // next to caora-selftest.exe.
  std::vector<fs::path> places;
  if (auto self = this_executable()) places.push_back(self->parent_path() / "models");
  places.insert(places.end(), {"/usr/local/share/caora/models", "/usr/share/caora/models"});
  std::string tried;
  for (const auto& p : places) {
    if (fs::exists(p / kRecognitionWeights)) return p.u8string();
    tried += (tried.empty() ? "" : ", ") + display_path(p);
  }
  return make_error(ErrorKind::NotFound,
                    "顔認識モデルが見つかりません（" + tried +
                        "）。scripts/face-models.sh で入れるか、CAORA_MODELS_DIR で場所を指定してください",
                    "face models not found (" + tried +
                        "); install them with scripts/face-models.sh or point CAORA_MODELS_DIR at them");
}

}  // namespace caora::face
