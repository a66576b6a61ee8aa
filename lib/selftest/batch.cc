#include "selftest/batch.h"

#include <algorithm>
#include <cmath>
#include <cctype>
#include <set>

#include "core/fs.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "face/weights.h"

namespace caora::selftest {
namespace {

constexpr size_t kMaxCases = 10000;

Error bad(const std::string& where, const std::string& ja, const std::string& en) {
  return make_error(ErrorKind::Usage, "マニフェスト（" + where + "）: " + ja, "manifest (" + where + "): " + en);
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string file_sha256(const std::string& path) {
  auto bytes = read_file(path, size_t(256) << 20);
  return bytes ? sha256_hex(*bytes) : std::string("unreadable");
}

}  // namespace

Expected<Manifest> parse_manifest(const std::string& text, const std::string& base_dir) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    return bad("-", "JSON のオブジェクトとして読めません", "not a JSON object");
  for (const auto& [key, _] : doc.items())
    if (key != "schema" && key != "cases")
      return bad(key, "知らないキーです", "unknown key");
  if (!doc.contains("schema") || doc["schema"] != "caora.selftest-batch/1")
    return bad("schema", "\"caora.selftest-batch/1\" ではありません", "is not \"caora.selftest-batch/1\"");
  if (!doc.contains("cases") || !doc["cases"].is_array() || doc["cases"].empty())
    return bad("cases", "空でない配列にしてください", "must be a non-empty array");
  if (doc["cases"].size() > kMaxCases)
    return bad("cases", "多すぎます（上限 10000）", "too many (at most 10000)");
  Manifest m;
  std::set<std::string> ids;
  size_t index = 0;
  for (const auto& c : doc["cases"]) {
    std::string where = "cases[" + std::to_string(index++) + "]";
    if (!c.is_object()) return bad(where, "オブジェクトにしてください", "must be an object");
    BatchCase bc;
    if (!c.contains("id") || !c["id"].is_string() || c["id"].get<std::string>().empty() ||
        c["id"].get<std::string>().size() > 128)
      return bad(where + ".id", "1〜128 文字の文字列にしてください", "must be a string of 1 to 128 characters");
    bc.id = c["id"].get<std::string>();
    where = "cases." + bc.id;
    if (!ids.insert(bc.id).second) return bad(where, "id が重複しています", "duplicate id");
    for (const auto& [key, value] : c.items()) {
      if (key == "id") continue;
      if (key == "expect") {
        if (!value.is_object()) return bad(where + ".expect", "オブジェクトにしてください", "must be an object");
        for (const auto& [ek, ev] : value.items()) {
          if (ek == "verification_number_b" && ev.is_string()) bc.expect_number = ev.get<std::string>();
          else if (ek == "match" && ev.is_boolean()) bc.expect_match = ev.get<bool>();
          else
            return bad(where + ".expect." + ek, "知らないキーか型の違う値です（verification_number_b: 文字列, match: 真偽値）",
                       "unknown key or wrong type (verification_number_b: string, match: boolean)");
        }
        continue;
      }
      std::optional<std::string>* slot = key == "card"      ? &bc.card
                                         : key == "reader"    ? &bc.reader
                                         : key == "capture"   ? &bc.capture
                                         : key == "reference" ? &bc.reference
                                                              : nullptr;
      if (!slot) return bad(where + "." + key, "知らないキーです", "unknown key");
      if (!value.is_string() || value.get<std::string>().empty())
        return bad(where + "." + key, "空でない文字列にしてください", "must be a non-empty string");
      std::string v = value.get<std::string>();
      if (key == "reader") *slot = v;
      else *slot = fs::path(v).is_absolute() ? v : (fs::path(base_dir) / v).lexically_normal().string();
    }
    if (!bc.card && !bc.capture)
      return bad(where, "card か capture が必要です", "needs card or capture");
    if (bc.reader && !bc.card) return bad(where, "reader には card が必要です", "reader needs card");
    if (bc.capture && !bc.reference && !bc.reader)
      return bad(where, "capture には reference か reader が必要です", "capture needs reference or reader");
    m.cases.push_back(std::move(bc));
  }
  return m;
}

Expected<std::vector<CaseOutcome>> run_batch(const Manifest& manifest, Pipeline& pipeline, int repeat,
                                             const std::optional<std::string>& annotate_root) {
  if (repeat < 1 || repeat > 1000)
    return make_error(ErrorKind::Usage, "--repeat は 1〜1000 にしてください", "--repeat must be 1 to 1000");
  std::vector<CaseOutcome> out;
  // Faces to match anywhere in the batch: their models load while the first cases run.
  if (std::any_of(manifest.cases.begin(), manifest.cases.end(), [](const BatchCase& c) { return c.capture.has_value(); }))
    pipeline.start_face_load();
  for (const auto& c : manifest.cases) {
    CaseOutcome o;
    o.id = c.id;
    const std::pair<const char*, const std::optional<std::string>*> inputs[] = {
        {"card", &c.card}, {"capture", &c.capture}, {"reference", &c.reference}};
    for (const auto& [k, v] : inputs)
      if (*v) o.inputs_sha256[k] = file_sha256(**v);
    std::map<std::string, std::vector<double>> samples;
    for (int i = 0; i < repeat; ++i) {
      RunRequest req{c.card, c.reader, c.capture, c.reference, std::nullopt, face::kMatchThreshold, false};
      if (annotate_root && i + 1 == repeat) {
        fs::path dir = fs::path(*annotate_root) / std::to_string(out.size());
        if (auto made = make_dirs(dir); !made) return made.error();
        req.annotate_dir = dir.string();
      }
      auto rep = pipeline.run(req);
      if (!rep) {
        o.error = rep.error().message.en;
        o.last = {{"error", {{"ja", rep.error().message.ja}, {"en", rep.error().message.en}}}};
        break;
      }
      for (const auto& s : rep->stages) samples[s.name].push_back(s.ms);
      // A VERIFY that failed spent one of the card's tries: never repeat it.
      bool last = i + 1 == repeat || (rep->chip && rep->chip->status != ChipStatus::Ok);
      if (last) {
        o.last = run_json(*rep);
        o.annotated = rep->annotated;
        if (rep->card && rep->card->number) o.number = rep->card->number->digits();
        if (rep->face) {
          o.match = rep->face->match;
          o.distance = rep->face->distance;
          for (const auto& f : rep->face_findings) o.quality_flags.push_back(f.id);
        }
        for (const auto& s : rep->stages)
          if (s.verdict == Verdict::Fail) o.failing_stages.push_back(s.name);
        break;
      }
    }
    for (const auto& [stage, v] : samples) {
      double m = median(v);
      o.median_ms[stage] = m;
      double spread = 0;
      for (double x : v) spread = std::max(spread, std::fabs(x - m));
      o.spread_ms[stage] = spread;
    }
    if (c.expect_number && o.number != c.expect_number)
      o.expect_failures.push_back("verification_number_b: expected " + *c.expect_number + ", got " +
                                  o.number.value_or("none"));
    if (c.expect_match && o.match != c.expect_match)
      o.expect_failures.push_back(std::string("match: expected ") + (*c.expect_match ? "true" : "false") + ", got " +
                                  (o.match ? (*o.match ? "true" : "false") : "none"));
    out.push_back(std::move(o));
  }
  return out;
}

nlohmann::json batch_versions(const std::string& caora_version, const std::optional<std::string>& models_dir) {
  nlohmann::json models = nlohmann::json::object();
  auto dir = models_dir ? Expected<std::string>(*models_dir) : face::find_models_dir();
  if (dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(*dir, ec))
      if (entry.is_regular_file(ec)) models[entry.path().filename().string()] = file_sha256(entry.path().string());
  }
  return {{"caora", caora_version}, {"face_models", models}};
}

