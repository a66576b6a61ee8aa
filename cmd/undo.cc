// caora undo <id>: restore what a journal entry changed.
#include "cmd/context.h"
#include "core/json_util.h"
#include "core/journal.h"
#include "core/lock.h"

namespace caora {

void setup_undo(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string id;
    bool force = false;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("id", o->id, "Journal entry id (see caora history)")->required();
  app.add_flag("--force", o->force, "Restore even if the files were changed again since");
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> int {
      auto lock = SiteLock::acquire(ctx.state());
      if (!lock) return ctx.fail(lock.error());
      Journal journal(ctx.state());
      if (ctx.dry_run) {
        auto entries = journal.entries();
        if (!entries) return ctx.fail(entries.error());
        for (const auto& e : *entries)
          if (e.id == o->id) {
            for (const auto& c : e.changes) ctx.out("restore " + json_string(c, "path") + "\n");
            return kExitOk;
          }
        return ctx.fail(make_error(ErrorKind::Usage, "ジャーナルに " + o->id + " はありません", "no journal entry " + o->id));
      }
      Status s = journal.undo(o->id, o->force);
      if (!s) return ctx.fail(s.error());
      if (ctx.json) ctx.print_json({{"schema", "caora.undo/1"}, {"id", o->id}, {"undone", true}});
      else ctx.out((ctx.lang() == Lang::Ja ? "元に戻しました: " : "undone: ") + o->id + "\n");
      return kExitOk;
    };
  });
}

}  // namespace caora
