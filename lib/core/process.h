// Running other programs. run_process: with a time limit, its output captured,
// so that one collector that hangs cannot hold up the rest (killed on timeout,
// output capped). run_program: to its end, keeping its exit code (an installer);
// on Windows an elevated run asks for administrator rights through the shell
// ("runas"), as double-clicking an installer would. run_attached (Windows): a
// companion program in this one's place on the same console (core/helper_exec).
// POSIX in process.cc, Windows in process_windows.cc.
#pragma once

#include <string>
#include <vector>

#include "core/fs.h"
#include "core/result.h"

namespace caora {

struct ProcessResult {
  int exit_code = -1;
  bool timed_out = false;
  bool truncated = false;  // stdout was longer than the cap
  std::string out;         // stdout, up to the cap
  std::string err;         // stderr, its first 64 KiB
};

// Starts argv[0] (looked up on PATH) without a shell. A program that cannot be
// started is an error; one that fails is a result with its exit code.
Expected<ProcessResult> run_process(const std::vector<std::string>& argv, double timeout_seconds,
                                    size_t out_cap = size_t{256} << 20);

// The program's exit code; an error only when it could not be started or waited for.
Expected<int> run_program(const fs::path& program, const std::vector<std::string>& args, bool elevated);

#ifdef _WIN32
// Runs `program` with `command_line` (its argv as Windows passes it, argv[0] included)
// on this console and this process's standard handles, to its end: its exit code.
// An error only when it could not be started.
Expected<int> run_attached(const fs::path& program, const std::wstring& command_line);
#endif

}  // namespace caora
