// What every subcommand shares: the global options, the language, output and
// the exit-code contract (see DESIGN.md). Subcommand files only wire CLI11 to
// lib/ and diag/ and print.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/strings.h"
#include "diag/recipe_set.h"
#include "diag/runner.h"
#include "host/open_site.h"

namespace caora {

enum Exit { kExitOk = 0, kExitProblem = 1, kExitUsage = 2, kExitTechnician = 3, kExitEscalate = 4, kExitNoDevice = 5,
            kExitTimeout = 6, kExitInternal = 10 };

// What a failure carries besides its message.
struct FailureDetail {
  nlohmann::json fields = nlohmann::json::object();  // added to caora.error/1
  std::string more;                                  // on stderr after the message (candidates, hints)
  bool json_printed = false;                         // the command's own document is on stdout already
};

struct Context {
  // Global options.
  std::string lang_name;
  bool json = false;
  std::optional<std::string> root, site, profile, recipes_dir, state_dir, log_file;
  bool yes = false, dry_run = false, verbose = false;

  // The language of --help, fixed before the options are declared.
  Lang help_lang = Lang::En;
  std::string tr(const char* ja, const std::string& en) const { return help_lang == Lang::Ja ? ja : en; }

  // Set by the chosen subcommand; returns the exit code.
  std::function<int()> run;
  // The command line as run: a subcommand that hands itself to a helper passes it on.
  std::vector<std::string> argv;

  Lang lang() const;
  fs::path state() const;
  SiteOptions site_options() const;
  // Files named on the command line that cannot be used are usage errors (exit 2).
  Expected<RecipeSet> recipes() const;
  Expected<OpenedSite> open() const;
  // The one error path: the message on stderr in the chosen language, and with
  // --json caora.error/1 on stdout; returns the error's exit code.
  int fail(const Error& e, const FailureDetail& detail = {}) const;
  void print_json(const nlohmann::json& doc) const;
  // Text on stdout.
  void out(const std::string& text) const;
};

// Prompts on stderr, answers from stdin; used when a person is at the terminal.
class TerminalInteraction : public Interaction {
 public:
  explicit TerminalInteraction(Lang lang, bool json);
  bool interactive() const override { return interactive_; }
  std::optional<bool> ask(const Question& q) override;
  bool confirm(const Text& what, const std::vector<std::string>& changes) override;
  bool do_manual(const Step& step) override;
  void wait_seconds(int seconds, const Text& what) override;
  void progress(const Text& what) override;
  std::optional<size_t> choose(const Text& question, const std::vector<std::string>& options) override;

 private:
  std::optional<bool> read_yes_no(bool allow_unknown);
  Lang lang_;
  bool interactive_;
  bool progress_;
};

// What `caora snapshot` records of an opened site (collect-logs puts the same in its bundle).
nlohmann::json snapshot_document(OpenedSite& site);

// How much of a person's input an error message repeats back.
constexpr size_t kEchoMax = 200;
int exit_code_for_error(const Error& e);
// For every option or argument that is text a person typed: not valid UTF-8 is
// a usage error (exit 2, caora.error/1 under --json), never a crash later on.
const CLI::Validator& utf8_text();
// The caora.error/1 document for an error that happens before a subcommand runs.
nlohmann::json error_json(const Error& e, int exit_code);
// "id=value" pairs; a usage error names the bad one.
Expected<std::map<std::string, std::string>> parse_pairs(const std::vector<std::string>& items, const char* option);
Expected<bool> parse_answer(const std::string& value);

using SetupFn = void (*)(CLI::App&, Context&);
struct CommandSpec {
  const char* name;
  Text summary;
  SetupFn setup;
};
const std::vector<CommandSpec>& command_table();

// CAORA_CLOCK_SCALE, for tests only: the guided procedures' waits (a vendor's minute)
// run through the same loop, faster. 1 when unset or not a number in (0, 100000].
double clock_scale_from_env();

}  // namespace caora
