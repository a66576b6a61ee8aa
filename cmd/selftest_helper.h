// `caora selftest` runs in the helper executable caora-selftest, which alone links
// the face and card-face OCR stack (dlib, BLAS, Tesseract, image codecs): loading
// those on every start made the everyday commands many times slower than they need be.
#pragma once

#include <optional>
#include <string>

#include "cmd/context.h"

namespace caora {

// In caora: replaces this process with caora-selftest on the same command line, so
// that its output and exit code are the run's. Without a helper (a build without the
// face pipeline, such as Windows', or one not found) says the stage is not available
// (exit 1): `not_built` when none was built, else where it was looked for.
// The options `selftest run` shares with the card and face stages.
struct SelftestRunShared {
  std::optional<std::string> reader, annotate, models;
  std::optional<std::string> manifest;  // batch
  double threshold = 0.6;
  bool force = false;
};

int run_in_selftest_helper(const Context& ctx, const std::string& stage, const Text& not_built);

}  // namespace caora
