#include "diag/report.h"

#include <cstdio>
#include <sstream>

#include "host/vocabulary.h"

namespace caora {

using nlohmann::json;

json text_json(const Text& t) { return {{"ja", t.ja}, {"en", t.en}}; }

json source_json(const Recipe& r) { return {{"document", r.source_document}, {"item", r.source_item}}; }

static json opt(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

// What the vendor's documents do not give is shown as the project's advice, wherever it appears.
std::string advice_mark(bool advice, Lang lang) {
  if (!advice) return "";
  return lang == Lang::Ja ? "  〔本プロジェクトの助言（ベンダー資料に記載なし）〕" : "  [the project's advice, not in the vendor's documents]";
}

bool rests_on_advice(const CauseResult& c) {
  if (c.cause->advice) return true;
  if (c.status != CauseStatus::Present || !c.cause->detect) return false;
  for (const auto& ch : c.cause->detect->checks)
    if (const ProbeSpec* s = find_probe_spec(ch.probe); s && s->advice) {
      // Only when that probe's own line is among the evidence: it took part in the decision.
      for (const auto& e : c.evidence)
        if (e.rfind(ch.probe + " = ", 0) == 0) return true;
    }
  return false;
}

static json conflicts_json(const Recipe& r) {
  json out = json::array();
  for (const auto& c : r.conflicts) out.push_back({{"about", text_json(c.about)}, {"texts", c.texts}});
  return out;
}

static void conflicts_text(std::ostringstream& o, const Recipe& r, Lang lang) {
  bool ja = lang == Lang::Ja;
  for (const auto& c : r.conflicts) {
    o << (ja ? "\nベンダー資料どうしの食い違い: " : "\nThe vendor's documents contradict each other: ") << c.about.in(lang) << "\n";
    for (const auto& t : c.texts) o << "  「" << t << "」\n";
  }
}

static const char* step_type_name(Step::Type t) {
  switch (t) {
    case Step::Type::Action: return "action";
    case Step::Type::Manual: return "manual";
    case Step::Type::Info: return "info";
    case Step::Type::Escalate: return "escalate";
  }
  return "?";
}

json diagnose_json(const Report& r, const RecipeSet& set) {
  json causes = json::array();
  for (const auto& c : r.causes) {
    json j = {{"id", c.cause->id}, {"title", text_json(c.cause->title)}, {"status", cause_status_name(c.status)},
              {"evidence", c.evidence}, {"resolved", c.resolved}};
    if (c.status == CauseStatus::Unknown) j["reason"] = text_json(c.reason);
    if (rests_on_advice(c)) j["advice"] = true;
    causes.push_back(j);
  }
  json actions = json::array();
  for (const auto& a : r.actions) {
    json j = {{"id", a.action}, {"cause", a.cause}, {"applied", a.applied},
              {"journal", a.journal.empty() ? json(nullptr) : json(a.journal)}, {"changes", a.changes},
              {"needs_restart", a.needs_restart}};
    if (!a.note.en.empty()) j["note"] = text_json(a.note);
    actions.push_back(j);
  }
  json pending = json::array();
  for (const auto& p : r.pending) {
    json j = {{"cause", p.cause}, {"type", step_type_name(p.step->type)}, {"text", text_json(p.step->text)}};
    if (p.step->type == Step::Type::Action) j["action"] = p.step->action;
    if (p.step->advice) j["advice"] = true;
    pending.push_back(j);
  }
  json out = {{"schema", "caora.diagnose/1"},
              {"code", opt(r.code)},
              {"detail", opt(r.detail)},
              {"recipe", r.recipe->id},
              {"source", source_json(*r.recipe)},
              {"title", text_json(r.recipe->title)},
              {"status", run_status_name(r.status)},
              {"exit_code", exit_code_for(r.status)},
              {"causes", causes},
              {"actions", actions},
              {"pending", pending},
              {"restart_needed", r.restart_needed}};
  if (!r.recipe->conflicts.empty()) out["conflicts"] = conflicts_json(*r.recipe);
  if (r.ticket) {
    // An array keeps the vendor's order of the fields.
    json fields = json::array();
    for (const auto& f : r.ticket->fields) fields.push_back({{"name", f.first}, {"value", f.second}});
    const Contact* c = set.contact(r.ticket->contact);
    out["escalate"] = {{"to", r.ticket->contact},
                       {"name", c ? text_json(c->name) : json(nullptr)},
                       {"phone", c && !c->phone.empty() ? json(c->phone) : json(nullptr)},
                       {"mail", c && !c->mail.empty() ? json(c->mail) : json(nullptr)},
                       {"fields", fields}};
    if (r.ticket->advice) out["escalate"]["advice"] = true;
  }
  return out;
}

std::string contact_line(const RecipeSet& set, const std::string& id, Lang lang) {
  const Contact* c = set.contact(id);
  if (c == nullptr) return id;
  std::string s = c->name.in(lang);
  if (!c->phone.empty()) s += "  " + std::string(lang == Lang::Ja ? "電話 " : "tel ") + c->phone;
  if (!c->mail.empty()) s += "  " + c->mail;
  if (!c->hours.in(lang).empty()) s += "\n      " + c->hours.in(lang);
  return s;
}

static const char* field_label(const std::string& f, Lang lang) {
  struct L { const char* id; const char* ja; const char* en; };
  static const L labels[] = {
      {"institution", "医療機関名・薬局名（医療機関コード）", "institution name (institution code)"},
      {"contact", "連絡先", "contact"},
      {"unit_serial", "CaoraのシリアルNo.（背面シールの SER. NO.）", "unit serial (SER. NO. on the back label)"},
      {"reader_software_version", "本人認証用カードリーダーソフトのバージョン", "reader software version"},
      {"phenomenon", "発生している事象", "what happens"},
      {"error_code", "エラーコード", "error code"},
      {"detail_code", "エラー詳細コード", "detail code"},
      {"occurred_at", "発生日時", "date and time it happened"},
      {"log_bundle", "ログ（CaoraLogCollect.zip）", "logs (CaoraLogCollect.zip)"},
  };
  for (const auto& l : labels)
    if (f == l.id) return lang == Lang::Ja ? l.ja : l.en;
  return f.c_str();
}

static std::string mark(const CauseResult& c) {
  if (c.resolved) return "✓";
  switch (c.status) {
    case CauseStatus::Present: return "✗";
    case CauseStatus::Absent: return "✓";
    case CauseStatus::Unknown: return "?";
  }
  return "?";
}

std::string diagnose_text(const Report& r, const RecipeSet& set, Lang lang) {
  bool ja = lang == Lang::Ja;
  std::ostringstream o;
  o << (r.code ? *r.code + " " : "") << r.recipe->title.in(lang) << "  [" << r.recipe->id << "]\n";
  if (r.detail) {
    const DetailCode* d = r.recipe->find_detail(*r.detail);
    o << (ja ? "詳細コード " : "detail ") << *r.detail << (d ? ": " + d->title.in(lang) : "") << "\n";
  }
  o << r.recipe->summary.in(lang) << "\n\n";
  if (!r.causes.empty()) o << (ja ? "原因（ベンダーの記載順）:\n" : "Causes (in the vendor's order):\n");
  for (const auto& c : r.causes) {
    o << "  " << mark(c) << " " << c.cause->title.in(lang) << advice_mark(rests_on_advice(c), lang);
    if (c.resolved) o << (ja ? "  — 修正済み" : "  — fixed");
    o << "\n";
    if (c.status == CauseStatus::Unknown && !c.reason.in(lang).empty()) o << "      " << c.reason.in(lang) << "\n";
    if (c.status == CauseStatus::Present)
      for (const auto& e : c.evidence) o << "      " << e << "\n";
  }
  if (!r.actions.empty()) {
    o << (ja ? "\n自動修正:\n" : "\nAutomatic fixes:\n");
    for (const auto& a : r.actions) {
      const ActionSpec* spec = find_action_spec(a.action);
      o << "  " << (a.applied ? "● " : "○ ") << (spec ? spec->description.in(lang) : a.action);
      if (a.applied) o << (ja ? "  — 実行済み（caora undo " : "  — applied (caora undo ") << a.journal << ")";
      else if (!a.note.in(lang).empty()) o << "  — " << a.note.in(lang);
      o << "\n";
      for (const auto& ch : a.changes) o << "      " << ch << "\n";
    }
  }
  if (!r.pending.empty()) {
    o << (ja ? "\n作業が必要な手順:\n" : "\nSteps for a person:\n");
    int n = 1;
    for (const auto& p : r.pending) o << "  " << n++ << ". " << p.step->text.in(lang) << advice_mark(p.step->advice, lang) << "\n";
  }
  // Without --fix, show what each present cause's fix would be.
  bool listed_steps = !r.pending.empty();
  for (const auto& c : r.causes) {
    if (c.status != CauseStatus::Present || c.resolved || listed_steps) continue;
    o << "\n" << (ja ? "対処（" : "What to do (") << c.cause->id << "):\n";
    int n = 1;
    for (const auto& s : c.cause->resolve)
      if (s.type != Step::Type::Escalate)
        o << "  " << n++ << ". " << s.text.in(lang) << (s.type == Step::Type::Action ? (ja ? "  [--fix で自動]" : "  [automatic with --fix]") : "")
          << advice_mark(s.advice, lang) << "\n";
  }
  for (const auto& s : r.recipe->steps)
    if (s.type == Step::Type::Info || s.type == Step::Type::Manual) o << "\n" << s.text.in(lang) << advice_mark(s.advice, lang) << "\n";
  conflicts_text(o, *r.recipe, lang);
  if (r.restart_needed) {
    bool scheduled = false;
    for (const auto& a : r.actions) scheduled = scheduled || (a.applied && a.action == "host.restart.schedule");
    o << (ja ? "\n資格確認端末の再起動が必要です（変更は再起動で反映されます）。" : "\nA restart of the terminal is needed (the changes take effect when it restarts). ")
      << (scheduled ? (ja ? "再起動を予約しました。\n" : "The restart is scheduled.\n")
                    : (ja ? "caora は --reboot を付けたときだけ再起動を予約します。\n" : "caora schedules it only with --reboot.\n"));
  }
  if (r.ticket) {
    o << (ja ? "\n解決しない場合の連絡先: " : "\nIf this does not help, contact: ") << contact_line(set, r.ticket->contact, lang)
      << advice_mark(r.ticket->advice, lang) << "\n";
    if (!r.ticket->text.in(lang).empty()) o << "  " << r.ticket->text.in(lang) << "\n";
    o << (ja ? "  伝える内容:\n" : "  Have this ready:\n");
    for (const auto& f : r.ticket->fields)
      o << "    - " << field_label(f.first, lang) << ": " << (f.second.empty() ? (ja ? "（記入してください）" : "(fill in)") : f.second) << "\n";
  }
  const char* verdict_ja = "";
  const char* verdict_en = "";
  switch (r.status) {
    case RunStatus::Ok: verdict_ja = "問題は見つかりませんでした"; verdict_en = "no documented cause found"; break;
    case RunStatus::Problem: verdict_ja = "問題があります"; verdict_en = "problem found"; break;
    case RunStatus::Resolved: verdict_ja = "解決しました"; verdict_en = "resolved"; break;
    case RunStatus::NeedsTechnician: verdict_ja = "技術者の確認・作業が必要です"; verdict_en = "a technician is needed"; break;
    case RunStatus::Escalate: verdict_ja = "サポート窓口への連絡が必要です"; verdict_en = "escalate to the contact above"; break;
  }
  o << "\n" << (ja ? "結果: " : "Result: ") << (ja ? verdict_ja : verdict_en) << " (" << run_status_name(r.status) << ")\n";
  return o.str();
}

json explain_json(const LookupResult& res) {
  json candidates = json::array();
  for (const auto& c : res.candidates) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.3f", c.score);
    candidates.push_back({{"recipe", c.recipe->id}, {"source", source_json(*c.recipe)}, {"title", text_json(c.recipe->title)},
                          {"score", std::stod(buf)}});
  }
  const Recipe* r = res.recipe;
  return {{"schema", "caora.explain/1"},
          {"code", opt(res.code)},
          {"detail", opt(res.detail)},
          {"recipe", r ? json(r->id) : json(nullptr)},
          {"kind", r ? json(r->kind) : json(nullptr)},
          {"source", r ? source_json(*r) : json(nullptr)},
          {"title", r ? text_json(r->title) : json(nullptr)},
          {"summary", r ? text_json(r->summary) : json(nullptr)},
          {"conflicts", r ? conflicts_json(*r) : json::array()},
          {"candidates", candidates}};
}

std::string candidates_text(const std::vector<Candidate>& candidates, Lang lang) {
  std::ostringstream o;
  for (const auto& c : candidates) {
    std::string code = c.recipe->codes.empty() ? c.recipe->id : c.recipe->codes.front();
    o << "  " << code << "  " << c.recipe->title.in(lang) << "  [" << c.recipe->id << "; " << c.recipe->source_document << " "
      << c.recipe->source_item << "]\n";
  }
  return o.str();
}

// `automatic`: whether diagnose --fix runs the action steps (cause steps) or a person does (recipe-level steps).
static void steps_text(std::ostringstream& o, const std::vector<Step>& steps, const RecipeSet& set, Lang lang, const char* indent,
                       bool automatic) {
  int n = 1;
  for (const auto& s : steps) {
    if (s.type == Step::Type::Escalate) {
      o << indent << n++ << ". " << (lang == Lang::Ja ? "連絡: " : "contact: ") << contact_line(set, s.to, lang) << advice_mark(s.advice, lang) << "\n";
      if (!s.text.in(lang).empty()) o << indent << "   " << s.text.in(lang) << "\n";
      continue;
    }
    o << indent << n++ << ". " << s.text.in(lang);
    if (s.type == Step::Type::Action && automatic) o << (lang == Lang::Ja ? "  [caora diagnose --fix で自動]" : "  [automatic with caora diagnose --fix]");
    if (s.wait_for && s.wait_for->seconds) o << "  (" << s.wait_for->seconds << (lang == Lang::Ja ? "秒待つ)" : " s wait)");
    o << advice_mark(s.advice, lang) << "\n";
  }
}

std::string explain_text(const Recipe& r, const LookupResult& res, const RecipeSet& set, Lang lang) {
  bool ja = lang == Lang::Ja;
  std::ostringstream o;
  o << (res.code ? *res.code + " " : "") << r.title.in(lang) << "  [" << r.id << "; " << r.source_document << " " << r.source_item << "]\n";
  for (const auto& s : r.screen_texts) o << "  " << s << "\n";
  o << "\n" << r.summary.in(lang) << "\n";
  if (!r.details.empty()) {
    o << (ja ? "\n詳細コード:\n" : "\nDetail codes:\n");
    for (const auto& d : r.details) o << "  " << (res.detail && *res.detail == d.code ? "▶ " : "  ") << d.code << "  " << d.title.in(lang) << "\n";
  }
  int n = 1;
  for (const auto& c : r.causes) {
    if (!c.applies_to(res.detail)) continue;
    o << "\n" << (ja ? "原因 " : "Cause ") << n++ << ": " << c.title.in(lang) << advice_mark(c.advice, lang) << "\n";
    if (c.detect) {
      for (const auto& ch : c.detect->checks) o << (ja ? "   確認: " : "   check: ") << ch.probe << " " << ch.present_if.op << " " << ch.present_if.operand.dump() << "\n";
      if (c.detect->question) o << (ja ? "   質問: " : "   question: ") << c.detect->question->text.in(lang) << "  (--answer " << c.detect->question->id << "=yes|no)\n";
    }
    steps_text(o, c.resolve, set, lang, "   ", true);
  }
  if (!r.steps.empty()) {
    o << "\n";
    steps_text(o, r.steps, set, lang, "  ", false);
  }
  if (r.escalate) {
    o << "\n" << (ja ? "解決しない場合: " : "If nothing helps: ") << contact_line(set, r.escalate->to, lang)
      << advice_mark(r.escalate->advice, lang) << "\n";
    if (!r.escalate->text.in(lang).empty()) o << "  " << r.escalate->text.in(lang) << "\n";
  }
  conflicts_text(o, r, lang);
  if (res.candidates.size() > 1) {
    o << (ja ? "\n他の候補:\n" : "\nOther candidates:\n");
    std::vector<Candidate> rest(res.candidates.begin() + 1, res.candidates.end());
    o << candidates_text(rest, lang);
  }
  return o.str();
}

}  // namespace caora
