// Running a program to its end and keeping its exit code (an installer). On
// Windows an elevated run asks for administrator rights through the shell
// ("runas"), as double-clicking an installer would.
#pragma once

#include <string>
#include <vector>

#include "core/fs.h"
#include "core/result.h"

namespace caora {

// The program's exit code; an error only when it could not be started or waited for.
Expected<int> run_program(const fs::path& program, const std::vector<std::string>& args, bool elevated);

}  // namespace caora
