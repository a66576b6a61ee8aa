// `caora fleet report`: the results of many terminals' runs (one `<host>.json`
// per terminal, the stdout of `caora doctor --json` or `caora diagnose CODE
// --json`, or the caora.error/1 of a run that stopped) folded into one
// caora.fleet-report/1. Files are read one at a time and only a terminal's
// summary is kept, so memory grows with the number of terminals, not with the
// size of their documents.
#pragma once

#include <filesystem>
#include <map>
#include <ostream>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/text.h"

namespace caora {

struct FleetFinding {
  std::string recipe, code, cause;  // code may be empty (QA/FAQ recipes)
  Text title;
};

struct VersionCheck {
  std::string component;              // "reader-software", "firmware"
  std::optional<std::string> version;  // as the terminal reported it
  std::string min_safe;
  // true/false when the two compare; nullopt when the version is missing or
  // not of the component's family.
  std::optional<bool> below;
};

struct TerminalResult {
  std::string host, file, schema;
  std::string run_at;  // "" when the document does not say
  std::string status;  // ok, problem, resolved, needs-technician, escalate, error
  int exit_class = 0;  // the caora exit code the run stands for
  std::string code;    // diagnose: the code looked at
  std::vector<FleetFinding> findings;
  std::vector<VersionCheck> versions;
  std::vector<std::string> units;
  Text error;  // caora.error/1: the message
};

struct BadResult {
  std::string file;
  Text reason;
};

struct CauseCount {
  FleetFinding finding;
  std::vector<std::string> hosts;
};

struct FleetReport {
  std::string dir;
  std::vector<TerminalResult> terminals;  // sorted by host
  std::vector<BadResult> bad_files;        // sorted by file
  std::vector<CauseCount> causes;          // most common first
  int worst_exit = 0;
};

constexpr const char* kFleetReportSchema = "caora.fleet-report/1";
// A results file larger than this is refused (a doctor document is tens of kB).
constexpr size_t kFleetResultLimit = size_t{16} << 20;

// One results file's text → its terminal; `host` is the file name without .json.
Expected<TerminalResult> parse_terminal_result(const std::string& host, const std::string& text);
// Every *.json in `dir` (not recursive; other files are left alone).
Expected<FleetReport> build_fleet_report(const std::filesystem::path& dir);

// caora.fleet-report/1, written as it is made (indented like every --json).
void write_fleet_report_json(std::ostream& os, const FleetReport& report);
std::string fleet_report_text(const FleetReport& report, Lang lang);
// One self-contained page: the table (sortable by clicking a header, or by a
// #sort=column[-desc] fragment) and an inline SVG chart of the common causes.
std::string fleet_report_html(const FleetReport& report, Lang lang);

}  // namespace caora
