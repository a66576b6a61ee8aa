#include "fleet/fleet_report.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <variant>
#include <sstream>
#include <unordered_map>

#include "core/fs.h"
#include "core/json_prune.h"
#include "host/version.h"
#include "workflows/firmware_manifest.h"

namespace caora {

using nlohmann::json;

namespace {

Error bad(const std::string& ja, const std::string& en) { return make_error(ErrorKind::Parse, ja, en); }

// The exit class a run's status stands for (DESIGN.md's exit codes).
int exit_class_of(const std::string& status) {
  if (status == "problem") return 1;
  if (status == "needs-technician") return 3;
  if (status == "escalate") return 4;
  return 0;  // ok, resolved
}

// Severity for "worst": technician < escalation, both above a plain problem;
// errors (caora could not run) count by their own exit code.
int severity(int exit_class) {
  switch (exit_class) {
    case 0: return 0;
    case 1: return 1;
    case 3: return 3;
    case 4: return 4;
    default: return 2;
  }
}

std::string string_field(const json& doc, const char* key, bool required, const char* where) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) {
    if (required) throw bad(std::string(where) + " に \"" + key + "\" がありません", std::string(where) + " has no \"" + key + "\"");
    return "";
  }
  if (!it->is_string())
    throw bad(std::string(where) + " の \"" + key + "\" が文字列ではありません", std::string(where) + ": \"" + key + "\" is not a string");
  // A required field that is empty names nothing (a finding without a recipe
  // cannot be grouped or looked up), so it is refused like a missing one.
  if (required && it->get_ref<const std::string&>().empty())
    throw bad(std::string(where) + " の \"" + key + "\" が空です", std::string(where) + ": \"" + key + "\" is empty");
  return it->get<std::string>();
}

Text text_field(const json& obj, const char* where) {
  auto it = obj.find("title");
  if (it == obj.end() || !it->is_object())
    throw bad(std::string(where) + " に title（ja/en）がありません", std::string(where) + " has no title (ja/en)");
  return Text{string_field(*it, "ja", true, where), string_field(*it, "en", true, where)};
}

const json& array_field(const json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_array())
    throw bad(std::string("\"") + key + "\" が配列ではありません", std::string("\"") + key + "\" is missing or not an array");
  return *it;
}

void read_terminal_block(const json& doc, TerminalResult& t) {
  auto it = doc.find("terminal");
  std::optional<std::string> reader, firmware;
  if (it != doc.end()) {
    if (!it->is_object()) throw bad("\"terminal\" がオブジェクトではありません", "\"terminal\" is not an object");
    t.run_at = string_field(*it, "run_at", false, "terminal");
    if (auto v = it->find("versions"); v != it->end()) {
      if (!v->is_object()) throw bad("\"terminal.versions\" がオブジェクトではありません", "\"terminal.versions\" is not an object");
      std::string r = string_field(*v, "reader_software", false, "terminal.versions");
      std::string f = string_field(*v, "firmware", false, "terminal.versions");
      if (!r.empty()) reader = r;
      if (!f.empty()) firmware = f;
    }
    if (auto u = it->find("units"); u != it->end()) {
      if (!u->is_array()) throw bad("\"terminal.units\" が配列ではありません", "\"terminal.units\" is not an array");
      for (const auto& s : *u) {
        if (!s.is_string()) throw bad("\"terminal.units\" に文字列でない要素があります", "\"terminal.units\" holds a non-string");
        t.units.push_back(s.get<std::string>());
      }
    }
  }
  for (const auto& m : embedded_minimums()) {
    VersionCheck c;
    c.component = m.component;
    c.min_safe = m.version;
    c.version = c.component == "firmware" ? firmware : reader;
    auto family = version_family_of(c.component);
    auto have = c.version ? Version::parse(*c.version) : Expected<Version>(bad("", ""));
    auto floor = Version::parse(m.version);
    if (family && have && floor)
      if (auto cmp = have.value().compare_in(*family, floor.value())) c.below = *cmp < 0;
    t.versions.push_back(std::move(c));
  }
}

