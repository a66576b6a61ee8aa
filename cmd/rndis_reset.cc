// caora rndis-reset: recreate the units' RNDIS adapters and wait for them to come back.
#include "cmd/context.h"
#include "diag/consent.h"
#include "workflows/rndis_reset.h"

namespace caora {

void setup_rndis_reset(CLI::App& app, Context& ctx) {
  struct Opts {
    std::optional<std::string> device;
    int timeout = 60;
    bool reboot = false;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--device", o->device, ctx.tr("このシリアル番号のCaoraだけ（既定はすべて）", "Only the unit with this serial number (default: all)"))->check(utf8_text());
  app.add_option("--timeout", o->timeout, ctx.tr("アダプターが戻るのを待つ秒数（既定 60）", "Seconds to wait for the adapter to come back (default 60)"))
      ->check(CLI::Range(1, 3600));
  app.add_flag("--reboot", o->reboot, ctx.tr("OSが再起動を求めたら資格確認端末の再起動を予約する", "Schedule a restart of the terminal if the OS needs one"));
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> int {
      auto site = ctx.open();
      if (!site) return ctx.fail(site.error());
      Lang lang = ctx.lang();
      RndisResetOptions opts;
      opts.serial = o->device;
      opts.timeout_s = o->timeout;
      opts.reboot = o->reboot;
      RndisResetResult r = prepare_rndis_reset(*site->host, opts);
      auto finish = [&](int code) {
        if (ctx.json) ctx.print_json(rndis_reset_json(r));
        else ctx.out(rndis_reset_text(r, lang));
        return code;
      };
      if (r.status == RndisResetStatus::NoUnit) return finish(kExitNoDevice);
      if (r.status == RndisResetStatus::NotPossible) return finish(kExitTechnician);
      if (r.status == RndisResetStatus::Planned) return finish(kExitOk);
      if (ctx.dry_run) {
        r.status = RndisResetStatus::Planned;
        r.message = {"--dry-run: 何も変更していません", "--dry-run: nothing changed"};
        return finish(kExitOk);
      }
      TerminalInteraction io(lang, ctx.json);
      auto lock = confirm_then_lock(io, ctx.yes, ctx.state(), r.plan.summary, r.plan.changes, "the reset");
      if (!lock) return ctx.fail(lock.error());
      Journal journal(ctx.state());
      run_rndis_reset(*site->host, journal, opts, r, [&io](const Text& t) { io.progress(t); });
      io.progress({"", ""});
      switch (r.status) {
        case RndisResetStatus::Done: return finish(kExitOk);
        case RndisResetStatus::TimedOut: return finish(kExitTimeout);
        case RndisResetStatus::NeedsRestart:
        case RndisResetStatus::RestartScheduled: return finish(kExitTechnician);
        default: return finish(kExitProblem);
      }
    };
  });
}

}  // namespace caora
