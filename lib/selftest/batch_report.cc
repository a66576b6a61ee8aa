#include "selftest/batch_report.h"

#include <algorithm>

#include "core/fs.h"
#include "core/strings.h"

namespace caora::selftest {
namespace {

std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], t[v & 63]};
  }
  if (i + 1 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16;
    out += {t[v >> 18], t[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
    out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], '='};
  }
  return out;
}

// Horizontal bars, one pair per stage: now (dark) and the baseline (light).
std::string chart(const CaseOutcome& o, const nlohmann::json* base) {
  double top = 1;
  for (const auto& [stage, ms] : o.median_ms) {
    top = std::max(top, ms);
    if (base && base->contains(stage) && (*base)[stage].is_number()) top = std::max(top, (*base)[stage].get<double>());
  }
  int row = 0;
  std::string bars;
  for (const auto& [stage, ms] : o.median_ms) {
    int y = row++ * 30;
    bars += "<text x=\"0\" y=\"" + std::to_string(y + 12) + "\">" + esc(stage) + "</text>";
    bars += "<rect class=\"now\" data-stage=\"" + esc(stage) + "\" x=\"170\" y=\"" + std::to_string(y) + "\" width=\"" +
            fixed(1 + 400 * ms / top, 0) + "\" height=\"12\"/><text x=\"" + fixed(175 + 400 * ms / top, 0) + "\" y=\"" +
            std::to_string(y + 11) + "\">" + fixed(ms, 0) + " ms</text>";
    if (base && base->contains(stage) && (*base)[stage].is_number()) {
      double b = (*base)[stage].get<double>();
      bars += "<rect class=\"base\" data-stage=\"" + esc(stage) + "\" x=\"170\" y=\"" + std::to_string(y + 13) +
              "\" width=\"" + fixed(1 + 400 * b / top, 0) + "\" height=\"10\"/><text x=\"" + fixed(175 + 400 * b / top, 0) +
              "\" y=\"" + std::to_string(y + 23) + "\">" + fixed(b, 0) + " ms</text>";
    }
  }
  return "<svg class=\"chart\" width=\"680\" height=\"" + std::to_string(row * 30 + 4) + "\">" + bars + "</svg>";
}

}  // namespace

std::string batch_report_html(const std::vector<CaseOutcome>& outcomes, const std::optional<nlohmann::json>& baseline,
                              const Comparison* cmp, const nlohmann::json& versions) {
  std::string h =
      "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>caora selftest batch</title><style>"
      "body{font-family:sans-serif;margin:1em}.case{border:1px solid #ccc;padding:.5em;margin:.5em 0}"
      ".pass{color:#060}.fail{color:#b00}.skipped{color:#777}img{max-height:240px;margin:2px}"
      ".chart text{font-size:11px}.now{fill:#246}.base{fill:#9bd}table{border-collapse:collapse}"
      "td,th{border:1px solid #ddd;padding:2px 6px}</style></head><body>";
  h += "<h1>自己診断の一括実行 / self-test batch</h1>";
  h += "<h2>版 / versions</h2><table><tr><th></th><th>now</th><th>baseline</th></tr>";
  nlohmann::json base_versions = baseline && baseline->contains("versions") ? (*baseline)["versions"] : nlohmann::json();
  for (const char* key : {"caora", "reader_software", "firmware", "face_dll", "face_models"})
    h += "<tr><td>" + std::string(key) + "</td><td>" + esc(versions.value(key, nlohmann::json()).dump()) + "</td><td>" +
         esc(base_versions.is_object() ? base_versions.value(key, nlohmann::json()).dump() : "-") + "</td></tr>";
  h += "</table>";
  if (cmp) {
    h += "<h2>比較 / comparison</h2><ul id=\"comparison\">";
    for (const auto& r : cmp->regressions) h += "<li class=\"fail regression\">" + esc(r) + "</li>";
    for (const auto& r : cmp->timing_regressions) h += "<li class=\"fail timing\">" + esc(r) + "</li>";
    for (const auto& r : cmp->not_comparable) h += "<li class=\"skipped not-comparable\">not comparable: " + esc(r) + "</li>";
    h += "</ul>";
  }
  std::map<std::string, const nlohmann::json*> base_ms;
  if (baseline && baseline->contains("cases") && (*baseline)["cases"].is_array())
    for (const auto& c : (*baseline)["cases"])
      if (c.is_object() && c.contains("id") && c["id"].is_string() && c.contains("median_ms"))
        base_ms[c["id"].get<std::string>()] = &c["median_ms"];
  for (const auto& o : outcomes) {
    h += "<section class=\"case\" id=\"case-" + esc(o.id) + "\"><h3>" + esc(o.id) + "</h3>";
    if (o.error) h += "<p class=\"fail\">" + esc(*o.error) + "</p>";
    h += "<table><tr><th>stage</th><th>verdict</th><th>ms</th><th>code</th><th>recipe</th></tr>";
    if (o.last.contains("stages"))
      for (const auto& s : o.last["stages"]) {
        std::string v = s.value("verdict", "");
        h += "<tr class=\"stage\"><td>" + esc(s.value("stage", "")) + "</td><td class=\"" + esc(v) + "\">" + esc(v) +
             "</td><td>" + esc(s.value("ms", nlohmann::json()).dump()) + "</td><td>" +
             esc(s["code"].is_string() ? s["code"].get<std::string>() : "") + "</td><td>" +
             esc(s["recipe"].is_string() ? s["recipe"].get<std::string>() : "") + "</td></tr>";
      }
    h += "</table>";
    if (o.number) h += "<p>照合番号B: <code class=\"number\">" + esc(*o.number) + "</code></p>";
    if (o.distance) h += "<p>distance " + fixed(*o.distance, 3) + (o.match && *o.match ? " (match)" : " (no match)") + "</p>";
    for (const auto& png : o.annotated) {
      auto bytes = read_file(png, size_t(64) << 20);
      if (bytes)
        h += "<img alt=\"" + esc(fs::path(png).filename().string()) + "\" src=\"data:image/png;base64," + base64(*bytes) +
             "\">";
    }
    auto it = base_ms.find(o.id);
    h += chart(o, it == base_ms.end() ? nullptr : it->second);
    h += "</section>";
  }
  return h + "</body></html>\n";
}

}  // namespace caora::selftest