// Findings' evidence, the probes and the recipes' steps are what make a
// document large, and the report shows none of them: only these members are
// built (lib/core/json_prune checks the rest without building it).
Prune report_fields(const std::vector<std::string>& path) {
  auto one_of = [](const std::string& k, std::initializer_list<const char*> keys) {
    return std::any_of(keys.begin(), keys.end(), [&](const char* t) { return k == t; });
  };
  const std::string& top = path[0];
  bool listed = top == "findings" || top == "causes";
  if (path.size() == 1) {
    if (listed) return Prune::Descend;
    return one_of(top, {"schema", "status", "recipe", "code", "error", "exit_code", "terminal"}) ? Prune::Keep : Prune::Skip;
  }
  if (listed && path.size() == 2) return Prune::Descend;  // one finding or cause
  if (listed && path.size() == 3)
    return one_of(path[2], {"status", "recipe", "code", "cause", "id", "title"}) ? Prune::Keep : Prune::Skip;
  return Prune::Keep;
}

}  // namespace

Expected<TerminalResult> parse_terminal_result(const std::string& host, const std::string& text) {
  TerminalResult t;
  t.host = host;
  auto parsed = parse_json_pruned(text, report_fields);
  if (!parsed) return parsed.error();
  const json& doc = parsed.value();
  if (!doc.is_object()) return bad("JSONのオブジェクトではありません", "not a JSON object");
  try {
    t.schema = string_field(doc, "schema", true, "document");
    if (t.schema == "caora.doctor/1") {
      t.status = string_field(doc, "status", true, "caora.doctor/1");
      if (t.status != "ok" && t.status != "problem")
        return bad("status \"" + t.status + "\" は caora.doctor/1 にありません", "status \"" + t.status + "\" is not one of caora.doctor/1's");
      for (const auto& f : array_field(doc, "findings")) {
        if (!f.is_object()) return bad("findings に オブジェクトでない要素があります", "findings holds a non-object");
        if (string_field(f, "status", true, "finding") != "present") continue;
        t.findings.push_back({string_field(f, "recipe", true, "finding"), string_field(f, "code", false, "finding"),
                              string_field(f, "cause", true, "finding"), text_field(f, "finding")});
      }
    } else if (t.schema == "caora.diagnose/1") {
      t.status = string_field(doc, "status", true, "caora.diagnose/1");
      static const char* known[] = {"ok", "problem", "resolved", "needs-technician", "escalate"};
      if (std::find_if(std::begin(known), std::end(known), [&](const char* s) { return t.status == s; }) == std::end(known))
        return bad("status \"" + t.status + "\" は caora.diagnose/1 にありません", "status \"" + t.status + "\" is not one of caora.diagnose/1's");
      std::string recipe = string_field(doc, "recipe", true, "caora.diagnose/1");
      t.code = string_field(doc, "code", false, "caora.diagnose/1");
      for (const auto& c : array_field(doc, "causes")) {
        if (!c.is_object()) return bad("causes にオブジェクトでない要素があります", "causes holds a non-object");
        if (string_field(c, "status", true, "cause") != "present") continue;
        t.findings.push_back({recipe, t.code, string_field(c, "id", true, "cause"), text_field(c, "cause")});
      }
    } else if (t.schema == "caora.error/1") {
      t.status = "error";
      auto e = doc.find("error");
      if (e == doc.end() || !e->is_object()) return bad("caora.error/1 に error がありません", "caora.error/1 has no error");
      t.error = Text{string_field(*e, "ja", true, "error"), string_field(*e, "en", true, "error")};
      auto code = doc.find("exit_code");
      if (code == doc.end() || !code->is_number_integer() || code->get<int64_t>() < 0 || code->get<int64_t>() > 255)
        return bad("caora.error/1 の exit_code が 0〜255 の整数ではありません", "caora.error/1: exit_code is not an integer 0-255");
      t.exit_class = static_cast<int>(code->get<int64_t>());
    } else {
      return bad("caora doctor/diagnose の結果ではありません（schema \"" + t.schema + "\"）",
                 "not a caora doctor/diagnose result (schema \"" + t.schema + "\")");
    }
    if (t.schema != "caora.error/1") t.exit_class = exit_class_of(t.status);
    read_terminal_block(doc, t);
  } catch (const Error& e) {
    return e;
  }
  return t;
}

