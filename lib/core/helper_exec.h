// Companion executables installed with this one: a program can leave heavy
// libraries to a helper that only the commands needing them start, so that every
// other run does not pay for loading them (caora and caora-selftest).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/fs.h"

namespace caora {

struct HelperSearch {
  std::optional<fs::path> found;
  std::vector<fs::path> tried;  // in order, for the message when none is found
};

// Where `name` is looked for: only at $env_var when that is set; else beside this
// executable (a build tree), then at ../libexec/<libexec_dir>/<name> from it (an
// installed /usr/bin + /usr/libexec layout). This executable itself never counts,
// so that a helper pointed back at its caller cannot start itself forever.
HelperSearch find_helper(const std::string& name, const char* env_var, const std::string& libexec_dir);

// Runs `path` on `argv` (argv[0] passed as given, so that the helper's messages name
// the command people typed) in this process's place: on POSIX the process is
// replaced and this returns only on failure; on Windows the helper runs attached to
// this console and its exit code is returned, for this process to exit with.
Expected<int> run_helper(const fs::path& path, const std::vector<std::string>& argv);

// This program's own file, when the system says.
std::optional<fs::path> this_executable();

}  // namespace caora
