// caora doctor: every automatic check of every recipe, for when no code is known.
#include "cmd/context.h"
#include "diag/doctor.h"

namespace caora {

void setup_doctor(CLI::App& app, Context& ctx) {
  app.callback([&ctx] {
    ctx.run = [&ctx]() -> int {
      auto set = ctx.recipes();
      if (!set) return ctx.fail(set.error());
      auto site = ctx.open();
      if (!site) return ctx.fail(site.error());
      TerminalInteraction io(ctx.lang(), ctx.json);
      DoctorReport report = run_doctor(*set, *site->host, io);
      io.progress({"", ""});
      if (ctx.json) {
        nlohmann::json doc = doctor_json(report);
        doc["terminal"] = terminal_json(*site->host);
        ctx.print_json(doc);
      }
      else ctx.out(doctor_text(report, ctx.lang(), ctx.verbose));
      return report.present > 0 ? kExitProblem : kExitOk;
    };
  });
}

}  // namespace caora
