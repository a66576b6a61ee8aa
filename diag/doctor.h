// `doctor`: every automatically detectable cause of every recipe in one run,
// for when no code is known. Questions are not asked; fast probes run first,
// slow ones (USB, network, PC/SC) last, and a failing probe is an unknown,
// never the end of the run.
#pragma once

#include <nlohmann/json.hpp>

#include "diag/runner.h"

namespace caora {

struct Finding {
  const Recipe* recipe;
  CauseResult result;
};

struct DoctorReport {
  std::vector<Finding> findings;  // recipe order, causes in the vendor's order
  int present = 0, absent = 0, unknown = 0;
};

DoctorReport run_doctor(const RecipeSet& set, Host& host, Interaction& io);
nlohmann::json doctor_json(const DoctorReport& report);
// What a desk compares across terminals (`caora fleet report`): when the run
// was (UTC), the reader software, firmware and face-auth DLL versions, and the
// units' serials (null where the terminal could not say). Added to doctor's and
// diagnose's JSON as "terminal".
nlohmann::json terminal_json(Host& host);
// Its "versions" alone ({reader_software, firmware, face_dll}, each null where it
// cannot be said; all null without a host), for what keeps them beside results.
nlohmann::json terminal_versions_json(Host* host);
// The findings present, then the counts, and what could not be checked counted in
// two groups (read but left open for a question; not readable here); `list_unknown`
// (-v) lists each of those with its reason.
std::string doctor_text(const DoctorReport& report, Lang lang, bool list_unknown = false);

}  // namespace caora
