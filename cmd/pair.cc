// caora pair: the units on this terminal, the vendor's connection rules, and the inventory.
#include "cmd/context.h"
#include "core/lock.h"
#include "core/state.h"
#include "workflows/pairing.h"

namespace caora {

void setup_pair(CLI::App& app, Context& ctx) {
  struct Opts {
    std::optional<int> licences;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("--licences", o->licences, ctx.tr("購入した複数台接続ライセンスの数（状態フォルダに記録）", "Number of multi-unit licences bought (kept in the state folder)"))
      ->check(CLI::Range(0, 1000));
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> int {
      auto site = ctx.open();
      if (!site) return ctx.fail(site.error());
      // The inventory is this terminal's: a recorded site is reported, not recorded.
      bool live = !ctx.site.has_value();
      bool record = live && !ctx.dry_run;
      std::optional<SiteLock> lock;
      Inventory inventory;
      if (record) {
        auto l = SiteLock::acquire(ctx.state());
        if (!l) return ctx.fail(l.error());
        lock.emplace(std::move(l.value()));
      }
      if (live) {
        auto inv = load_inventory(ctx.state());
        if (!inv) return ctx.fail(inv.error());
        inventory = *inv;
        if (o->licences) inventory.licences = *o->licences;
      }
      std::optional<int> bought = live ? inventory.licences : o->licences;
      PairReport report = build_pair_report(*site->host, usb::embedded_unit_table(), bought);
      if (live) {
        note_inventory(report, inventory, now_iso8601());
        if (record) {
          Status saved = save_inventory(ctx.state(), inventory);
          if (!saved) return ctx.fail(saved.error());
        }
      }
      if (ctx.json) ctx.print_json(pair_json(report));
      else ctx.out(pair_text(report, ctx.lang()));
      if (report.units.empty()) return kExitNoDevice;
      return report.has_problem() ? kExitProblem : kExitOk;
    };
  });
}

}  // namespace caora
