// One way to write an action, in every backend: a table from the action's name
// to a prepare function and, where the journal cannot put the change back by
// itself, a reverse function. Host::plan/apply/reverse/provides_action of the
// live and install-root backends answer from their table, and apply() is
// written once, here: refuse what the plan cannot do, journal before
// anything changes, act, verify, then mark the journal entry applied.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "host/host.h"

namespace caora {

// An action prepared from the site as it is now. Planning reads; only
// ActionTable::apply() runs act and verify.
struct PreparedAction {
  // What would change, or why it cannot (then apply() refuses with `refusal`).
  ActionPlan plan;
  ErrorKind refusal = ErrorKind::Unsupported;
  // What the journal keeps before anything changes: the targets, the values
  // they replace, how to put them back.
  nlohmann::json record = nlohmann::json::object();
  // Changes the journal makes itself (backed up, written, restored by undo).
  std::vector<FileChange> files;
  // The change the backend makes itself, after the journal recorded it as
  // begun (after the files are written, when there are any). An error leaves
  // the entry failed, unless the act marked it applied already through
  // `change`, which is null for file changes.
  std::function<Status(ActionOutcome& out, SystemChange* change)> act;
  // Reads the site again. An error means the change did not take: a system
  // change's entry is then left failed (verify runs before it is marked applied).
  std::function<Status(ActionOutcome& out)> verify;
  // What apply() returns when there is nothing to change (no files, no act),
  // and the lines and flags known before acting otherwise.
  ActionOutcome outcome;
};

class ActionTable {
 public:
  using Prepare = std::function<PreparedAction(const nlohmann::json& params)>;
  using Reverse = std::function<Expected<std::vector<std::string>>(const JournalEntry& entry)>;
  // `backend`: for messages. `scope`: the names this backend answers for (a
  // layered host asks its layers in order). `otherwise`: the plan of a name in
  // scope that has no entry (not on this backend, or how to do it by hand).
  ActionTable(std::string backend, std::function<bool(const std::string&)> scope,
              std::function<PreparedAction(const std::string& name)> otherwise);

  // The entries call into the backend that filled the table, which must stay
  // where it is: a copy would act on the original.
  ActionTable(const ActionTable&) = delete;
  ActionTable& operator=(const ActionTable&) = delete;
  ActionTable(ActionTable&&) = default;
  ActionTable& operator=(ActionTable&&) = default;

  void add(const std::string& name, Prepare prepare, Reverse reverse = nullptr);

  bool provides(const std::string& name) const { return scope_(name); }
  PreparedAction prepare(const std::string& name, const nlohmann::json& params) const;
  ActionPlan plan(const std::string& name, const nlohmann::json& params) const { return prepare(name, params).plan; }
  Expected<ActionOutcome> apply(const std::string& name, const nlohmann::json& params, Journal& journal) const;
  // An entry without a reverse function has nothing to put back with.
  Expected<std::vector<std::string>> reverse(const JournalEntry& entry) const;

 private:
  Expected<ActionOutcome> run_prepared(const std::string& name, PreparedAction p, Journal& journal) const;
  struct Entry {
    Prepare prepare;
    Reverse reverse;
  };
  std::string backend_;
  std::function<bool(const std::string&)> scope_;
  std::function<PreparedAction(const std::string&)> otherwise_;
  std::map<std::string, Entry> entries_;
};

// A plan that cannot be carried out, saying why.
PreparedAction cannot(Text why, ErrorKind refusal = ErrorKind::Unsupported);

// Action parameters as the recipes give them; a missing or mistyped one is the fallback.
std::string param_string(const nlohmann::json& params, const char* key);
// Clamped to [lo, hi].
int param_int(const nlohmann::json& params, const char* key, int fallback, int lo, int hi);

}  // namespace caora
