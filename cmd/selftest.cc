// caora selftest face PROBE REFERENCE: the face half of the headless self-test.
// Options to lib/selftest/face_report (which runs the stages and renders the report) and
// the report to stdout; in caora, which links none of the stages, on to caora-selftest. Exit 0 when the faces match, 1 when they do not or a face is missing.
#include "cmd/context.h"
#include "cmd/selftest_helper.h"
#include "selftest/face_report.h"

namespace caora {

namespace {

struct SelftestOptions {
  std::string stage;
  std::vector<std::string> images;
  double threshold = face::kMatchThreshold;
  std::optional<std::string> models;
  std::optional<std::string> annotate;
};

int run_face(const Context& ctx, const SelftestOptions& opt) {
#ifndef CAORA_FACE
  // caora runs the stage in caora-selftest; the Windows build leaves the face pipeline
  // (dlib, BLAS, image codecs) out altogether.
  (void)opt;
  return run_in_selftest_helper(ctx, "face",
                                {"この caora は顔の処理（dlib）なしでビルドされているため、selftest face は使えません",
                                 "selftest face is not available: this caora was built without the face pipeline (dlib)"});
#else
  if (opt.images.size() != 2)
    return ctx.fail(make_error(ErrorKind::Usage, "selftest face には画像を2つ（PROBE REFERENCE）指定してください",
                               "selftest face takes two images: PROBE REFERENCE"));
  auto report = face::run_face_selftest(
      {opt.images[0], opt.images[1], opt.threshold, opt.models, opt.annotate, (ctx.state() / "cache").string()});
  if (!report) return ctx.fail(report.error());
  if (ctx.json) ctx.print_json(face::face_selftest_json(*report));
  else ctx.out(face::face_selftest_text(*report).in(ctx.lang()));
  return report->result.match ? kExitOk : kExitProblem;
#endif
}

}  // namespace

// cmd/selftest_card.cc: the card stage.
std::function<int(const std::vector<std::string>&)> setup_selftest_card(CLI::App& app, Context& ctx,
                                                                        std::optional<std::string>** reader,
                                                                        bool** force);
// cmd/selftest_run.cc: card → chip → face as one pipeline.
std::function<int(const SelftestRunShared&)> setup_selftest_run(CLI::App& app, Context& ctx);

void setup_selftest(CLI::App& app, Context& ctx) {
  auto opt = std::make_shared<SelftestOptions>();
  app.add_option("stage", opt->stage, ctx.tr("診断する段階: face（顔）、card（カード）、run（カード → チップ → 顔の一連）、batch MANIFEST（一括）",
                                   "The stage to test: face, card, run (card → chip → face in one pipeline) or batch MANIFEST"))
      ->required()
      ->check(CLI::IsMember({"face", "card", "run", "batch"}));
  app.add_option("images", opt->images,
                 ctx.tr("face: 撮影画像 PROBE と参照画像 REFERENCE（JPEG・PNG・JPEG 2000）。card: カードカメラの画像 IMAGE",
                        "face: the live capture PROBE and the reference photo REFERENCE (JPEG, PNG or JPEG 2000); "
                        "card: the card camera's frame IMAGE"));
  app.add_option("--threshold", opt->threshold,
                 ctx.tr("同一人物とみなす距離の上限（既定 0.6）", "Largest distance still judged the same person (default 0.6)"));
  app.add_option("--models", opt->models,
                 ctx.tr("モデルのフォルダ（既定は CAORA_MODELS_DIR、/usr/local/share/caora/models）",
                        "Models folder (default: CAORA_MODELS_DIR, /usr/local/share/caora/models)"));
  app.add_option("--annotate", opt->annotate,
                 ctx.tr("顔の枠・特徴点・判定を描いた撮影画像を PNG で保存する",
                        "Save the capture as PNG with the face box, landmarks and verdicts drawn on it"));
  std::optional<std::string>* reader = nullptr;
  bool* force = nullptr;
  auto run_card = setup_selftest_card(app, ctx, &reader, &force);
  auto run_pipeline = setup_selftest_run(app, ctx);
  app.callback([&ctx, opt, run_card, run_pipeline, reader, force] {
    ctx.run = [&ctx, opt, run_card, run_pipeline, reader, force]() -> int {
      if (opt->stage == "card") return run_card(opt->images);
      if (opt->stage == "face") return run_face(ctx, *opt);
      SelftestRunShared shared{*reader, opt->annotate, opt->models, std::nullopt, opt->threshold, *force};
      if (opt->stage == "batch") {
        if (opt->images.size() != 1)
          return ctx.fail(make_error(ErrorKind::Usage, "selftest batch にはマニフェストを1つ指定してください",
                                     "selftest batch takes one manifest: MANIFEST"));
        shared.manifest = opt->images[0];
        return run_pipeline(shared);
      }
      if (!opt->images.empty())
        return ctx.fail(make_error(ErrorKind::Usage, "selftest run は画像を --card・--capture・--reference で受け取ります",
                                   "selftest run takes its images as --card, --capture and --reference"));
      return run_pipeline(shared);
    };
  });
}

}  // namespace caora
