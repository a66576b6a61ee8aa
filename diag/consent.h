// The one rule before caora changes a site (DESIGN.md, Safety): with --yes the
// change goes ahead; otherwise a person at a terminal is asked; without a
// terminal nobody is asked and nothing changes (exit 3). A command that goes
// ahead then takes the site lock, so one caora at a time changes a site.
//
// `diagnose --fix` asks per action as the runner reaches it (ask_consent()),
// holding the lock for the whole run; the other commands make one change and
// use confirm_then_lock().
#pragma once

#include <string>
#include <vector>

#include "core/lock.h"
#include "diag/runner.h"

namespace caora {

enum class Consent { Given, Declined, NoTerminal };

Consent ask_consent(Interaction& io, bool yes, const Text& what, const std::vector<std::string>& changes);

// Why a command changes nothing without consent (NeedsTechnician: exit 3).
// `object_en` names the change in English ("the reset", "the undo").
Error consent_refused(Consent consent, const std::string& object_en);

// Consent for one change, then the site lock, held until the returned lock goes.
Expected<SiteLock> confirm_then_lock(Interaction& io, bool yes, const fs::path& state_dir, const Text& what,
                                     const std::vector<std::string>& changes, const std::string& object_en = "the change");

}  // namespace caora
