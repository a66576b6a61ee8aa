// caora history: the journal of changes caora made, newest last.
#include "cmd/context.h"
#include "core/json_util.h"
#include "core/journal.h"

namespace caora {

void setup_history(CLI::App& app, Context& ctx) {
  app.callback([&ctx] {
    ctx.run = [&ctx]() -> int {
      Journal journal(ctx.state());
      auto entries = journal.entries();
      if (!entries) return ctx.fail(entries.error());
      if (ctx.json) {
        nlohmann::json items = nlohmann::json::array();
        for (const auto& e : *entries)
          items.push_back({{"id", e.id}, {"time", e.time}, {"action", e.action}, {"state", e.state}, {"params", e.params}, {"changes", e.changes}});
        ctx.print_json({{"schema", "caora.history/1"}, {"entries", items}});
        return kExitOk;
      }
      if (entries->empty()) ctx.out(ctx.lang() == Lang::Ja ? "記録された変更はありません\n" : "no changes recorded\n");
      const bool ja = ctx.lang() == Lang::Ja;
      for (const auto& e : *entries) {
        ctx.out(e.id + "  " + e.time + "  " + e.action + "  [" + e.state + "]\n");
        // An entry still begun was interrupted, or is being made right now:
        // which of its files were written tells how far it got.
        const bool unfinished = e.state == "begun";
        for (const auto& c : e.changes) {
          std::string mark;
          if (unfinished) {
            bool written = c.contains("written") && c["written"] == true;
            mark = written ? (ja ? "  （書き込み済み）" : "  (written)") : (ja ? "  （未記録）" : "  (not recorded as written)");
          }
          ctx.out("    " + json_string(c, "op") + " " + json_string(c, "path") + mark + "\n");
        }
        if (e.state == "begun" && !e.changes.empty())
          ctx.out(ja ? "    途中で止まった変更です。caora undo " + e.id + " で書き込まれた分を元に戻せます\n"
                     : "    this change did not finish: caora undo " + e.id + " puts back what was written\n");
        if (e.state == "undoing")
          ctx.out(ja ? "    元に戻す途中で止まりました。caora undo " + e.id + " で完了します\n"
                     : "    its undo did not finish: caora undo " + e.id + " finishes it\n");
      }
      return kExitOk;
    };
  });
}

}  // namespace caora
