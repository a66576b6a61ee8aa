#include "diag/runner.h"

#include <chrono>
#include <thread>

#include <spdlog/spdlog.h>

#include "core/state.h"
#include "core/stopwatch.h"
#include "core/strings.h"
#include "diag/consent.h"
#include "host/vocabulary.h"
#include "host/version.h"

namespace caora {

using nlohmann::json;

const char* cause_status_name(CauseStatus s) {
  switch (s) {
    case CauseStatus::Present: return "present";
    case CauseStatus::Absent: return "absent";
    case CauseStatus::Unknown: return "unknown";
  }
  return "?";
}

const char* run_status_name(RunStatus s) {
  switch (s) {
    case RunStatus::Ok: return "ok";
    case RunStatus::Problem: return "problem";
    case RunStatus::Resolved: return "resolved";
    case RunStatus::NeedsTechnician: return "needs-technician";
    case RunStatus::Escalate: return "escalate";
  }
  return "?";
}

int exit_code_for(RunStatus s) {
  switch (s) {
    case RunStatus::Ok:
    case RunStatus::Resolved: return 0;
    case RunStatus::Problem: return 1;
    case RunStatus::NeedsTechnician: return 3;
    case RunStatus::Escalate: return 4;
  }
  return 10;
}

// true/false, or nullopt when the value and operand do not compare.
static std::optional<bool> holds(const Condition& c, const json& value, ValueType type) {
  auto ordered = [&](const json& operand) -> std::optional<int> {
    if (type == ValueType::Version && value.is_string() && operand.is_string()) {
      auto a = Version::parse(value.get<std::string>());
      auto b = Version::parse(operand.get<std::string>());
      if (!a || !b) return std::nullopt;
      return a->compare(*b);
    }
    if (value.is_number() && operand.is_number()) {
      double a = value.get<double>(), b = operand.get<double>();
      return a < b ? -1 : a > b ? 1 : 0;
    }
    if (value.is_string() && operand.is_string()) return value.get<std::string>().compare(operand.get<std::string>());
    return std::nullopt;
  };
  auto equal = [&](const json& operand) -> std::optional<bool> {
    if (type == ValueType::Version) {
      auto o = ordered(operand);
      if (!o) return std::nullopt;
      return *o == 0;
    }
    return value == operand;
  };
  if (c.op == "eq") return equal(c.operand);
  if (c.op == "ne") {
    auto e = equal(c.operand);
    if (!e) return std::nullopt;
    return !*e;
  }
  if (c.op == "in" || c.op == "not_in") {
    bool found = false;
    for (const auto& o : c.operand) {
      auto e = equal(o);
      if (!e) return std::nullopt;
      found = found || *e;
    }
    return c.op == "in" ? found : !found;
  }
  if (c.op == "empty") {
    if (!value.is_array() && !value.is_string()) return std::nullopt;
    return value.empty() == c.operand.get<bool>();
  }
  auto o = ordered(c.operand);
  if (!o) return std::nullopt;
  if (c.op == "lt") return *o < 0;
  if (c.op == "le") return *o <= 0;
  if (c.op == "gt") return *o > 0;
  if (c.op == "ge") return *o >= 0;
  return std::nullopt;
}

static std::string show(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// `undecided`: set when a value the vendor's documents leave open made a check unknown.
static CauseResult evaluate_checks(const std::vector<Check>& checks, bool match_all, Host& host, bool* undecided = nullptr) {
  CauseResult r{nullptr};
  int present = 0, absent = 0, unknown = 0;
  for (const auto& check : checks) {
    ProbeResult p = host.probe(check.probe);
    const ProbeSpec* spec = find_probe_spec(check.probe);
    if (!p.known) {
      ++unknown;
      r.reason = p.reason;
      r.evidence.push_back(check.probe + ": unknown (" + p.reason.en + ")");
      continue;
    }
    if (check.unknown_if) {
      auto open = holds(*check.unknown_if, p.value, spec ? spec->type : ValueType::String);
      if (open && *open) {
        ++unknown;
        r.reason = check.why;
        if (undecided) *undecided = true;
        r.evidence.push_back(check.probe + " = " + show(p.value) + ": undecided (" + check.why.en + ")");
        continue;
      }
    }
    auto h = holds(check.present_if, p.value, spec ? spec->type : ValueType::String);
    if (!h) {
      ++unknown;
      r.reason = {check.probe + " の値 " + show(p.value) + " を比較できません",
                  "cannot compare " + check.probe + " = " + show(p.value)};
      continue;
    }
    (*h ? present : absent) += 1;
    if (*h)
      for (const auto& a : p.assumed) r.assumed.push_back(a);
    r.evidence.push_back(check.probe + " = " + show(p.value));
    for (const auto& e : p.evidence) r.evidence.push_back("  " + e);
  }
  int n = static_cast<int>(checks.size());
  if (match_all) r.status = present == n ? CauseStatus::Present : absent > 0 ? CauseStatus::Absent : CauseStatus::Unknown;
  else r.status = present > 0 ? CauseStatus::Present : absent == n ? CauseStatus::Absent : CauseStatus::Unknown;
  return r;
}

CauseResult detect_cause(const Cause& cause, Host& host, Interaction& io, const RunOptions& opts) {
  CauseResult r{&cause};
  if (!cause.detect) {
    r.reason = {"自動では確認できません（目視で確認してください）", "cannot be checked automatically (check it by hand)"};
    return r;
  }
  if (cause.detect->from_detail) {
    if (opts.detail && !cause.details.empty() && cause.applies_to(opts.detail)) {
      r.status = CauseStatus::Present;
      r.evidence.push_back("detail code " + *opts.detail + " reported on the screen");
    } else {
      r.reason = {"画面のエラー詳細コードが必要です", "needs the detail code shown on the screen"};
    }
    return r;
  }
  Text undecided_why;
  if (!cause.detect->checks.empty()) {
    bool undecided = false;
    CauseResult c = evaluate_checks(cause.detect->checks, cause.detect->match_all, host, &undecided);
    if (undecided) undecided_why = c.reason;
    r.status = c.status;
    r.undecided = undecided && c.status == CauseStatus::Unknown;
    r.evidence = c.evidence;
    r.reason = c.reason;
    r.assumed = c.assumed;
    if (r.status != CauseStatus::Unknown || !cause.detect->question) return r;
  }
  const Question& q = *cause.detect->question;
  std::optional<bool> answer;
  auto given = opts.answers.find(q.id);
  if (given != opts.answers.end()) answer = given->second;
  else if (io.interactive()) answer = io.ask(q);
  if (!answer) {
    r.status = CauseStatus::Unknown;
    r.reason = {"質問 " + q.id + " に未回答です（--answer " + q.id + "=yes|no）",
                "question " + q.id + " not answered (--answer " + q.id + "=yes|no)"};
    // Why it is asked, when the documents leave the value open.
    if (!undecided_why.en.empty()) r.reason = {undecided_why.ja + "。" + r.reason.ja, undecided_why.en + "; " + r.reason.en};
    return r;
  }
  r.status = *answer ? CauseStatus::Present : CauseStatus::Absent;
  r.evidence.push_back("answer " + q.id + " = " + (*answer ? "yes" : "no"));
  return r;
}

static void wait_for_probe(const WaitFor& w, Host& host, Interaction& io, const Text& what) {
  const ProbeSpec* spec = find_probe_spec(w.probe);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(w.timeout_s);
  io.progress(what);
  while (std::chrono::steady_clock::now() < deadline) {
    host.forget();
    ProbeResult p = host.probe(w.probe);
    if (!p.known) return;  // cannot watch it here: the person confirms instead
    auto h = holds(*w.until, p.value, spec ? spec->type : ValueType::String);
    if (h && *h) return;
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
}

const std::vector<std::string>& ticket_fields() {
  static const std::vector<std::string> fields = {"institution", "contact",   "unit_serial", "reader_software_version", "phenomenon",
                                                  "error_code",  "detail_code", "occurred_at", "log_bundle"};
  return fields;
}

bool is_ticket_field(const std::string& name) {
  for (const auto& f : ticket_fields())
    if (f == name) return true;
  return false;
}

std::string ticket_fields_list() {
  std::string s;
  for (const auto& f : ticket_fields()) s += (s.empty() ? "" : ", ") + f;
  return s;
}

static Ticket make_ticket(const Step& esc, Host& host, const Report& report, const RunOptions& opts) {
  Ticket t;
  t.contact = esc.to;
  t.text = esc.text;
  t.advice = esc.advice;
  std::vector<std::string> fields = esc.fields;
  if (fields.empty())
    fields = {"institution", "contact", "unit_serial", "reader_software_version", "phenomenon", "error_code", "detail_code", "occurred_at"};
  for (const auto& f : fields) {
    std::string value;
    auto given = opts.ticket.find(f);
    if (given != opts.ticket.end()) value = given->second;
    else if (f == "error_code" && report.code) value = *report.code;
    else if (f == "detail_code" && report.detail) value = *report.detail;
    else if (f == "occurred_at") value = now_iso8601();
    else if (f == "unit_serial") {
      for (const char* probe : {"usb.units.serials", "site.ini.serials"}) {
        ProbeResult p = host.probe(probe);
        if (p.known && p.value.is_array() && !p.value.empty()) {
          for (const auto& s : p.value) value += (value.empty() ? "" : ", ") + s.get<std::string>();
          break;
        }
      }
    } else if (f == "reader_software_version") {
      ProbeResult p = host.probe("site.reader_software.version");
      if (p.known) value = p.value.get<std::string>();
    } else if (f == "phenomenon" && report.recipe) {
      value = report.recipe->title.ja;
    }
    t.fields.emplace_back(f, value);
  }
  return t;
}

namespace {
// What one automatic step leaves to the rest of the run.
struct StepEffect {
  bool planned_only = false;    // only planned although --fix was given (a recorded site, --dry-run)
  bool declined = false;        // not confirmed: by the person, or nobody to ask
  bool left_to_person = false;  // the backend could not do it, or it failed: a pending step
};
}  // namespace

std::string assumed_answer_id(const AssumedFact& fact) { return "assumed-" + fact.id; }
bool is_assumed_answer_id(const std::string& id) { return id.rfind("assumed-", 0) == 0 && id.size() > 8; }

static const char* const kRestartAction = "host.restart.schedule";

// The facts a finding rests on that nobody has confirmed; false when the person
// said one does not hold (then nothing is done on it).
static bool assumed_facts_confirmed(const CauseResult& cr, Interaction& io, const RunOptions& opts, Text* why) {
  for (const auto& fact : cr.assumed) {
    std::string id = assumed_answer_id(fact);
    std::optional<bool> answer;
    auto given = opts.answers.find(id);
    if (given != opts.answers.end()) answer = given->second;
    else if (io.interactive())
      answer = io.ask({id, {"この判断は caora の想定に基づいています: " + fact.fact.ja + "。これは正しいですか？",
                            "This finding rests on caora's assumption: " + fact.fact.en + ". Is that right?"}});
    if (!answer || !*answer) {
      *why = answer ? Text{"想定（" + fact.fact.ja + "）が正しくないとの回答のため実行しません",
                           "not applied: you said the assumed fact does not hold (" + fact.fact.en + ")"}
                    : Text{"caora の想定に基づく判断のため、確認されるまで実行しません（" + fact.fact.ja + "）。確かめたら --answer " + id + "=yes",
                           "not applied: the finding rests on an assumed location (" + fact.fact.en + "); once checked, --answer " + id + "=yes"};
      return false;
    }
  }
  return true;
}

// Plans one action step and, with --fix and consent, applies it through the
// journal; its ActionResult goes into the report.
static StepEffect run_action(const Step& step, const CauseResult& cr, Host& host, Journal* journal, Interaction& io,
                             const RunOptions& opts, Report& report) {
  StepEffect e;
  ActionResult ar;
  ar.action = step.action;
  ar.cause = cr.cause->id;
  const ActionSpec* spec = find_action_spec(step.action);
  ar.needs_restart = spec && spec->needs_restart;
  bool restart = step.action == kRestartAction;
  // The plan says so whether or not caora schedules it.
  if (restart) report.restart_needed = true;
  ActionPlan plan = host.plan(step.action, step.params);
  ar.changes = plan.changes;
  if (!opts.fix || opts.dry_run) {
    ar.note = opts.dry_run ? Text{"--dry-run: 実行しません", "--dry-run: not applied"}
                           : Text{"--fix で実行します", "applied with --fix"};
    if (restart && plan.applicable)
      ar.note = {"再起動が必要です。caora が予約するのは --fix --reboot のときだけです",
                 "a restart is needed; caora schedules it only with --fix --reboot"};
    if (!plan.applicable) ar.note = plan.summary;
    report.actions.push_back(ar);
    e.planned_only = opts.fix;
    return e;
  }
  if (plan.applicable && !cr.assumed.empty()) {
    Text why;
    if (!assumed_facts_confirmed(cr, io, opts, &why)) {
      ar.note = why;
      report.actions.push_back(ar);
      e.left_to_person = true;
      return e;
    }
  }
  if (restart && plan.applicable && !opts.reboot) {
    // --yes is consent to the fix, not to restarting the terminal: only --reboot
    // or the person's yes to this step schedules it.
    bool confirmed = io.interactive() &&
                     io.confirm({"資格確認端末を再起動します。今すぐ予約しますか？（" + step.text.ja + "）",
                                 "This restarts the terminal. Schedule it now? (" + step.text.en + ")"},
                                plan.changes);
    if (!confirmed) {
      ar.note = {"再起動が必要です: 端末を再起動するか、--reboot を付けて実行してください",
                 "a restart is needed: restart the terminal, or rerun with --reboot"};
      report.actions.push_back(ar);
      e.left_to_person = true;
      return e;
    }
  }
  if (!plan.applicable) {
    // The backend cannot do it: the step falls to a person.
    ar.note = plan.summary;
    report.actions.push_back(ar);
    e.planned_only = plan.replay_only;
    e.left_to_person = true;
    return e;
  }
  // A restart confirmed just above is not asked twice.
  Consent consent = restart && !opts.reboot ? Consent::Given : ask_consent(io, opts.yes, step.text, plan.changes);
  if (consent != Consent::Given) {
    // The run goes on to report what it found; only this change is left to a person.
    ar.note = consent == Consent::Declined
                  ? Text{"実行を見送りました", "declined"}
                  : Text{"端末がないため確認できません。--yes で実行します", "no terminal to confirm: rerun with --yes"};
    e.declined = true;
    report.actions.push_back(ar);
    return e;
  }
  if (journal == nullptr) {
    ar.note = {"ジャーナルがないため実行しません", "no journal: not applied"};
    report.actions.push_back(ar);
    return e;
  }
  auto outcome = host.apply(step.action, step.params, *journal);
  if (!outcome) {
    ar.note = outcome.error().message;
    report.actions.push_back(ar);
    e.left_to_person = true;
    return e;
  }
  ar.applied = true;
  ar.journal = outcome->journal_id;
  ar.changes = outcome->changes;
  report.restart_needed = report.restart_needed || ar.needs_restart;
  report.actions.push_back(ar);
  return e;
}

Report run_recipe(const Recipe& recipe, const RecipeSet& set, Host& host, Journal* journal, Interaction& io,
                  const RunOptions& opts) {
  Report report;
  report.recipe = &recipe;
  report.code = opts.code;
  report.detail = opts.detail;

  // Detect, in the vendor's order.
  for (const auto& cause : recipe.causes) {
    if (!cause.applies_to(opts.detail)) continue;
    io.progress({"確認中: " + cause.title.ja, "checking: " + cause.title.en});
    auto started = std::chrono::steady_clock::now();
    report.causes.push_back(detect_cause(cause, host, io, opts));
    const CauseResult& cr = report.causes.back();
    spdlog::info("{} cause {}: {} [{:.1f} ms]{}", recipe.id, cause.id, cause_status_name(cr.status), ms_since(started),
                 cr.status == CauseStatus::Unknown ? " (" + cr.reason.en + ")" : "");
  }

  // Resolve what is present.
  bool declined = false, planned_only = false;
  const Step* cause_escalation = nullptr;  // the first present cause's own contact
  for (auto& cr : report.causes) {
    if (cr.status != CauseStatus::Present) continue;
    bool manual_left = false;
    for (const auto& step : cr.cause->resolve) {
      if (step.type == Step::Type::Escalate) {
        if (!cause_escalation) cause_escalation = &step;
        continue;
      }
      if (step.type == Step::Type::Info) continue;
      if (step.type == Step::Type::Manual) {
        if (opts.fix && io.interactive() && !opts.dry_run) {
          if (step.wait_for && step.wait_for->seconds > 0) {
            if (io.do_manual(step)) io.wait_seconds(step.wait_for->seconds, step.text);
            else manual_left = true;
          } else if (io.do_manual(step)) {
            if (step.wait_for) wait_for_probe(*step.wait_for, host, io, step.text);
          } else {
            manual_left = true;
          }
        } else {
          manual_left = true;
        }
        if (manual_left) report.pending.push_back({cr.cause->id, &step});
        continue;
      }
      // An automatic action.
      StepEffect e = run_action(step, cr, host, journal, io, opts, report);
      planned_only = planned_only || e.planned_only;
      declined = declined || e.declined;
      if (e.left_to_person) {
        manual_left = true;
        report.pending.push_back({cr.cause->id, &step});
      }
    }
    // Verify: the detection again, on fresh probe values.
    bool acted = false;
    for (const auto& a : report.actions)
      if (a.cause == cr.cause->id && a.applied) acted = true;
    if (acted || (opts.fix && io.interactive() && !manual_left && !opts.dry_run)) {
      host.forget();
      CauseResult again = cr.cause->verify_checks ? evaluate_checks(*cr.cause->verify_checks, false, host)
                                                  : detect_cause(*cr.cause, host, io, RunOptions{});
      if (again.status == CauseStatus::Absent) {
        cr.resolved = true;
        cr.evidence.push_back("verified: absent after the fix");
      }
    }
  }

  for (const auto& a : report.actions)
    if (!a.applied) spdlog::info("action {} for {}: not applied: {}", a.action, a.cause, a.note.en);
  const Step* escalation = cause_escalation ? cause_escalation : recipe.escalate ? &*recipe.escalate : nullptr;
  // The overall status.
  int present = 0, unresolved = 0, unknown = 0, detectable = 0, fixable = 0;
  for (const auto& cr : report.causes) {
    if (cr.cause->detect) ++detectable;
    if (cr.status == CauseStatus::Present) {
      ++present;
      if (!cr.resolved) {
        ++unresolved;
        // Something on site can be done about it (not only a call to make).
        for (const auto& step : cr.cause->resolve)
          if (step.type == Step::Type::Action || step.type == Step::Type::Manual) ++fixable;
      }
    }
    if (cr.status == CauseStatus::Unknown) ++unknown;
  }
  if (unresolved > 0 && fixable == 0 && escalation) {
    report.status = RunStatus::Escalate;
  } else if (unresolved > 0) {
    if (!opts.fix || planned_only) report.status = RunStatus::Problem;
    else if (!report.pending.empty() || declined) report.status = RunStatus::NeedsTechnician;
    else report.status = escalation ? RunStatus::Escalate : RunStatus::NeedsTechnician;
    if (declined && !io.interactive() && opts.fix) report.status = RunStatus::NeedsTechnician;
  } else if (present > 0) {
    report.status = RunStatus::Resolved;
  } else if (unknown > 0) {
    report.status = (detectable == 0 && escalation) ? RunStatus::Escalate : RunStatus::NeedsTechnician;
    for (const auto& cr : report.causes)
      if (cr.status == CauseStatus::Unknown)
        for (const auto& step : cr.cause->resolve)
          if (step.type == Step::Type::Manual) report.pending.push_back({cr.cause->id, &step});
  } else if (report.causes.empty() && escalation && recipe.kind == "error") {
    // Nothing the vendor lets us check: the vendor wants the call.
    report.status = RunStatus::Escalate;
  } else {
    report.status = RunStatus::Ok;
  }
  spdlog::info("{}: {}{}", recipe.id, run_status_name(report.status), report.restart_needed ? ", a restart is needed" : "");
  if (escalation && (report.status == RunStatus::Escalate || report.status == RunStatus::NeedsTechnician ||
                     report.status == RunStatus::Problem))
    report.ticket = make_ticket(*escalation, host, report, opts);
  return report;
}

}  // namespace caora
