// caora discharge-guide: the vendor's discharge of a unit as checked, timed steps.
#include <cstdlib>
#include <iostream>

#include "cmd/context.h"
#include "cmd/guide_console.h"
#include "core/state.h"
#include "workflows/discharge.h"

namespace caora {

void setup_discharge_guide(CLI::App& app, Context& ctx) {
  struct Opts {
    std::optional<std::string> device;
    bool resume = false, status = false, cancel = false;
    int timeout = 600;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--device", o->device, ctx.tr("放電するCaoraのシリアル番号（1台だけなら省略可）", "Serial number of the unit to discharge (optional with one unit)"))
      ->check(utf8_text());
  app.add_flag("--resume", o->resume, ctx.tr("中断した案内（端末の再起動など）を続ける", "Continue a guide that was interrupted (e.g. by a restart of the terminal)"));
  auto* status = app.add_flag("--status", o->status, ctx.tr("進行中の案内の状態を表示する", "Show the guide in progress"));
  auto* cancel = app.add_flag("--cancel", o->cancel, ctx.tr("進行中の案内を中止する（別のシェルからも可）", "Cancel the guide in progress (also from another shell)"));
  status->excludes(cancel);
  app.add_option("--timeout", o->timeout, ctx.tr("作業者の操作を待つ最大秒数（手順ごと、既定 600）", "Seconds to wait for each step a person does (default 600)"))
      ->check(CLI::Range(1, 86400));
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> int {
      Lang lang = ctx.lang();
      if ((o->status || o->cancel) && (o->resume || o->device))
        return ctx.fail(make_error(ErrorKind::Usage, "--status と --cancel は --resume や --device と一緒に使えません",
                                   "--status and --cancel do not go with --resume or --device"));
      if (o->resume && o->device)
        return ctx.fail(make_error(ErrorKind::Usage, "--resume は記録されたCaoraで続けます（--device は不要です）",
                                   "--resume continues with the recorded unit (no --device)"));
      fs::path state_dir = ctx.state();
      if (o->cancel) {
        // Even a state file that cannot be read any more can be cancelled.
        std::error_code ec;
        bool had = fs::exists(discharge_state_path(state_dir), ec);
        if (had) {
          Status st = remove_discharge_state(state_dir);
          if (!st) return ctx.fail(st.error());
        }
        Text msg = had ? Text{"放電作業の案内を中止しました", "the discharge guide was cancelled"}
                       : Text{"進行中の放電作業の案内はありません", "no discharge guide is in progress"};
        if (ctx.json)
          ctx.print_json({{"schema", "caora.discharge-guide/1"}, {"status", had ? "cancelled" : "none"},
                          {"message", {{"ja", msg.ja}, {"en", msg.en}}}});
        else ctx.out(msg.in(lang) + "\n");
        return kExitOk;
      }
      auto saved = load_discharge_state(state_dir);
      if (!saved) return ctx.fail(saved.error());
      if (o->status) {
        if (!saved->has_value()) {
          Text msg{"進行中の放電作業の案内はありません", "no discharge guide is in progress"};
          if (ctx.json) ctx.print_json({{"schema", "caora.discharge-guide/1"}, {"status", "none"}, {"message", {{"ja", msg.ja}, {"en", msg.en}}}});
          else ctx.out(msg.in(lang) + "\n");
          return kExitOk;
        }
        DischargeResult r;
        r.state = **saved;
        r.step_status.assign(discharge_steps().size(), "pending");
        for (size_t i = 0; i < r.state.step && i < r.step_status.size(); ++i) r.step_status[i] = "done";
        r.warnings = r.state.warnings;
        r.status = DischargeStatus::Planned;
        r.message = {"進行中（" + r.state.updated_at + " 更新）。続けるには caora discharge-guide --resume",
                     "in progress (updated " + r.state.updated_at + "); continue with caora discharge-guide --resume"};
        if (ctx.json) {
          auto j = discharge_json(r);
          j["status"] = "in-progress";
          j["started_at"] = r.state.started_at;
          j["updated_at"] = r.state.updated_at;
          ctx.print_json(j);
        } else ctx.out(discharge_text(r, lang));
        return kExitTechnician;
      }
      auto site = ctx.open();
      if (!site) return ctx.fail(site.error());
      DischargeOptions opts;
      opts.serial = o->device;
      opts.timeout_s = o->timeout;
      opts.now = now_iso8601();
      DischargeResult r;
      if (o->resume) {
        if (!saved->has_value())
          return ctx.fail(make_error(ErrorKind::Usage, "再開する放電作業の案内がありません", "there is no discharge guide to resume"));
        r.state = **saved;
        r.warnings = r.state.warnings;
        r.resumed = true;
        // A new run id: a guide still running in another shell sees it and stops.
        r.state.run_id = new_discharge_run_id();
        r.step_status.assign(discharge_steps().size(), "pending");
        for (size_t i = 0; i < r.state.step && i < r.step_status.size(); ++i) r.step_status[i] = "done";
      } else {
        if (saved->has_value() && !ctx.dry_run)
          return ctx.fail(make_error(ErrorKind::Usage,
                                     "放電作業の案内が進行中です: --resume で続けるか --cancel で中止してください",
                                     "a discharge guide is in progress: continue it with --resume or stop it with --cancel"));
        r = start_discharge(*site->host, opts);
      }
      auto finish = [&](int code) {
        if (ctx.json) ctx.print_json(discharge_json(r));
        else ctx.out(discharge_text(r, lang));
        return code;
      };
      if (r.status == DischargeStatus::Ambiguous) return finish(kExitUsage);
      if (r.status == DischargeStatus::NoUnit) return finish(kExitNoDevice);
      if (ctx.dry_run || ctx.site) return finish(kExitOk);  // a recorded site: the plan is all there is
      TerminalInteraction probe(lang, ctx.json);
      bool interactive = probe.interactive();
      if (!interactive && !ctx.yes) {
        r.status = DischargeStatus::Refused;
        r.message = {"端末（TTY）がないため、作業者の確認ができません。--yes を付けると、見える手順だけを確認しながら進みます",
                     "no terminal to confirm the steps with: with --yes it goes on, checking the steps the terminal can see"};
        return finish(kExitTechnician);
      }
      SteadyClock clock(clock_scale_from_env());
      ConsoleStepIo<DischargeStepSpec> io(lang, interactive && !ctx.yes, !ctx.json && interactive, kPromptDone);
      run_discharge(*site->host, clock, io, state_dir, opts, r);
      io.end_line();
      switch (r.status) {
        case DischargeStatus::Done: return finish(kExitOk);
        case DischargeStatus::TimedOut: return finish(kExitTimeout);
        case DischargeStatus::Cancelled:
        case DischargeStatus::Stopped: return finish(kExitTechnician);
        default: return finish(kExitProblem);
      }
    };
  });
}

}  // namespace caora