nlohmann::json outcomes_json(const std::vector<CaseOutcome>& outcomes) {
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& o : outcomes) {
    nlohmann::json j = {{"id", o.id},
                        {"inputs_sha256", o.inputs_sha256},
                        {"verification_number_b", o.number ? nlohmann::json(*o.number) : nlohmann::json(nullptr)},
                        {"match", o.match ? nlohmann::json(*o.match) : nlohmann::json(nullptr)},
                        {"distance", o.distance ? nlohmann::json(*o.distance) : nlohmann::json(nullptr)},
                        {"quality_flags", o.quality_flags},
                        {"failing_stages", o.failing_stages},
                        {"median_ms", o.median_ms},
                        {"spread_ms", o.spread_ms},
                        {"expect_failures", o.expect_failures},
                        {"error", o.error ? nlohmann::json(*o.error) : nlohmann::json(nullptr)}};
    cases.push_back(j);
  }
  return cases;
}

double timing_tolerance(double baseline_median, double baseline_spread, double spread) {
  return std::max({0.5 * baseline_median, 3 * std::max(baseline_spread, spread), 20.0});
}

Comparison compare(const nlohmann::json& baseline_cases, const std::vector<CaseOutcome>& now) {
  Comparison cmp;
  std::map<std::string, const nlohmann::json*> by_id;
  for (const auto& c : baseline_cases)
    if (c.is_object() && c.contains("id") && c["id"].is_string()) by_id[c["id"].get<std::string>()] = &c;
  for (const auto& o : now) {
    auto it = by_id.find(o.id);
    if (it == by_id.end() || !it->second->contains("inputs_sha256") ||
        (*it->second)["inputs_sha256"] != nlohmann::json(o.inputs_sha256)) {
      cmp.not_comparable.push_back(o.id);
      continue;
    }
    const nlohmann::json& b = *it->second;
    auto as_text = [](const nlohmann::json& j) { return j.is_null() ? std::string("none") : j.dump(); };
    nlohmann::json cur = outcomes_json({o})[0];
    for (const char* key : {"verification_number_b", "match", "quality_flags", "failing_stages", "error"})
      if (b.value(key, nlohmann::json()) != cur[key])
        cmp.regressions.push_back(o.id + ": " + key + " " + as_text(b.value(key, nlohmann::json())) + " → " +
                                  as_text(cur[key]));
    if (!b.contains("median_ms") || !b["median_ms"].is_object()) continue;
    for (const auto& [stage, ms] : o.median_ms) {
      if (!b["median_ms"].contains(stage) || !b["median_ms"][stage].is_number()) continue;
      double base = b["median_ms"][stage].get<double>();
      double base_spread = b.contains("spread_ms") && b["spread_ms"].is_object() && b["spread_ms"].contains(stage) &&
                                   b["spread_ms"][stage].is_number()
                               ? b["spread_ms"][stage].get<double>()
                               : 0.0;
      auto sp = o.spread_ms.find(stage);
      double tol = timing_tolerance(base, base_spread, sp == o.spread_ms.end() ? 0 : sp->second);
      if (ms > base + tol)
        cmp.timing_regressions.push_back(o.id + ": " + stage + " " + fixed(base, 0) + " ms → " + fixed(ms, 0) +
                                         " ms (tolerance " + fixed(tol, 0) + " ms)");
    }
  }
  return cmp;
}

