// Running another program with a time limit and capturing what it prints: one
// collector that hangs must not hold up the rest (kill on timeout, output capped).
#pragma once

#include <string>
#include <vector>

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

}  // namespace caora
