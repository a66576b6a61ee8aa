// caora: install and support the Caora face-recognition card reader.
// The subcommands are declared once in command_table(); CLI11 wiring only.
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <mutex>

#include "cmd/context.h"
#include "cmd/version.h"
#include "core/stopwatch.h"

namespace caora {

void setup_diagnose(CLI::App&, Context&);
void setup_explain(CLI::App&, Context&);
void setup_list(CLI::App&, Context&);
void setup_doctor(CLI::App&, Context&);
void setup_snapshot(CLI::App&, Context&);
void setup_history(CLI::App&, Context&);
void setup_undo(CLI::App&, Context&);
void setup_set_startup_delay(CLI::App&, Context&);
void setup_selftest(CLI::App&, Context&);
void setup_pair(CLI::App&, Context&);
void setup_rndis_reset(CLI::App&, Context&);
void setup_discharge_guide(CLI::App&, Context&);
void setup_register(CLI::App&, Context&);
void setup_firmware(CLI::App&, Context&);
void setup_collect_logs(CLI::App&, Context&);
void setup_fleet(CLI::App&, Context&);

const std::vector<CommandSpec>& command_table() {
  static const std::vector<CommandSpec> table = {
      {"diagnose", {"エラーコードの原因を確認し、--fix で修正する", "Check a code's causes on this terminal; --fix resolves"}, setup_diagnose},
      {"explain", {"コード・画面・症状の意味と対処を表示する", "Explain a code, screen or symptom and its fixes"}, setup_explain},
      {"list", {"レシピ（コード・QA・FAQ）、プローブ、アクションを一覧する", "List recipes (codes, QA, FAQ), probes or actions"}, setup_list},
      {"doctor", {"コード不明のとき、自動で確認できる原因をすべて確認する", "Run every automatic check when no code is known"}, setup_doctor},
      {"snapshot", {"この端末の状態を記録する（--site で再生）", "Record this terminal's state for offline replay (--site)"}, setup_snapshot},
      {"history", {"caora が行った変更の履歴", "The journal of changes caora made"}, setup_history},
      {"undo", {"caora が行った変更を元に戻す", "Undo a change caora made"}, setup_undo},
      {"set-startup-delay", {"Caoraアプリの起動待ち時間（StartUpEnv.bat）を表示・変更する", "Show or set the Caora application's startup delay (StartUpEnv.bat)"}, setup_set_startup_delay},
      {"selftest", {"自己診断: card（カードの置き方・券面OCR・照合番号B・ICチップ）と face（撮影品質・顔照合）、各段階の時間", "Self-test the pipeline: card (placement, card-face OCR, verification number B, chip) and face (capture quality, match), with timings"}, setup_selftest},
      {"pair", {"Caoraの接続を確認し、台帳（シリアル・ポート・リーダー）を記録する", "Check how the units are connected and keep their inventory"}, setup_pair},
      {"rndis-reset", {"CaoraのRNDISアダプターを作り直し、戻るまで待つ", "Recreate the units' RNDIS adapters and wait until they are back"}, setup_rndis_reset},
      {"discharge-guide", {"Caoraの放電作業を手順ごとに確認しながら案内する（1分の待ちを計時）", "Guide the unit's discharge step by step, checking each step and timing the one-minute waits"}, setup_discharge_guide},
      {"collect-logs", {"サポート用のログ一式を伏せ字にして集め、問い合わせ票を用意する", "Collect a redacted support bundle with the vendor's ticket filled in"}, setup_collect_logs},
      {"register", {"ログイン名管理ツールでの登録: 状況、登録前の重複確認、確認しながらの登録、接続情報の撤去、証明書変更時の判断", "Registration with the login-name tool: status, a check before registering, a guided registration, removal of the connection info, the certificate-change decision"}, setup_register},
      {"firmware", {"カードリーダーソフト・ファームウェアの版の確認、署名付きマニフェストの取得、検証付きダウンロードとインストール", "Reader software and firmware: versions against known-good, a signed manifest, verified downloads and a checked install"}, setup_firmware},
      {"fleet", {"多数の端末の doctor/diagnose の結果をまとめる（report）", "Fold many terminals' doctor/diagnose results into one report (report)"}, setup_fleet},
  };
  return table;
}

// The CLI as data, for the test that keeps man pages and completions in step.
static nlohmann::json describe(const CLI::App& app) {
  nlohmann::json options = nlohmann::json::array();
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_name() == "--help" || opt->get_name() == "-h,--help" || opt->get_group().empty()) continue;
    nlohmann::json longs = nlohmann::json::array(), shorts = nlohmann::json::array();
    for (const auto& l : opt->get_lnames()) longs.push_back("--" + l);
    for (const auto& s : opt->get_snames()) shorts.push_back("-" + s);
    bool positional = longs.empty() && shorts.empty();
    options.push_back({{"name", positional ? opt->get_name() : longs.empty() ? shorts[0].get<std::string>() : longs[0].get<std::string>()},
                       {"long", longs}, {"short", shorts}, {"positional", positional}, {"flag", opt->get_items_expected_max() == 0},
                       {"description", opt->get_description()}});
  }
  nlohmann::json subs = nlohmann::json::array();
  for (const CLI::App* sub : app.get_subcommands({})) subs.push_back(describe(*sub));
  return {{"name", app.get_name()}, {"options", options}, {"subcommands", subs}};
}

