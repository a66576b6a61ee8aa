// caora collect-logs: a redacted support bundle with the vendor's ticket filled in
// (lib/workflows/collect_logs); --redact ZIP cleans a bundle or vendor zip made elsewhere.
#include <iostream>

#include "cmd/context.h"
#include "workflows/collect_logs.h"

namespace caora {

void setup_collect_logs(CLI::App& app, Context& ctx) {
  struct Opts {
    std::optional<std::string> output, redact;
    int since = 61;
    std::vector<std::string> includes, ticket;
    bool no_redact = false, force = false, with_images = false, vendor = false;
    double timeout = 120, deadline = 600;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("-o,--output", o->output, ctx.tr("バンドルの出力先（既定は現在のフォルダの caora-logs-<ホスト>-<UTC時刻>.zip）",
                                                  "Write the bundle here (default: caora-logs-<host>-<UTC time>.zip in the current folder)"))
      ->check(utf8_text());
  app.add_option("--since", o->since, ctx.tr("この日数分のログを集める（既定 61: ログビューの保存期間）",
                                             "Collect this many days of logs (default 61: what the log view keeps)"))
      ->check(CLI::Range(1, 3650));
  app.add_option("--include", o->includes, ctx.tr("このファイルやフォルダも入れる（複数可）", "Also include this file or folder (repeatable)"))
      ->check(utf8_text());
  app.add_flag("--no-redact", o->no_redact, ctx.tr("個人情報を伏せずに入れる（取り扱いに注意）", "Do not redact personal data (handle with care)"));
  app.add_option("--ticket", o->ticket, ctx.tr("問い合わせ票の項目 FIELD=VALUE（複数可）", "A ticket field FIELD=VALUE (repeatable)"))
      ->check(utf8_text());
  app.add_flag("--force", o->force, ctx.tr("出力先に既にあるファイルを置き換える", "Replace an existing output file"));
  app.add_option("--redact", o->redact, ctx.tr("既存のバンドルやベンダーの zip を伏せ字にする（-o に書く）",
                                               "Redact an existing bundle or vendor zip (written to -o)"))
      ->check(utf8_text());
  app.add_flag("--vendor", o->vendor, ctx.tr("ベンダーのログ収集（QA 29）を実行または案内し、CaoraLogCollect.zip ができるまで最大 10 分待って入れる",
                                             "Run or guide the vendor's log collection (QA 29), wait up to 10 minutes for CaoraLogCollect.zip and include it"));
  app.add_flag("--with-images", o->with_images, ctx.tr("顔画像・カード画像も入れる（既定は入れない）", "Include face images and card frames (left out by default)"));
  app.add_option("--timeout", o->timeout, ctx.tr("収集項目ごとの制限時間（秒、既定 120）", "Seconds each collector may take (default 120)"))
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--deadline", o->deadline, ctx.tr("全体の制限時間（秒、既定 600）", "Seconds the whole run may take (default 600)"))
      ->check(CLI::Range(0.1, 86400.0));
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> int {
      auto ticket = parse_pairs(o->ticket, "--ticket");
      if (!ticket) return ctx.fail(ticket.error());
      CollectOptions opts;
      if (o->output) opts.output = fs::u8path(*o->output);
      if (o->redact) opts.redact_existing = fs::u8path(*o->redact);
      opts.since_days = o->since;
      for (const auto& i : o->includes) opts.includes.push_back(fs::u8path(i));
      opts.redact = !o->no_redact;
      opts.force = o->force;
      opts.with_images = o->with_images;
      opts.vendor = o->vendor;
      opts.ticket = *ticket;
      opts.collector_timeout_seconds = o->timeout;
      opts.deadline_seconds = o->deadline;
      opts.state_dir = ctx.state();
      opts.caora_version = CAORA_VERSION;
      // The options as run; --ticket values are the clinic's details, so only their names.
      nlohmann::json ticket_fields = nlohmann::json::array();
      for (const auto& [k, v] : *ticket) ticket_fields.push_back(k);
      opts.options_json = {{"since_days", o->since}, {"includes", o->includes}, {"redact", !o->no_redact},
                           {"force", o->force}, {"with_images", o->with_images}, {"ticket_fields", ticket_fields},
                           {"timeout", o->timeout}, {"deadline", o->deadline},
                           {"vendor", o->vendor}};
      if (o->redact) opts.options_json["redact_existing"] = *o->redact;
      std::unique_ptr<SystemLogSource> system_logs;
      if (!o->redact) {
        auto site = ctx.open();
        if (!site) return ctx.fail(site.error());
        opts.root = site->root;
        opts.profile = site->profile.raw;
        opts.snapshot = snapshot_document(*site);
        system_logs = platform_system_logs();
        opts.system_logs = system_logs.get();
      }
      opts.progress = [&ctx](const Text& line) { std::cerr << "caora collect-logs: " << line.in(ctx.lang()) << "\n"; };
      double scale = clock_scale_from_env();
      SteadyClock clock(scale);
      opts.clock = &clock;
      // The started collection may run as long as the wait, in real time, and a little more.
      opts.vendor_run_timeout_seconds = opts.vendor_wait_seconds / scale + 10;
      opts.vendor_guide = [&ctx](const VendorPlan& plan) {
        bool ja = ctx.lang() == Lang::Ja;
        std::string text = plan.mode == VendorMode::Run
                               ? (ja ? "ベンダーのログ収集を実行します（QA 29）: " : "running the vendor's log collection (QA 29): ") +
                                     display_path(plan.shortcut) + "\n"
                               : (ja ? "ベンダーのログ収集（QA 29、カードリーダーソフト 1.6.0.0 以降）を次の手順で行ってください:\n"
                                     : "Do the vendor's log collection (QA 29, reader software 1.6.0.0 and later) as follows:\n");
        int n = 1;
        for (const auto& step : plan.steps) text += "  " + std::to_string(n++) + ". " + (ja ? step.ja : step.en) + "\n";
        text += ja ? "CaoraLogCollect.zip ができるまで最大 10 分待ちます。\n" : "Waiting up to 10 minutes for CaoraLogCollect.zip.\n";
        std::cerr << text << std::flush;
        return true;
      };
      auto r = collect_logs(opts);
      if (!r) return ctx.fail(r.error());
      int code = r->partial.empty() ? kExitOk : kExitProblem;
      if (ctx.json) {
        ctx.print_json({{"schema", "caora.collect-logs/1"},
                        {"bundle", display_path(r->bundle)},
                        {"sha256", r->sha256},
                        {"map", r->map ? nlohmann::json(display_path(*r->map)) : nlohmann::json(nullptr)},
                        {"redactions", r->redactions},
                        {"partial", r->partial},
                        {"status", code == kExitOk ? "complete" : "partial"}});
        return code;
      }
      bool ja = ctx.lang() == Lang::Ja;
      std::string text = (ja ? "バンドル: " : "bundle: ") + display_path(r->bundle) + "\n";
      text += "sha256: " + r->sha256 + "\n";
      if (r->map) text += (ja ? "対応表（非公開、送らないこと）: " : "map (private, do not send): ") + display_path(*r->map) + "\n";
      uint64_t total = 0;
      for (const auto& [k, v] : r->redactions) total += v;
      text += (ja ? "伏せ字: " : "redacted: ") + std::to_string(total);
      for (const auto& [k, v] : r->redactions) text += " " + k + "=" + std::to_string(v);
      text += "\n";
      if (!r->partial.empty()) {
        text += ja ? "一部のみ（欠けているもの）:" : "partial (missing):";
        for (const auto& p : r->partial) text += " " + p;
        text += "\n";
      }
      ctx.out(text);
      return code;
    };
  });
}

}  // namespace caora
