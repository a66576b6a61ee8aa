// caora selftest run: the card and the face self-tests as one pipeline, in the unit's
// order (lib/selftest/pipeline). This file wires the options and prints; in caora,
// which links none of the stages, it hands the run to caora-selftest.
// Exit 0 when every stage passed, 1 when one failed, 5 when the reader is not there.
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cmd/context.h"
#include "cmd/selftest_helper.h"
#if CAORA_CARD_OCR && defined(CAORA_FACE)
#include "selftest/pipeline.h"
#endif

namespace caora {

namespace {

struct PipelineInputs {
  std::optional<std::string> card, capture, reference;
};

}  // namespace

// Called by setup_selftest: declares run's own options; the shared ones (--reader,
// --force, --annotate, --threshold, --models) come from the card and face stages.
std::function<int(const SelftestRunShared&)> setup_selftest_run(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<PipelineInputs>();
  app.add_option("--card", opt->card,
                 ctx.tr("run: カードカメラの画像（置き方・券面OCR・照合番号B）", "run: the card camera's frame (placement, OCR, verification number B)"));
  app.add_option("--capture", opt->capture,
                 ctx.tr("run: 顔カメラの撮影画像", "run: the face camera's capture"));
  app.add_option("--reference", opt->reference,
                 ctx.tr("run: 照合する顔写真（既定はチップの顔写真）", "run: the photo to match against (default: the chip's photo)"));
  return [&ctx, opt](const SelftestRunShared& shared) -> int {
#if CAORA_CARD_OCR && defined(CAORA_FACE)
    selftest::RunRequest req{opt->card, shared.reader, opt->capture, opt->reference, shared.annotate, shared.threshold,
                             shared.force};
    selftest::Pipeline pipeline(shared.models, (ctx.state() / "cache").string());
    auto report = pipeline.run(req);
    if (!report) return ctx.fail(report.error());
    if (ctx.json) ctx.print_json(selftest::run_json(*report));
    else ctx.out(selftest::run_text(*report).in(ctx.lang()));
    if (report->no_reader) return kExitNoDevice;
    return report->passed ? kExitOk : kExitProblem;
#else
    (void)shared;
    if (!opt->card && !opt->capture)
      return ctx.fail(make_error(ErrorKind::Usage, "--card か --capture（または両方）を指定してください",
                                 "give --card, --capture or both"));
    return run_in_selftest_helper(
        ctx, "run",
        {"この caora は顔の処理と券面の文字認識なしでビルドされているため、selftest run は使えません",
         "selftest run is not available: this caora was built without the face pipeline and the card-face OCR"});
#endif
  };
}

}  // namespace caora
