// `selftest batch --report DIR`: one self-contained HTML page (no network: the
// pictures inline as data: URLs, the chart as inline SVG) with each case's annotated
// card and face, the stages' verdicts and timings, and the stage times against the
// baseline's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "selftest/batch.h"

namespace caora::selftest {

std::string batch_report_html(const std::vector<CaseOutcome>& outcomes, const std::optional<nlohmann::json>& baseline,
                              const Comparison* comparison, const nlohmann::json& versions);

}  // namespace caora::selftest
