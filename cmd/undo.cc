// caora undo <id>: restore what a journal entry changed.
#include "cmd/context.h"
#include "core/json_util.h"
#include "core/journal.h"
#include "diag/consent.h"

namespace caora {

void setup_undo(CLI::App& app, Context& ctx) {
  struct Opts {
    std::string id;
    bool force = false;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("id", o->id, ctx.tr("ジャーナルの記録ID（caora history で確認）", "Journal entry id (see caora history)"))->required();
  app.add_flag("--force", o->force, ctx.tr("その後にファイルが変更されていても戻す", "Restore even if the files were changed again since"));
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> int {
      Journal journal(ctx.state());
      auto entries = journal.entries();
      if (!entries) return ctx.fail(entries.error());
      const JournalEntry* entry = nullptr;
      for (const auto& e : *entries)
        if (e.id == o->id) entry = &e;
      if (entry == nullptr)
        return ctx.fail(make_error(ErrorKind::Usage, "ジャーナルに " + o->id + " はありません（caora history で確認してください）",
                                   "no journal entry " + o->id + " (see caora history)"));
      // An entry without file changes changed the system itself (an adapter
      // enabled, a restart scheduled): the backend that made it takes it back.
      const bool system_change = !entry->changes.is_array() || entry->changes.empty();
      std::vector<std::string> restores;
      for (const auto& c : entry->changes) restores.push_back("restore " + json_string(c, "path"));
      if (system_change) restores.push_back("reverse " + entry->action);
      if (ctx.dry_run) {
        if (ctx.json) ctx.print_json({{"schema", "caora.plan/1"}, {"action", "undo"}, {"id", o->id}, {"changes", restores}});
        else
          for (const auto& r : restores) ctx.out(r + "\n");
        return kExitOk;
      }
      TerminalInteraction io(ctx.lang(), ctx.json);
      auto lock = confirm_then_lock(io, ctx.yes, ctx.state(), {entry->action + " を元に戻します", "Undo " + entry->action},
                                    restores, "the undo");
      if (!lock) return ctx.fail(lock.error());
      std::vector<std::string> reversed;
      if (system_change && entry->state == "applied") {  // else journal.undo() says why not
        auto site = ctx.open();
        if (!site) return ctx.fail(site.error());
        auto done = site->host->reverse(*entry);
        if (!done) return ctx.fail(done.error());  // the entry stays as it was: nothing was taken back
        reversed = *done;
      }
      Status s = journal.undo(o->id, o->force);
      if (!s) return ctx.fail(s.error());
      if (ctx.json) ctx.print_json({{"schema", "caora.undo/1"}, {"id", o->id}, {"undone", true}, {"reversed", reversed}});
      else {
        for (const auto& r : reversed) ctx.out(r + "\n");
        ctx.out((ctx.lang() == Lang::Ja ? "元に戻しました: " : "undone: ") + o->id + "\n");
      }
      return kExitOk;
    };
  });
}

}  // namespace caora
