// The state folder (journal, backups, inventory, lock) and the clock.
#pragma once

#include <string>

#include "core/fs.h"

namespace caora {

// %ProgramData%\caora on Windows; $XDG_STATE_HOME/caora, else ~/.local/state/caora.
fs::path default_state_dir();
// Local time as 2026-11-21T05:12:00+09:00.
std::string now_iso8601();
// Today as YYYY-MM-DD (local time).
std::string today_iso();

}  // namespace caora
