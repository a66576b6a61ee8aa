// caora snapshot -o site.json: every probe of this site, for offline replay with --site.
#include "cmd/context.h"
#include "core/state.h"
#include "host/recorded/recorded_host.h"

namespace caora {

void setup_snapshot(CLI::App& app, Context& ctx) {
  auto output = std::make_shared<std::string>();
  app.add_option("-o,--output", *output, ctx.tr("スナップショットをこのファイルに書く（既定は標準出力）", "Write the snapshot to this file (default: standard output)"));
  app.callback([&ctx, output] {
    ctx.run = [&ctx, output]() -> int {
      auto site = ctx.open();
      if (!site) return ctx.fail(site.error());
      nlohmann::json doc = snapshot_document(*site);
      if (output->empty()) {
        ctx.print_json(doc);
        return kExitOk;
      }
      Status w = write_file_atomic(fs::u8path(*output), doc.dump(2) + "\n");
      if (!w) return ctx.fail(w.error());
      if (ctx.json) ctx.print_json({{"schema", "caora.snapshot-written/1"}, {"path", *output}, {"probes", doc["probes"].size()}});
      else ctx.out((ctx.lang() == Lang::Ja ? "スナップショットを書き込みました: " : "snapshot written: ") + *output + "\n");
      return kExitOk;
    };
  });
}

}  // namespace caora
