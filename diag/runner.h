// Detect -> Resolve -> Verify over one recipe. The runner never prints: it
// talks to the person through Interaction (prompts, timers) and returns a
// Report that cmd/ renders as text or JSON.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/journal.h"
#include "diag/recipe_set.h"
#include "host/host.h"

namespace caora {

class Interaction {
 public:
  virtual ~Interaction() = default;
  // Whether a person is there to answer (a terminal on stdin and stderr).
  virtual bool interactive() const = 0;
  // nullopt: the person does not know.
  virtual std::optional<bool> ask(const Question& q) = 0;
  virtual bool confirm(const Text& what, const std::vector<std::string>& changes) = 0;
  // Shows a manual step and waits until the person says it is done (false = skipped).
  virtual bool do_manual(const Step& step) = 0;
  virtual void wait_seconds(int seconds, const Text& what) = 0;
  virtual void progress(const Text& what) = 0;
  // One of several options (their index); nullopt when nobody picks one.
  virtual std::optional<size_t> choose(const Text& question, const std::vector<std::string>& options) {
    (void)question;
    (void)options;
    return std::nullopt;
  }
};

// For scripts: nobody to ask, nothing waits.
class NoInteraction : public Interaction {
 public:
  bool interactive() const override { return false; }
  std::optional<bool> ask(const Question&) override { return std::nullopt; }
  bool confirm(const Text&, const std::vector<std::string>&) override { return false; }
  bool do_manual(const Step&) override { return false; }
  void wait_seconds(int, const Text&) override {}
  void progress(const Text&) override {}
};

struct RunOptions {
  bool fix = false;
  bool yes = false;
  bool dry_run = false;
  // Restarting the terminal is never implied by --yes: it takes --reboot, or a
  // person at the terminal saying yes to that very step.
  bool reboot = false;
  std::optional<std::string> code;
  std::optional<std::string> detail;
  std::map<std::string, bool> answers;             // --answer id=yes|no
  std::map<std::string, std::string> ticket;       // --ticket field=value
};

enum class CauseStatus { Present, Absent, Unknown };
const char* cause_status_name(CauseStatus s);

struct CauseResult {
  const Cause* cause;
  CauseStatus status = CauseStatus::Unknown;
  std::vector<std::string> evidence;
  Text reason;             // why unknown
  bool resolved = false;   // was present, absent after the fix
  std::vector<AssumedFact> assumed;  // assumed locations the finding rests on
  bool undecided = false;  // unknown only because a read value leaves the cause open (a question decides)
};

// The --answer id that confirms an assumed fact ("assumed-reader_software").
std::string assumed_answer_id(const AssumedFact& fact);
bool is_assumed_answer_id(const std::string& id);

struct ActionResult {
  std::string action;
  std::string cause;
  bool applied = false;
  std::string journal;
  std::vector<std::string> changes;
  Text note;               // planned only / not available / declined / failed
  bool needs_restart = false;
};

struct PendingStep {
  std::string cause;  // empty for recipe-level steps
  const Step* step;
};

// The fields the vendor asks for when a case is escalated, in its order.
const std::vector<std::string>& ticket_fields();
bool is_ticket_field(const std::string& name);
std::string ticket_fields_list();

struct Ticket {
  std::string contact;  // contact id
  Text text;
  std::vector<std::pair<std::string, std::string>> fields;  // in the vendor's order; "" = to fill in
  bool advice = false;  // the contact is the project's advice, not the vendor's
};

enum class RunStatus { Ok, Problem, Resolved, NeedsTechnician, Escalate };
const char* run_status_name(RunStatus s);
int exit_code_for(RunStatus s);

struct Report {
  const Recipe* recipe = nullptr;
  std::optional<std::string> code;
  std::optional<std::string> detail;
  RunStatus status = RunStatus::Ok;
  std::vector<CauseResult> causes;
  std::vector<ActionResult> actions;
  std::vector<PendingStep> pending;  // what a person still has to do
  std::optional<Ticket> ticket;
  bool restart_needed = false;
};

Report run_recipe(const Recipe& recipe, const RecipeSet& set, Host& host, Journal* journal, Interaction& io,
                  const RunOptions& opts);

// Evaluates one detection against the host (also used by `doctor`).
CauseResult detect_cause(const Cause& cause, Host& host, Interaction& io, const RunOptions& opts);

}  // namespace caora