// Without -v, stderr shows warnings only: an error is already said once, by
// Context::fail or in the report, and the log's copy is for -v and --log-file.
class WarningsOnly : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (msg.level != spdlog::level::warn) return;
    spdlog::memory_buf_t out;
    formatter_->format(msg, out);
    std::cerr.write(out.data(), static_cast<std::streamsize>(out.size()));
  }
  void flush_() override { std::cerr.flush(); }
};

// The command line for the log: what follows --ticket may name people, so
// its values are left out; nothing secret is ever taken from argv.
static std::string command_line_for_log(const std::vector<std::string>& argv) {
  std::string line;
  bool hide_next = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string a = argv[i];
    if (hide_next) a = "<redacted>";
    hide_next = a == "--ticket";
    if (starts_with(a, "--ticket=")) a = "--ticket=<redacted>";
    line += (line.empty() ? "" : " ") + truncate_for_echo(a, kEchoMax);
  }
  return line;
}

static int run(int argc, char** argv) {
  Context ctx;
  ctx.argv.assign(argv, argv + argc);
  Lang env_lang = lang_from_environment();
  // --lang also decides the language of --help and of command-line errors.
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value = arg.rfind("--lang=", 0) == 0 ? arg.substr(7) : (arg == "--lang" && i + 1 < argc ? argv[i + 1] : "");
    if (!value.empty()) parse_lang(value, &env_lang);
  }
  bool ja = env_lang == Lang::Ja;
  ctx.help_lang = env_lang;
  CLI::App app{ja ? "caora: 顔認証付きカードリーダー Caora の導入・保守ツール" : "caora: install and support the Caora face-recognition card reader", "caora"};
  app.require_subcommand(0, 1);
  app.set_help_flag("-h,--help", ctx.tr("このヘルプを表示して終了する", "Print this help message and exit"));
  // A flag of our own rather than CLI11's version flag: --json and --lang apply to it.
  bool show_version = false;
  app.add_flag("--version", show_version, ctx.tr("バージョン、コミット、ビルドオプション、モデルファイルの版を表示して終了する",
                                                 "Print the version, commit, build options and model files' versions, and exit"));
  bool dump_cli = false;
  app.add_option("--lang", ctx.lang_name, ctx.tr("出力の言語: ja か en（既定はロケールから）", "Language of the output: ja or en (default: from the locale)"))->check(CLI::IsMember({"ja", "en"}));
  app.add_flag("--json", ctx.json, ctx.tr("標準出力にJSON文書を1つ出す", "One JSON document on stdout"));
  app.add_option("--root", ctx.root, ctx.tr("Caoraのインストールフォルダ（既定は CAORA_ROOT、Windowsでは C:\\PFU-Caora）", "Caora install root (default: CAORA_ROOT; C:\\PFU-Caora on Windows)"));
  app.add_option("--site", ctx.site, ctx.tr("記録したサイトを再生する: スナップショットファイル、または demo", "Replay a recorded site: a snapshot file, or 'demo'"));
  app.add_option("--profile", ctx.profile, ctx.tr("サイトプロファイル（インストールフォルダ内の情報の場所）を差し替える", "Site profile override (where facts live in the install root)"));
  app.add_option("--recipes", ctx.recipes_dir, ctx.tr("内蔵のレシピの代わりにこのフォルダのレシピを使う", "Use the recipes in this folder instead of the built-in ones"));
  app.add_option("--state-dir", ctx.state_dir, ctx.tr("状態フォルダ（ジャーナル、バックアップ、ロック）", "State folder (journal, backups, lock)"));
  app.add_flag("--yes", ctx.yes, ctx.tr("変更の前に確認しない（スクリプト向け）", "Do not ask before changing anything (for scripts)"));
  app.add_flag("--dry-run", ctx.dry_run, ctx.tr("変更内容を表示するだけで、何も変更しない", "Print what would change; change nothing"));
  app.add_flag("-v,--verbose", ctx.verbose, ctx.tr("詳しいログを標準エラーに出す", "Log details on stderr"));
  app.add_option("--log-file", ctx.log_file, ctx.tr("ログをこのファイルにも書く", "Also write the log to this file"));
  app.add_flag("--dump-cli", dump_cli, ctx.tr("コマンドラインの定義をJSONで出す", "Print the command-line interface as JSON"))->group("");
  for (const auto& cmd : command_table()) {
    CLI::App* sub = app.add_subcommand(cmd.name, cmd.summary.in(env_lang));
    sub->fallthrough();
    cmd.setup(*sub, ctx);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Under --json a script gets its document even when the command line is wrong.
    bool json = false;
    for (int i = 1; i < argc; ++i) json = json || std::string(argv[i]) == "--json";
    if (json)
      ctx.print_json(error_json(make_error(ErrorKind::Usage, std::string("コマンドラインが正しくありません: ") + e.what(),
                                           std::string("invalid command line: ") + e.what()),
                                kExitUsage));
    std::cerr << "caora: " << (ja ? "コマンドラインが正しくありません: " : "") << e.what() << "\n"
              << (ja ? "caora --help で使い方を表示します\n" : "run caora --help for usage\n");
    return kExitUsage;
  }
  if (show_version) {
    nlohmann::json doc = version_document();
    if (ctx.json) ctx.print_json(doc);
    else ctx.out(version_text(doc, ctx.lang()));
    return kExitOk;
  }
  if (dump_cli) {
    std::cout << describe(app).dump(2) << "\n";
    return kExitOk;
  }
  // -v: everything on stderr; --log-file: everything in the file (appended), so
  // a bug report carries it; otherwise only warnings reach stderr.
  auto logger = std::make_shared<spdlog::logger>("caora");
  if (ctx.verbose) logger->sinks().push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  else logger->sinks().push_back(std::make_shared<WarningsOnly>());
  if (ctx.log_file) {
    try {
      auto file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(*ctx.log_file);
      file->set_level(spdlog::level::debug);
      logger->sinks().push_back(file);
    } catch (const spdlog::spdlog_ex& e) {
      return ctx.fail(make_error(ErrorKind::Usage, "ログファイルを開けません: " + *ctx.log_file + "（" + e.what() + "）",
                                 "cannot open the log file " + *ctx.log_file + ": " + e.what()));
    }
  }
  logger->set_level(spdlog::level::debug);
  // ISO time with the offset, level, message: readable as is, sortable, grep-able.
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z [%l] %v");
  if (!ctx.verbose) logger->sinks().front()->set_pattern("caora: %v");
  logger->flush_on(spdlog::level::debug);
  spdlog::set_default_logger(logger);
  if (!ctx.run) {
    std::cout << app.help();
    return kExitUsage;
  }
  spdlog::info("caora {} {}", CAORA_VERSION, command_line_for_log(ctx.argv));
  spdlog::info("state folder {}, root {}, site {}", display_path(ctx.state()), ctx.root.value_or("-"), ctx.site.value_or("-"));
  auto started = std::chrono::steady_clock::now();
  int code = ctx.run();
  spdlog::info("exit {} after {:.1f} ms", code, ms_since(started));
  return code;
}

}  // namespace caora

int main(int argc, char** argv) {
  try {
    return caora::run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "caora: internal error: " << e.what() << "\n";
    return caora::kExitInternal;
  }
}
