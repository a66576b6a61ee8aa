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
      for (const auto& e : *entries) {
        ctx.out(e.id + "  " + e.time + "  " + e.action + "  [" + e.state + "]\n");
        for (const auto& c : e.changes) ctx.out("    " + json_string(c, "op") + " " + json_string(c, "path") + "\n");
      }
      return kExitOk;
    };
  });
}

}  // namespace caora