namespace {
fs::path selftest_dir(const fs::path& state) { return state / "selftest"; }
bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; }) &&
         name[0] != '.';
}
}  // namespace

Status save_baseline(const fs::path& state, const std::string& name, const nlohmann::json& doc) {
  if (!valid_name(name))
    return make_error(ErrorKind::Usage, "ベースライン名は英数字・-・_・. で 64 文字までにしてください: " + name,
                      "a baseline name is letters, digits, -, _ and . (at most 64): " + name);
  fs::path dir = selftest_dir(state) / "baselines";
  if (auto s = make_dirs(dir); !s) return s;
  return write_file_atomic(dir / (name + ".json"), doc.dump(2) + "\n");
}

Expected<nlohmann::json> load_baseline(const fs::path& state, const std::string& name) {
  if (!valid_name(name))
    return make_error(ErrorKind::Usage, "ベースライン名は英数字・-・_・. で 64 文字までにしてください: " + name,
                      "a baseline name is letters, digits, -, _ and . (at most 64): " + name);
  fs::path path = selftest_dir(state) / "baselines" / (name + ".json");
  auto text = read_file(path);
  if (!text)
    return make_error(ErrorKind::Usage, "ベースラインがありません: " + name + "（--save-baseline で記録します）",
                      "no such baseline: " + name + " (record one with --save-baseline)");
  nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("cases") || !doc["cases"].is_array())
    return make_error(ErrorKind::Usage, "ベースラインが壊れています: " + display_path(path),
                      "the baseline is damaged: " + display_path(path));
  return doc;
}

Status append_history(const fs::path& state, const nlohmann::json& entry) {
  fs::path path = selftest_dir(state) / "history.json";
  nlohmann::json runs = nlohmann::json::array();
  if (auto text = read_file(path)) {
    nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
    if (!doc.is_discarded() && doc.is_object() && doc.contains("runs") && doc["runs"].is_array()) runs = doc["runs"];
  }
  runs.push_back(entry);
  // Bounded like a drive's self-test log: the oldest runs go first.
  while (runs.size() > kHistory) runs.erase(runs.begin());
  if (auto s = make_dirs(selftest_dir(state)); !s) return s;
  return write_file_atomic(path, nlohmann::json{{"schema", "caora.selftest-history/1"}, {"runs", runs}}.dump(2) + "\n");
}

}  // namespace caora::selftest
