// caora fleet report DIR: many terminals' doctor/diagnose results in one
// report (lib/fleet), as text, caora.fleet-report/1 or a page (--html).
#include <iostream>

#include "cmd/context.h"
#include "core/fs.h"
#include "fleet/fleet_report.h"

namespace caora {

namespace {

struct FleetOpts {
  std::string action, dir;
  std::optional<std::string> html;
};

}  // namespace

void setup_fleet(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<FleetOpts>();
  app.add_option("action", o->action, ctx.tr("report（結果のフォルダから端末の一覧を作る）", "report (a report from a folder of results)"))
      ->required()
      ->check(CLI::IsMember({"report"}));
  app.add_option("dir", o->dir, ctx.tr("結果のフォルダ（端末ごとの <host>.json: doctor/diagnose --json の出力）",
                                       "The results folder (one <host>.json per terminal: doctor/diagnose --json output)"))
      ->required()
      ->check(utf8_text());
  app.add_option("--html", o->html, ctx.tr("並べ替えできる表とグラフのページをこのファイルに書く", "Write a page with a sortable table and a chart to this file"))
      ->check(utf8_text());
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> int {
      auto report = build_fleet_report(fs::u8path(o->dir));
      if (!report) return ctx.fail(report.error());
      if (o->html) {
        Status w = write_file_atomic(fs::u8path(*o->html), fleet_report_html(report.value(), ctx.lang()));
        if (!w) return ctx.fail(w.error());
      }
      if (ctx.json) write_fleet_report_json(std::cout, report.value());
      else ctx.out(fleet_report_text(report.value(), ctx.lang()));
      // The worst terminal's class (DESIGN.md's exit codes); files that could
      // not be read are a problem of their own.
      int code = report.value().worst_exit;
      if (code == kExitOk && !report.value().bad_files.empty()) code = kExitProblem;
      return code;
    };
  });
}

}  // namespace caora
