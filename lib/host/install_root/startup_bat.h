// StartUpEnv.bat: the batch file whose `set WAIT_TIME_SECOND=40` delays the
// Caora application after the terminal starts (non-error QA 13). The vendor
// keeps two copies that must stay identical. Edits change the digits and
// nothing else: encoding (CP932 or UTF-8, BOM or not) and CRLF stay as found.
#pragma once

#include <string>
#include <vector>

#include "core/encoding.h"
#include "core/result.h"

namespace caora {

struct StartupDelayAssignment {
  size_t line;          // 1-based
  size_t value_offset;  // byte offset of the digits
  size_t value_length;
  long seconds;
};

struct StartupBat {
  std::string bytes;
  TextEncoding encoding;
  std::vector<StartupDelayAssignment> assignments;
  // The effective value: batch files apply the last assignment.
  long seconds() const { return assignments.back().seconds; }
};

constexpr long kStartupDelayMin = 0;
constexpr long kStartupDelayMax = 3600;

Expected<StartupBat> parse_startup_bat(const std::string& bytes, const std::string& variable = "WAIT_TIME_SECOND");
// The same bytes with every assignment's digits replaced by `seconds`.
std::string startup_bat_with_seconds(const StartupBat& bat, long seconds);

}  // namespace caora