Expected<FleetReport> build_fleet_report(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return make_error(ErrorKind::NotFound, "結果のフォルダがありません: " + display_path(dir), "no such results folder: " + display_path(dir));
  FleetReport report;
  report.dir = display_path(dir);
  std::vector<fs::path> files;
  fs::directory_iterator it(dir, ec), end;
  if (ec) return fs_error(ec, dir, "結果のフォルダを読めません", "cannot read the results folder");
  for (; it != end; it.increment(ec)) {
    if (ec) return fs_error(ec, dir, "結果のフォルダを読めません", "cannot read the results folder");
    if (it->path().extension() == ".json") files.push_back(it->path());
  }
  // Each file is read and parsed by one of a few threads and dropped once its
  // summary is taken: at most one document per thread is in memory.
  std::vector<std::variant<TerminalResult, BadResult>> results(files.size());
  std::atomic<size_t> next{0};
  auto work = [&files, &results, &next] {
    for (size_t i; (i = next.fetch_add(1)) < files.size();) {
      const fs::path& p = files[i];
      std::string file = p.filename().string();
      std::error_code fec;
      if (!fs::is_regular_file(p, fec)) {
        results[i] = BadResult{file, {"通常のファイルではありません", "not a regular file"}};
        continue;
      }
      auto text = read_file(p, kFleetResultLimit);
      if (!text) {
        results[i] = BadResult{file, text.error().message};
        continue;
      }
      auto t = parse_terminal_result(p.stem().string(), text.value());
      if (!t) {
        results[i] = BadResult{file, t.error().message};
        continue;
      }
      t.value().file = file;
      results[i] = std::move(t.value());
    }
  };
  unsigned threads = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  if (files.size() < 64) threads = 1;
  std::vector<std::thread> pool;
  for (unsigned k = 1; k < threads; ++k) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
  // One entry per distinct cause; hosts appended as terminals are read.
  std::unordered_map<std::string, size_t> cause_index;
  for (auto& r : results) {
    if (auto* b = std::get_if<BadResult>(&r)) {
      report.bad_files.push_back(std::move(*b));
      continue;
    }
    auto& t = std::get<TerminalResult>(r);
    for (const auto& f : t.findings) {
      auto [pos, added] = cause_index.emplace(f.recipe + "\n" + f.cause, report.causes.size());
      if (added) report.causes.push_back({f, {}});
      auto& hosts = report.causes[pos->second].hosts;
      if (hosts.empty() || hosts.back() != t.host) hosts.push_back(t.host);
    }
    if (severity(t.exit_class) > severity(report.worst_exit)) report.worst_exit = t.exit_class;
    report.terminals.push_back(std::move(t));
  }
  std::sort(report.terminals.begin(), report.terminals.end(), [](const auto& a, const auto& b) { return a.host < b.host; });
  std::sort(report.bad_files.begin(), report.bad_files.end(), [](const auto& a, const auto& b) { return a.file < b.file; });
  for (auto& c : report.causes) std::sort(c.hosts.begin(), c.hosts.end());
  std::stable_sort(report.causes.begin(), report.causes.end(), [](const CauseCount& a, const CauseCount& b) {
    if (a.hosts.size() != b.hosts.size()) return a.hosts.size() > b.hosts.size();
    return std::tie(a.finding.recipe, a.finding.cause) < std::tie(b.finding.recipe, b.finding.cause);
  });
  return report;
}

namespace {

json bilingual(const Text& t) { return {{"ja", t.ja}, {"en", t.en}}; }

json finding_json(const FleetFinding& f) {
  return {{"recipe", f.recipe}, {"code", f.code.empty() ? json(nullptr) : json(f.code)}, {"cause", f.cause}, {"title", bilingual(f.title)}};
}

bool below_min_safe(const TerminalResult& t) {
  for (const auto& v : t.versions)
    if (v.below == true) return true;
  return false;
}

}  // namespace

