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
#include <chrono>
#include <ctime>

#include "core/fs.h"
#include "diag/doctor.h"
#include "selftest/batch.h"
#include "selftest/batch_report.h"
#include "selftest/pipeline.h"
#endif

namespace caora {

namespace {

struct PipelineInputs {
  std::optional<std::string> card, capture, reference;
  int repeat = 1;
  std::optional<std::string> save_baseline, baseline, report;
};

#if CAORA_CARD_OCR && defined(CAORA_FACE)
std::string now_iso() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// Exit 1 on a regression (or an expectation not met), 3 when only inputs changed, else 0.
int run_batch_command(const Context& ctx, const PipelineInputs& opt, const SelftestRunShared& shared,
                      const std::string& manifest_path) {
  auto text = read_file(manifest_path);
  if (!text) {
    Error e = text.error();
    e.kind = ErrorKind::Usage;
    return ctx.fail(e);
  }
  auto manifest = selftest::parse_manifest(*text, fs::absolute(manifest_path).parent_path().string());
  if (!manifest) return ctx.fail(manifest.error());
  std::optional<nlohmann::json> baseline;
  if (opt.baseline) {
    auto b = selftest::load_baseline(ctx.state(), *opt.baseline);
    if (!b) return ctx.fail(b.error());
    baseline = *b;
  }
  if (opt.report) {
    if (auto made = make_dirs(*opt.report); !made) return ctx.fail(made.error());
  }
  nlohmann::json versions = selftest::batch_versions(CAORA_VERSION, shared.models);
  // What an update changes on the terminal (reader software, firmware, face DLL),
  // kept beside the results so a comparison across an update shows both sides;
  // null where this machine does not say (no reader software installed).
  {
    auto site = ctx.open();
    versions.update(terminal_versions_json(site ? site->host.get() : nullptr));
  }
  selftest::Pipeline pipeline(shared.models, (ctx.state() / "cache").string());
  std::optional<std::string> pictures;
  if (opt.report) pictures = (fs::path(*opt.report) / "pictures").string();
  auto outcomes = selftest::run_batch(*manifest, pipeline, opt.repeat, pictures);
  if (!outcomes) return ctx.fail(outcomes.error());
  nlohmann::json cases = selftest::outcomes_json(*outcomes);
  for (size_t i = 0; i < cases.size(); ++i) cases[i]["run"] = (*outcomes)[i].last;
  size_t failed = 0, expect_failed = 0;
  for (const auto& o : *outcomes) {
    failed += !o.failing_stages.empty() || o.error;
    expect_failed += !o.expect_failures.empty();
  }
  std::optional<selftest::Comparison> cmp;
  if (baseline) cmp = selftest::compare((*baseline)["cases"], *outcomes);
  nlohmann::json summary = {{"cases", outcomes->size()}, {"failed", failed}, {"expect_failed", expect_failed},
                            {"repeat", opt.repeat}};
  nlohmann::json doc = {{"schema", "caora.selftest-batch/1"}, {"versions", versions}, {"cases", cases}};
  if (cmp) {
    doc["comparison"] = {{"baseline", *opt.baseline},
                         {"baseline_versions", baseline->value("versions", nlohmann::json())},
                         {"regressions", cmp->regressions},
                         {"timing_regressions", cmp->timing_regressions},
                         {"not_comparable", cmp->not_comparable}};
  }
  int code = kExitOk;
  if (expect_failed || (cmp && (!cmp->regressions.empty() || !cmp->timing_regressions.empty())))
    code = kExitProblem;
  else if (cmp && !cmp->not_comparable.empty())
    code = kExitTechnician;
  summary["exit"] = code;
  doc["summary"] = summary;
  if (opt.save_baseline) {
    nlohmann::json stored = {{"schema", "caora.selftest-baseline/1"}, {"saved_at", now_iso()},
                             {"versions", versions}, {"cases", selftest::outcomes_json(*outcomes)}};
    if (auto s = selftest::save_baseline(ctx.state(), *opt.save_baseline, stored); !s) return ctx.fail(s.error());
    doc["saved_baseline"] = *opt.save_baseline;
  }
  if (opt.report) {
    std::string html = selftest::batch_report_html(*outcomes, baseline, cmp ? &*cmp : nullptr, versions);
    fs::path page = fs::path(*opt.report) / "index.html";
    if (auto w = write_file_atomic(page, html); !w) return ctx.fail(w.error());
    doc["report"] = page.string();
  }
  // The history is a log: a run that cannot be logged still reports.
  (void)selftest::append_history(ctx.state(), {{"at", now_iso()}, {"manifest", manifest_path},
                                               {"baseline", opt.baseline ? nlohmann::json(*opt.baseline) : nlohmann::json()},
                                               {"summary", summary}});
  if (ctx.json) {
    ctx.print_json(doc);
  } else {
    std::string out;
    for (const auto& o : *outcomes) {
      out += (o.failing_stages.empty() && !o.error ? "✓ " : "✗ ") + o.id;
      if (o.number) out += "  " + *o.number;
      if (o.match) out += *o.match ? "  match" : "  no match";
      for (const auto& [stage, ms] : o.median_ms) out += "  " + stage + "=" + std::to_string(int(ms + 0.5)) + "ms";
      out += "\n";
      for (const auto& e : o.expect_failures) out += "    ✗ " + e + "\n";
    }
    if (cmp) {
      for (const auto& r : cmp->regressions) out += ctx.tr("退行: ", "regression: ") + r + "\n";
      for (const auto& r : cmp->timing_regressions) out += ctx.tr("時間の退行: ", "timing regression: ") + r + "\n";
      for (const auto& r : cmp->not_comparable) out += ctx.tr("入力が変わったため比較できません: ", "not comparable (input changed): ") + r + "\n";
    }
    ctx.out(out);
  }
  return code;
}
#endif

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
  app.add_option("--repeat", opt->repeat, ctx.tr("batch: 各ケースの繰り返し回数（既定 1）", "batch: runs of each case (default 1)"));
  app.add_option("--save-baseline", opt->save_baseline,
                 ctx.tr("batch: 結果をこの名前のベースラインとして状態フォルダに記録する", "batch: record the results as the baseline of this name"));
  app.add_option("--baseline", opt->baseline,
                 ctx.tr("batch: この名前のベースラインと比べる", "batch: compare with the baseline of this name"));
  app.add_option("--report", opt->report,
                 ctx.tr("batch: このフォルダに HTML のレポート（index.html）を書く", "batch: write an HTML report (index.html) into this folder"));
  return [&ctx, opt](const SelftestRunShared& shared) -> int {
#if CAORA_CARD_OCR && defined(CAORA_FACE)
    if (shared.manifest) return run_batch_command(ctx, *opt, shared, *shared.manifest);
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
    if (!shared.manifest && !opt->card && !opt->capture)
      return ctx.fail(make_error(ErrorKind::Usage, "--card か --capture（または両方）を指定してください",
                                 "give --card, --capture or both"));
    return run_in_selftest_helper(
        ctx, shared.manifest ? "batch" : "run",
        {"この caora は顔の処理と券面の文字認識なしでビルドされているため、selftest run は使えません",
         "selftest run is not available: this caora was built without the face pipeline and the card-face OCR"});
#endif
  };
}

}  // namespace caora
