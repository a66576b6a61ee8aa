#include "diag/doctor.h"

#include <ctime>
#include <set>
#include <sstream>

#include "diag/report.h"
#include "host/vocabulary.h"

namespace caora {

using nlohmann::json;

static bool is_slow(const Cause& c) {
  for (const auto& ch : c.detect->checks)
    if (const ProbeSpec* s = find_probe_spec(ch.probe); s && s->slow) return true;
  return false;
}

DoctorReport run_doctor(const RecipeSet& set, Host& host, Interaction& io) {
  DoctorReport report;
  std::vector<std::pair<const Recipe*, const Cause*>> fast, slow;
  for (const auto& r : set.recipes())
    for (const auto& c : r.causes)
      if (c.detect && !c.detect->checks.empty()) (is_slow(c) ? slow : fast).emplace_back(&r, &c);
  std::map<std::pair<const Recipe*, const Cause*>, CauseResult> results;
  RunOptions no_questions;
  NoInteraction quiet;
  for (auto* batch : {&fast, &slow})
    for (const auto& rc : *batch) {
      io.progress({"確認中: " + rc.second->title.ja, "checking: " + rc.second->title.en});
      Cause probes_only = *rc.second;
      probes_only.detect->question.reset();
      CauseResult res = detect_cause(probes_only, host, quiet, no_questions);
      res.cause = rc.second;
      results.emplace(rc, res);
    }
  for (const auto& r : set.recipes())
    for (const auto& c : r.causes) {
      auto it = results.find({&r, &c});
      if (it == results.end()) continue;
      report.findings.push_back({&r, it->second});
      switch (it->second.status) {
        case CauseStatus::Present: ++report.present; break;
        case CauseStatus::Absent: ++report.absent; break;
        case CauseStatus::Unknown: ++report.unknown; break;
      }
    }
  return report;
}

// The probes a cause's checks read, each with the platforms whose live
// backend answers it: an unknown on the other platform is to be expected.
static json probes_json(const Cause& c) {
  json probes = json::array();
  std::set<std::string> seen;
  for (const auto& ch : c.detect->checks) {
    if (!seen.insert(ch.probe).second) continue;
    const ProbeSpec* s = find_probe_spec(ch.probe);
    probes.push_back({{"name", ch.probe}, {"platforms", s ? platform_names(s->platforms) : std::vector<std::string>{}}});
  }
  return probes;
}

json doctor_json(const DoctorReport& d) {
  json findings = json::array();
  for (const auto& f : d.findings) {
    json j = {{"recipe", f.recipe->id},
              {"code", f.recipe->codes.empty() ? json(nullptr) : json(f.recipe->codes.front())},
              {"cause", f.result.cause->id},
              {"title", text_json(f.result.cause->title)},
              {"status", cause_status_name(f.result.status)},
              {"evidence", f.result.evidence},
              {"probes", probes_json(*f.result.cause)}};
    if (f.result.status == CauseStatus::Unknown) j["reason"] = text_json(f.result.reason);
    if (f.result.undecided) j["undecided"] = true;
    if (rests_on_advice(f.result)) j["advice"] = true;
    findings.push_back(j);
  }
  return {{"schema", "caora.doctor/1"},
          {"status", d.present > 0 ? "problem" : "ok"},
          {"summary", {{"present", d.present}, {"absent", d.absent}, {"unknown", d.unknown}}},
          {"findings", findings}};
}

static std::string finding_head(const Finding& f, Lang lang) {
  return (f.recipe->codes.empty() ? "" : f.recipe->codes.front() + " ") + f.recipe->title.in(lang) + "  [" + f.recipe->id + "]";
}

// A probe's value, or null where the host cannot say.
static json probe_value(Host* host, const char* probe) {
  if (host == nullptr || !host->provides_probe(probe)) return nullptr;
  ProbeResult r = host->probe(probe);
  return r.known ? r.value : json(nullptr);
}

json terminal_versions_json(Host* host) {
  return {{"reader_software", probe_value(host, "site.reader_software.version")},
          {"firmware", probe_value(host, "site.firmware.version")},
          {"face_dll", probe_value(host, "site.face_dll.version")}};
}

json terminal_json(Host& host) {
  json units = probe_value(&host, "usb.units.serials");
  if (!units.is_array() || units.empty()) {
    json ini = probe_value(&host, "site.ini.serials");
    if (ini.is_array()) units = ini;
  }
  char at[32] = "";
  std::time_t now = std::time(nullptr);
  std::tm utc{};
#ifdef _WIN32
  gmtime_s(&utc, &now);
#else
  gmtime_r(&now, &utc);
#endif
  std::strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return {{"run_at", at},
          {"versions", terminal_versions_json(&host)},
          {"units", units.is_array() ? units : json::array()}};
}

std::string doctor_text(const DoctorReport& d, Lang lang, bool list_unknown) {
  bool ja = lang == Lang::Ja;
  std::ostringstream o;
  const Recipe* current = nullptr;
  for (const auto& f : d.findings) {
    if (f.result.status != CauseStatus::Present) continue;
    if (f.recipe != current) {
      current = f.recipe;
      o << finding_head(f, lang) << "\n";
    }
    o << "  ✗ " << f.result.cause->title.in(lang) << advice_mark(rests_on_advice(f.result), lang) << "\n";
    for (const auto& e : f.result.evidence) o << "      " << e << "\n";
  }
  if (d.present > 0) o << (ja ? "\n詳しくは caora diagnose <コード> で確認してください。\n" : "\nRun caora diagnose <code> for the steps.\n");
  o << (ja ? "\n確認結果: 問題あり " : "\nChecked: present ") << d.present << (ja ? " / 問題なし " : " / absent ") << d.absent
    << (ja ? " / 確認できず " : " / could not check ") << d.unknown << "\n";
  if (d.unknown == 0) return o.str();
  // Unknowns are many on a healthy site (Windows-only facts on Linux, values only a
  // person can judge): counted after the findings, so they never push those out of sight.
  std::vector<const Finding*> open, unread;
  for (const auto& f : d.findings)
    if (f.result.status == CauseStatus::Unknown) (f.result.undecided ? open : unread).push_back(&f);
  const Text open_title = {"端末の情報だけでは決まらない（caora diagnose <コード> が質問します）",
                           "read, but the value leaves the cause open (caora diagnose <code> asks)"};
  const Text unread_title = {"ここでは確かめられない", "could not be checked here"};
  if (!list_unknown) {
    if (!open.empty()) o << "  " << open.size() << " " << open_title.in(lang) << "\n";
    if (!unread.empty()) o << "  " << unread.size() << " " << unread_title.in(lang) << "\n";
    o << (ja ? "（-v または --json で、確認できなかった項目を理由とともに一覧できます）\n"
             : "(-v or --json lists what could not be checked, with the reason)\n");
    return o.str();
  }
  for (const auto* group : {&open, &unread}) {
    if (group->empty()) continue;
    o << "\n" << (group == &open ? open_title : unread_title).in(lang) << " (" << group->size() << "):\n";
    for (const auto* f : *group) {
      o << "  ? " << f->result.cause->title.in(lang) << advice_mark(rests_on_advice(f->result), lang) << "  ["
        << (f->recipe->codes.empty() ? f->recipe->id : f->recipe->codes.front()) << "]\n";
      if (!f->result.reason.in(lang).empty()) o << "      " << f->result.reason.in(lang) << "\n";
    }
  }
  return o.str();
}

}  // namespace caora