namespace {

json terminal_json(const TerminalResult& t) {
  json findings = json::array(), versions = json::object();
  for (const auto& f : t.findings) findings.push_back(finding_json(f));
  for (const auto& v : t.versions)
    versions[v.component] = {{"version", v.version ? json(*v.version) : json(nullptr)},
                             {"min_safe", v.min_safe},
                             {"below_min_safe", v.below ? json(*v.below) : json(nullptr)}};
  json j = {{"host", t.host},     {"file", t.file},         {"schema", t.schema},     {"run_at", t.run_at.empty() ? json(nullptr) : json(t.run_at)},
            {"status", t.status}, {"exit_class", t.exit_class}, {"findings", findings}, {"versions", versions},
            {"units", t.units}};
  if (!t.code.empty()) j["code"] = t.code;
  if (t.status == "error") j["error"] = bilingual(t.error);
  return j;
}

std::string dump(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

}  // namespace

// Everything but the terminals is small: it is built as one document with a
// marker where the terminals go, and the terminals are written one at a time
// in its place, so ten thousand of them never sit in memory as JSON at once.
// The text is what dump(2) of the whole document would print.
void write_fleet_report_json(std::ostream& os, const FleetReport& r) {
  json below = json::array(), technician = json::array(), escalate = json::array(), errors = json::array();
  for (const auto& t : r.terminals) {
    if (below_min_safe(t)) below.push_back(t.host);
    if (t.exit_class == 3) technician.push_back(t.host);
    if (t.exit_class == 4) escalate.push_back(t.host);
    if (t.status == "error") errors.push_back(t.host);
  }
  json causes = json::array();
  for (const auto& c : r.causes) {
    json j = finding_json(c.finding);
    j["count"] = c.hosts.size();
    j["hosts"] = c.hosts;
    causes.push_back(j);
  }
  json bad_files = json::array();
  for (const auto& b : r.bad_files) bad_files.push_back({{"file", b.file}, {"reason", bilingual(b.reason)}});
  static const std::string kMarker = "\x01terminals\x01";
  json doc = {{"schema", kFleetReportSchema},
              {"dir", r.dir},
              {"summary", {{"terminals", r.terminals.size()}, {"bad_files", r.bad_files.size()}, {"worst_exit_class", r.worst_exit}}},
              {"terminals", kMarker},
              {"common_causes", causes},
              {"below_min_safe", below},
              {"needs_technician", technician},
              {"escalate", escalate},
              {"errors", errors},
              {"bad_files", bad_files}};
  std::string text = dump(doc);
  std::string quoted = json(kMarker).dump();
  size_t at = text.find(quoted);
  os << text.substr(0, at);
  if (r.terminals.empty()) {
    os << "[]";
  } else {
    os << "[";
    const char* sep = "\n    ";
    for (const auto& t : r.terminals) {
      // Inside the document a terminal sits two levels deep: four spaces.
      std::string one = dump(terminal_json(t)), indented = sep;
      indented.reserve(one.size() * 5 / 4);
      for (char c : one) {
        indented += c;
        if (c == '\n') indented += "    ";
      }
      os << indented;
      sep = ",\n    ";
    }
    os << "\n  ]";
  }
  os << text.substr(at + quoted.size()) << "\n";
}

namespace {

const char* status_label(const std::string& s, Lang lang) {
  bool ja = lang == Lang::Ja;
  if (s == "ok") return ja ? "問題なし" : "ok";
  if (s == "resolved") return ja ? "解決済み" : "resolved";
  if (s == "problem") return ja ? "問題あり" : "problem";
  if (s == "needs-technician") return ja ? "技術者が必要" : "needs a technician";
  if (s == "escalate") return ja ? "メーカーへ連絡" : "escalate";
  return ja ? "実行できず" : "could not run";
}

std::string versions_cell(const TerminalResult& t) {
  std::string out;
  for (const auto& v : t.versions) {
    if (!out.empty()) out += " / ";
    out += v.version ? *v.version : "?";
    if (v.below == true) out += " (<" + v.min_safe + ")";
  }
  return out;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

}  // namespace

std::string fleet_report_text(const FleetReport& r, Lang lang) {
  bool ja = lang == Lang::Ja;
  std::ostringstream o;
  for (const auto& t : r.terminals) {
    o << t.host << "  " << status_label(t.status, lang) << " (exit " << t.exit_class << ")  " << (t.run_at.empty() ? "-" : t.run_at) << "  "
      << versions_cell(t) << "\n";
    for (const auto& f : t.findings) o << "  ✗ " << (f.code.empty() ? "" : f.code + " ") << f.title.in(lang) << "  [" << f.recipe << "]\n";
    if (t.status == "error") o << "  ! " << t.error.in(lang) << "\n";
  }
  if (!r.causes.empty()) {
    o << (ja ? "\nよくある原因:\n" : "\nMost common causes:\n");
    for (size_t i = 0; i < r.causes.size() && i < 10; ++i)
      o << "  " << r.causes[i].hosts.size() << "  " << r.causes[i].finding.title.in(lang) << "  [" << r.causes[i].finding.recipe << "]\n";
  }
  std::vector<std::string> below, technician, escalate;
  for (const auto& t : r.terminals) {
    if (below_min_safe(t)) below.push_back(t.host);
    if (t.exit_class == 3) technician.push_back(t.host);
    if (t.exit_class == 4) escalate.push_back(t.host);
  }
  if (!below.empty()) o << (ja ? "\n最低限必要な版より古い端末: " : "\nBelow the minimum-safe versions: ") << join(below, ", ") << "\n";
  if (!technician.empty()) o << (ja ? "技術者が必要な端末: " : "Needing a technician: ") << join(technician, ", ") << "\n";
  if (!escalate.empty()) o << (ja ? "メーカーへの連絡が必要な端末: " : "To escalate: ") << join(escalate, ", ") << "\n";
  if (!r.bad_files.empty()) {
    o << (ja ? "\n読めなかったファイル:\n" : "\nFiles that could not be read:\n");
    for (const auto& b : r.bad_files) o << "  " << b.file << ": " << b.reason.in(lang) << "\n";
  }
  o << (ja ? "\n端末 " : "\nTerminals: ") << r.terminals.size() << (ja ? " 台、読めなかったファイル " : ", unreadable files: ") << r.bad_files.size() << "\n";
  return o.str();
}

namespace {

std::string esc(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default: o += c;
    }
  }
  return o;
}

// The page's script: a header click sorts by its column (again: reversed);
// #sort=column or #sort=column-desc sorts on load, so a link (or a test) can
// ask for an order. Cells carry data-v, the value sorted on.
constexpr const char* kSortScript = R"js(
(function () {
  var table = document.getElementById('terminals');
  var heads = table.tHead.rows[0].cells;
  function sortBy(col, desc) {
    var idx = -1;
    for (var i = 0; i < heads.length; i++) if (heads[i].dataset.col === col) idx = i;
    if (idx < 0) return false;
    var numeric = heads[idx].dataset.type === 'num';
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[idx].dataset.v, y = b.cells[idx].dataset.v;
      var c = numeric ? (Number(x) - Number(y)) : x.localeCompare(y);
      if (c === 0) c = a.cells[0].dataset.v.localeCompare(b.cells[0].dataset.v);
      return desc ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    for (var j = 0; j < heads.length; j++) heads[j].removeAttribute('aria-sort');
    heads[idx].setAttribute('aria-sort', desc ? 'descending' : 'ascending');
    table.dataset.sort = col + (desc ? '-desc' : '');
    return true;
  }
  for (var i = 0; i < heads.length; i++) {
    heads[i].addEventListener('click', function (e) {
      var col = e.currentTarget.dataset.col;
      var desc = table.dataset.sort === col;
      sortBy(col, desc);
      history.replaceState(null, '', '#sort=' + col + (desc ? '-desc' : ''));
    });
  }
  function fromHash() {
    var m = /^#sort=([a-z_]+?)(-desc)?$/.exec(location.hash);
    if (m) sortBy(m[1], !!m[2]);
  }
  window.addEventListener('hashchange', fromHash);
  fromHash();
})();
)js";

}  // namespace

