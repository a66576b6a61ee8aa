// caora set-startup-delay <seconds> | --show: the delay between the terminal
// starting and the Caora application starting (non-error QA 13), in both
// copies of StartUpEnv.bat.
#include "cmd/context.h"
#include "diag/consent.h"

namespace caora {

void setup_set_startup_delay(CLI::App& app, Context& ctx) {
  struct Opts {
    std::optional<std::string> typed;  // as typed: read as decimal below, never as C would
    std::optional<long> seconds;
    bool show = false;
  };
  auto o = std::make_shared<Opts>();
  app.add_option("seconds", o->typed, ctx.tr("新しい待ち時間（秒）", "New delay in seconds") + " (" + std::to_string(kStartupDelayMin) + "-" + std::to_string(kStartupDelayMax) + ")")->check(utf8_text());
  app.add_flag("--show", o->show, ctx.tr("2つのファイルの待ち時間と、一致しているかを表示する", "Show the delay in both copies and whether they agree"));
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> int {
      Lang lang = ctx.lang();
      bool ja = lang == Lang::Ja;
      if (o->typed) {
        // Digits only: 040 is forty, not octal 32; 0x10, +40, " 40" and -0 are refused.
        o->seconds = parse_decimal(*o->typed, 99999999);
        if (!o->seconds)
          return ctx.fail(make_error(ErrorKind::Usage,
                                     "秒数は 0〜9 の数字だけで書いてください（例: 40。全角数字も可）: " + truncate_for_echo(*o->typed, kEchoMax),
                                     "give the seconds as decimal digits only (e.g. 40; full-width digits are fine): " +
                                         truncate_for_echo(*o->typed, kEchoMax)));
      }
      if (o->show == o->seconds.has_value())
        return ctx.fail(make_error(ErrorKind::Usage, "秒数か --show のどちらか一方を指定してください", "give either a number of seconds or --show"));
      auto site = ctx.open();
      if (!site) return ctx.fail(site.error());
      if (!site->root)
        return ctx.fail(make_error(ErrorKind::Usage, "インストールフォルダが必要です（--root または CAORA_ROOT）",
                                   "this needs an install root (--root or CAORA_ROOT)"));
      FileSite files(*site->root, site->profile);
      std::error_code ec;
      if (!fs::is_directory(*site->root, ec))
        return ctx.fail(make_error(ErrorKind::NotFound, "インストールフォルダがありません: " + display_path(*site->root),
                                   "the install root does not exist: " + display_path(*site->root)));

      auto show = [&](bool after_change) -> int {
        nlohmann::json list = nlohmann::json::array();
        std::string text;
        std::optional<long> first;
        bool consistent = true;
        Error problem;
        bool failed = false;
        for (const auto& f : files.startup_delay_files()) {
          std::string path = display_path(f.path);
          if (!f.bat) {
            list.push_back({{"path", path}, {"seconds", nullptr}, {"error", {{"ja", f.bat.error().message.ja}, {"en", f.bat.error().message.en}}}});
            text += "  ✗ " + path + ": " + f.bat.error().message.in(lang) + "\n";
            consistent = false;
            if (!failed) problem = f.bat.error(), failed = true;
            continue;
          }
          long s = f.bat->seconds();
          list.push_back({{"path", path}, {"seconds", s}, {"encoding", encoding_name(f.bat->encoding)}});
          text += "  " + path + ": " + std::to_string(s) + (ja ? " 秒" : " s") + "  (" + encoding_name(f.bat->encoding) + ")\n";
          if (first && *first != s) consistent = false;
          first = s;
        }
        auto a = read_file(files.execute_bat()), b = read_file(files.appstartup_bat());
        bool identical = a && b && *a == *b;
        consistent = consistent && identical;
        // Neither copy could be read: that is an error, not a report.
        if (failed && list.size() == 2 && list[0]["seconds"].is_null() && list[1]["seconds"].is_null()) return ctx.fail(problem);
        if (ctx.json) {
          nlohmann::json doc = {{"schema", "caora.startup-delay/1"}, {"files", list}, {"consistent", consistent}, {"identical", identical}};
          if (after_change) doc["applies"] = "next-restart";
          ctx.print_json(doc);
        } else {
          ctx.out(text);
          if (!consistent)
            ctx.out(ja ? "2つの StartUpEnv.bat が一致していません。caora set-startup-delay <秒> で両方を揃えられます。\n"
                       : "The two copies of StartUpEnv.bat differ. caora set-startup-delay <seconds> sets both.\n");
        }
        return consistent ? kExitOk : kExitProblem;
      };
      if (o->show) return show(false);

      nlohmann::json params = {{"seconds", *o->seconds}};
      ActionPlan plan = files.plan("site.startup_delay.set", params);
      if (!plan.applicable) {
        Error e{ErrorKind::Usage, plan.summary};
        if (*o->seconds >= kStartupDelayMin && *o->seconds <= kStartupDelayMax) e.kind = ErrorKind::Parse;
        return ctx.fail(e);
      }
      if (ctx.dry_run) {
        std::string text = ja ? "実行予定（--dry-run のため変更しません）:\n" : "Plan (--dry-run: nothing changed):\n";
        for (const auto& c : plan.changes) text += "  " + c + "\n";
        if (ctx.json) ctx.print_json({{"schema", "caora.plan/1"}, {"action", "site.startup_delay.set"}, {"changes", plan.changes}});
        else ctx.out(text);
        return kExitOk;
      }
      TerminalInteraction io(lang, ctx.json);
      auto lock = confirm_then_lock(io, ctx.yes, ctx.state(),
                                    {"StartUpEnv.bat の待ち時間を " + std::to_string(*o->seconds) + " 秒にします",
                                     "Set the startup delay to " + std::to_string(*o->seconds) + " seconds"},
                                    plan.changes);
      if (!lock) return ctx.fail(lock.error());
      Journal journal(ctx.state());
      auto outcome = files.apply("site.startup_delay.set", params, journal);
      if (!outcome) return ctx.fail(outcome.error());
      if (!ctx.json) {
        ctx.out((ja ? "変更しました（caora undo " : "changed (caora undo ") + outcome->journal_id + (ja ? " で元に戻せます）:\n" : " reverts it):\n"));
      }
      int code = show(true);
      if (!ctx.json)
        ctx.out(ja ? "資格確認端末の次回再起動から有効になります。\n" : "This takes effect at the terminal's next restart.\n");
      return code;
    };
  });
}

}  // namespace caora
