#include "cmd/version.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "build_info.h"
#include "core/embedded.h"
#include "core/fs.h"
#include "core/helper_exec.h"
#include "core/sha256.h"
#include "git_commit.h"

namespace caora {

namespace {

// The folders lib/face looks in (face::find_models_dir), in its order. caora does
// not link lib/face (only caora-selftest does), so the places are repeated here.
std::vector<fs::path> model_places() {
  if (const char* env = std::getenv("CAORA_MODELS_DIR"); env && *env) return {fs::path(env)};
  return {"/usr/local/share/caora/models", "/usr/share/caora/models"};
}

// "ok" when the file's SHA-256 is the recorded one, as the self-test checks before
// loading it; "differs", "missing" or "unreadable" otherwise.
std::string installed_state(const fs::path& path, const std::string& want) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return "missing";
  std::ifstream in(path, std::ios::binary);
  if (!in) return "unreadable";
  Sha256 sha;
  std::vector<char> buf(size_t{1} << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    sha.update(buf.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) return "unreadable";
  return sha.hex_digest() == want ? "ok" : "differs";
}

// data/face-models.sha256: "HASH  NAME" lines, and "# PREFIX*: from ..." comments
// that say where a file (or a family of them) comes from and at which version.
nlohmann::json recorded_models() {
  std::istringstream in(embedded_file("data/face-models.sha256"));
  std::vector<std::pair<std::string, std::string>> sources;  // name prefix, "from ..."
  nlohmann::json files = nlohmann::json::array();
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# ", 0) == 0) {
      size_t colon = line.find(": from ");
      if (colon == std::string::npos) continue;
      std::string prefix = line.substr(2, colon - 2);
      if (!prefix.empty() && prefix.back() == '*') prefix.pop_back();
      sources.emplace_back(prefix, line.substr(colon + 2));
      continue;
    }
    std::istringstream fields(line);
    std::string hash, name;
    if (!(fields >> hash >> name)) continue;
    if (name[0] == '*') name.erase(0, 1);
    std::string source;
    for (const auto& [prefix, from] : sources)
      if (name.rfind(prefix, 0) == 0) source = from;
    files.push_back({{"name", name}, {"sha256", hash}, {"source", source}});
  }
  return files;
}

nlohmann::json built_from_lines() {
  nlohmann::json lines = nlohmann::json::array();
  std::istringstream in(kBuiltFrom);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace

nlohmann::json version_document() {
  nlohmann::json build = {{"face", CAORA_BUILD_FACE != 0}, {"card_ocr", CAORA_BUILD_CARD_OCR != 0},
#ifdef _WIN32
                          {"platform", "windows"},
#else
                          {"platform", "linux"},
#endif
                          {"selftest_helper", nullptr}};
#ifdef CAORA_SELFTEST_HELPER
  HelperSearch helper = find_helper(CAORA_SELFTEST_HELPER, "CAORA_SELFTEST_HELPER", "caora");
  if (helper.found) build["selftest_helper"] = display_path(*helper.found);
#endif
  nlohmann::json files = recorded_models();
  nlohmann::json models = {{"dir", nullptr}, {"files", files}};
  // Only a build that runs the face self-test has models to look for.
  if (CAORA_BUILD_FACE) {
    std::vector<fs::path> places = model_places();
    fs::path dir = places.front();
    std::error_code ec;
    for (const auto& p : places)
      if (fs::exists(p / "face_recognition_model.bin", ec)) {
        dir = p;
        break;
      }
    models["dir"] = display_path(dir);
    for (auto& f : models["files"]) f["installed"] = installed_state(dir / f["name"].get<std::string>(), f["sha256"]);
  } else {
    for (auto& f : models["files"]) f["installed"] = "not-used";
  }
  return {{"schema", "caora.version/1"},
          {"version", CAORA_VERSION},
          {"commit", kGitCommit},
          {"dirty", kGitDirty},
          {"build", build},
          {"models", models},
          {"built_from", built_from_lines()}};
}

std::string version_text(const nlohmann::json& doc, Lang lang) {
  bool ja = lang == Lang::Ja;
  auto on_off = [&](bool on) { return std::string(on ? (ja ? "あり" : "on") : (ja ? "なし" : "off")); };
  std::ostringstream out;
  out << "caora " << doc["version"].get<std::string>() << " (" << (ja ? "コミット " : "commit ")
      << doc["commit"].get<std::string>() << (doc["dirty"].get<bool>() ? (ja ? "、未コミットの変更あり" : ", modified") : "")
      << ")\n";
  const auto& b = doc["build"];
  out << (ja ? "ビルド: 顔の自己診断 " : "build: face self-test ") << on_off(b["face"]) << (ja ? "、券面OCR " : ", card-face OCR ")
      << on_off(b["card_ocr"]) << ", " << b["platform"].get<std::string>() << "\n";
  if (b["face"].get<bool>() || b["card_ocr"].get<bool>())
    out << (ja ? "自己診断の補助プログラム: " : "self-test helper: ")
        << (b["selftest_helper"].is_null() ? std::string(ja ? "見つかりません" : "not found")
                                           : b["selftest_helper"].get<std::string>())
        << "\n";
  const auto& m = doc["models"];
  out << (ja ? "モデルファイル" : "model files");
  if (!m["dir"].is_null()) out << " (" << m["dir"].get<std::string>() << ")";
  out << ":\n";
  for (const auto& f : m["files"]) {
    out << "  " << f["name"].get<std::string>() << "  " << f["sha256"].get<std::string>().substr(0, 12) << "  "
        << f["installed"].get<std::string>();
    if (!f["source"].get<std::string>().empty()) out << "  (" << f["source"].get<std::string>() << ")";
    out << "\n";
  }
  for (const auto& line : doc["built_from"]) out << line.get<std::string>() << "\n";
  return out.str();
}

}  // namespace caora