// A bar's label cut to fit its column: wide (CJK) characters count two.
static std::string clip_label(const std::string& label) {
  const int room = 64;
  int used = 0;
  for (size_t i = 0; i < label.size();) {
    unsigned char c = static_cast<unsigned char>(label[i]);
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    used += len >= 3 ? 2 : 1;
    if (used > room) return label.substr(0, i) + "…";
    i += len;
  }
  return label;
}

std::string fleet_report_html(const FleetReport& r, Lang lang) {
  bool ja = lang == Lang::Ja;
  auto tr = [ja](const char* j, const char* e) { return std::string(ja ? j : e); };
  std::ostringstream o;
  o << "<!DOCTYPE html>\n<html lang=\"" << (ja ? "ja" : "en") << "\"><head><meta charset=\"utf-8\">"
    << "<title>" << tr("caora 端末の一覧", "caora fleet report") << "</title><style>"
    << "body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;font-size:14px}"
    << "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
    << "th{background:#eef;cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:' \\25B2'}"
    << "th[aria-sort=descending]::after{content:' \\25BC'}tr.x1 td.st{background:#fdd}tr.x3 td.st{background:#fc8}"
    << "tr.x4 td.st{background:#f88}td.below{color:#b00;font-weight:bold}ul{margin:0;padding-left:1.2em}"
    << "</style></head><body>\n";
  o << "<h1>" << tr("caora 端末の一覧", "caora fleet report") << "</h1>\n<p id=\"summary\">"
    << tr("端末 ", "Terminals: ") << r.terminals.size() << tr(" 台、読めなかったファイル ", ", unreadable files: ") << r.bad_files.size()
    << tr("、最も重い終了コード ", ", worst exit class: ") << r.worst_exit << "</p>\n";

  // The chart: one bar per cause, the ten most common.
  size_t shown = std::min<size_t>(r.causes.size(), 10);
  if (shown > 0) {
    size_t most = r.causes.front().hosts.size();
    const int bar_h = 22, label_w = 420, bar_w = 360;
    o << "<h2>" << tr("よくある原因", "Most common causes") << "</h2>\n<svg id=\"causes-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\""
      << label_w + bar_w + 60 << "\" height=\"" << shown * bar_h + 10 << "\" role=\"img\">\n";
    for (size_t i = 0; i < shown; ++i) {
      const auto& c = r.causes[i];
      int w = static_cast<int>(bar_w * c.hosts.size() / most);
      int y = static_cast<int>(i) * bar_h + 4;
      std::string label = (c.finding.code.empty() ? "" : c.finding.code + " ") + c.finding.title.in(lang);
      o << "<g class=\"bar\" data-recipe=\"" << esc(c.finding.recipe) << "\" data-cause=\"" << esc(c.finding.cause) << "\" data-count=\""
        << c.hosts.size() << "\"><text x=\"" << label_w - 6 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\" font-size=\"12\">"
        << esc(clip_label(label)) << "<title>" << esc(label) << "</title></text><rect x=\"" << label_w << "\" y=\"" << y
        << "\" width=\"" << std::max(w, 1) << "\" height=\"" << bar_h - 6 << "\" fill=\"#4a6fd0\"/><text x=\"" << label_w + w + 6 << "\" y=\""
        << y + 15 << "\" font-size=\"12\">" << c.hosts.size() << "</text></g>\n";
    }
    o << "</svg>\n";
  }

  struct Col {
    const char *id, *type, *ja, *en;
  };
  const Col cols[] = {{"host", "text", "端末", "Terminal"},          {"status", "text", "結果", "Result"},
                      {"exit", "num", "終了コード", "Exit"},           {"run_at", "text", "実行日時 (UTC)", "Run at (UTC)"},
                      {"reader_software", "text", "リーダーソフト", "Reader software"},
                      {"firmware", "text", "ファームウェア", "Firmware"}, {"units", "num", "台数", "Units"},
                      {"findings", "num", "見つかった原因", "Findings"}};
  o << "<h2>" << tr("端末", "Terminals") << "</h2>\n<table id=\"terminals\"><thead><tr>";
  for (const auto& c : cols) o << "<th data-col=\"" << c.id << "\" data-type=\"" << c.type << "\">" << (ja ? c.ja : c.en) << "</th>";
  o << "</tr></thead><tbody>\n";
  for (const auto& t : r.terminals) {
    o << "<tr class=\"x" << t.exit_class << "\" data-host=\"" << esc(t.host) << "\">";
    o << "<td data-v=\"" << esc(t.host) << "\">" << esc(t.host) << "</td>";
    o << "<td class=\"st\" data-v=\"" << esc(t.status) << "\">" << esc(status_label(t.status, lang)) << (t.code.empty() ? "" : " (" + esc(t.code) + ")")
      << "</td>";
    o << "<td data-v=\"" << t.exit_class << "\">" << t.exit_class << "</td>";
    o << "<td data-v=\"" << esc(t.run_at) << "\">" << esc(t.run_at.empty() ? "-" : t.run_at) << "</td>";
    for (const auto& v : t.versions) {
      o << "<td data-v=\"" << esc(v.version.value_or("")) << "\"" << (v.below == true ? " class=\"below\"" : "") << ">" << esc(v.version.value_or("?"));
      if (v.below == true) o << " &lt; " << esc(v.min_safe);
      o << "</td>";
    }
    o << "<td data-v=\"" << t.units.size() << "\">" << esc(join(t.units, ", ")) << "</td>";
    o << "<td data-v=\"" << t.findings.size() << "\"><ul>";
    for (const auto& f : t.findings) o << "<li>" << esc((f.code.empty() ? "" : f.code + " ") + f.title.in(lang)) << "</li>";
    if (t.status == "error") o << "<li>" << esc(t.error.in(lang)) << "</li>";
    o << "</ul></td></tr>\n";
  }
  o << "</tbody></table>\n";
  if (!r.bad_files.empty()) {
    o << "<h2>" << tr("読めなかったファイル", "Files that could not be read") << "</h2>\n<ul id=\"bad-files\">";
    for (const auto& b : r.bad_files) o << "<li><code>" << esc(b.file) << "</code>: " << esc(b.reason.in(lang)) << "</li>";
    o << "</ul>\n";
  }
  o << "<script>" << kSortScript << "</script>\n</body></html>\n";
  return o.str();
}

}  // namespace caora
