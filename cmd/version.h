// `caora --version`: what this caora is and what it was built with, so that a
// desk can tell two terminals' installs apart from one command's output.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "core/text.h"

namespace caora {

// caora.version/1: version, commit, build options, the model files' recorded
// sums against the installed ones, and the packages built against.
nlohmann::json version_document();
std::string version_text(const nlohmann::json& doc, Lang lang);

}  // namespace caora
