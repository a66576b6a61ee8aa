#include "host/action_table.h"

#include <optional>

#include <spdlog/spdlog.h>

#include "core/stopwatch.h"
#include "core/strings.h"

namespace caora {

using nlohmann::json;

ActionTable::ActionTable(std::string backend, std::function<bool(const std::string&)> scope,
                         std::function<PreparedAction(const std::string& name)> otherwise)
    : backend_(std::move(backend)), scope_(std::move(scope)), otherwise_(std::move(otherwise)) {}

void ActionTable::add(const std::string& name, Prepare prepare, Reverse reverse) {
  entries_[name] = Entry{std::move(prepare), std::move(reverse)};
}

PreparedAction ActionTable::prepare(const std::string& name, const json& params) const {
  auto e = entries_.find(name);
  if (e == entries_.end()) return otherwise_(name);
  return e->second.prepare(params);
}

Expected<ActionOutcome> ActionTable::apply(const std::string& name, const json& params, Journal& journal) const {
  auto started = std::chrono::steady_clock::now();
  PreparedAction p = prepare(name, params);
  // Each action in the log with its plan and its outcome (-v, --log-file); the
  // plan lines name files and commands, never parameters' secrets.
  spdlog::info("action {} [{}] plan: {}", name, backend_,
               p.plan.applicable ? join(p.plan.changes, "; ") : "not applicable: " + p.plan.summary.en);
  auto result = run_prepared(name, std::move(p), journal);
  if (result)
    spdlog::info("action {} done in {:.1f} ms{}: {}", name, ms_since(started),
                 result->journal_id.empty() ? "" : ", journal " + result->journal_id, join(result->changes, "; "));
  else
    spdlog::error("action {} failed after {:.1f} ms: {}", name, ms_since(started), result.error().message.en);
  return result;
}

Expected<ActionOutcome> ActionTable::run_prepared(const std::string& name, PreparedAction p, Journal& journal) const {
  if (!p.plan.applicable) return Error{p.refusal, p.plan.summary};
  ActionOutcome out = std::move(p.outcome);
  if (p.files.empty() && !p.act) return out;  // nothing to change
  std::optional<SystemChange> change;
  if (!p.files.empty()) {
    TRY_ASSIGN(out.journal_id, journal.apply(name, p.record, p.files));
  } else {
    TRY_ASSIGN(auto begun, SystemChange::begin(journal, name, p.record));
    change.emplace(std::move(begun));
  }
  if (p.act) TRY(p.act(out, change ? &*change : nullptr));
  if (p.verify) TRY(p.verify(out));
  if (change) {
    TRY(change->done());
    out.journal_id = change->id();
  }
  return out;
}

Expected<std::vector<std::string>> ActionTable::reverse(const JournalEntry& entry) const {
  auto e = entries_.find(entry.action);
  if (e == entries_.end() || !e->second.reverse) return cannot_reverse(entry.action, backend_);
  return e->second.reverse(entry);
}

PreparedAction cannot(Text why, ErrorKind refusal) {
  PreparedAction p;
  p.plan.summary = std::move(why);
  p.refusal = refusal;
  return p;
}

std::string param_string(const json& params, const char* key) {
  return params.is_object() && params.contains(key) && params[key].is_string() ? params[key].get<std::string>() : "";
}

int param_int(const json& params, const char* key, int fallback, int lo, int hi) {
  if (!params.is_object() || !params.contains(key) || !params[key].is_number()) return fallback;
  double v = params[key].get<double>();
  return v < lo ? lo : v > hi ? hi : static_cast<int>(v);
}

}  // namespace caora
