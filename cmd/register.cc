// caora register status | check | remove | cert-change: registering a unit
// with the login-name tool (error 906 0x81000001 and 0x81000003, non-error QA
// 8-11, 16, 32, 33), checked before anyone opens the tool.
#include <algorithm>

#include "cmd/context.h"
#include "core/journal.h"
#include "diag/consent.h"
#include "host/install_root/connection_info.h"
#include "workflows/registration.h"

namespace caora {

namespace {

struct RegisterOpts {
  std::string action;
  std::optional<std::string> account, reader, env, ledger, device, face_dll;
  bool update = false, institution_code_changed = false;
  std::vector<std::string> answers;
};

const char* kQuestionId = "face-dll-2-1-0j-needs-reregistration";  // qa-33's question

Text assumed_location_note(const SiteProfile& p) {
  if (!p.assumed("registration")) return {"", ""};
  return {"（接続情報の場所と形式はベンダー資料に記載がなく、caora の想定です: サイトプロファイル \"registration\"。--profile で差し替えられます）",
          "(where and how the terminal keeps the connection info is not in the vendor's documents: it is caora's assumption, site profile \"registration\"; --profile overrides it)"};
}

Registration from_terminal(const ConnectionRecord& c) {
  Registration r;
  r.account = c.account;
  r.reader = c.reader;
  r.serial = c.serial;
  r.env = parse_env(c.environment).value_or(RegEnv::Verification);
  r.source = "terminal: " + display_path(c.path);
  return r;
}

std::string source_list(const std::vector<Registration>& rs) {
  std::string s;
  for (const auto& r : rs) s += (s.empty() ? "" : ", ") + r.source;
  return s;
}

struct TerminalState {
  bool read = false;
  ConnectionInfo info;
  nlohmann::json json;
};

TerminalState read_terminal(const OpenedSite& site) {
  TerminalState t;
  t.json = {{"read", false}, {"assumed", site.profile.assumed("registration")}};
  std::error_code ec;
  if (!site.root || !fs::is_directory(*site.root, ec)) {
    t.json["reason"] = site.root ? "the install root does not exist: " + display_path(*site.root) : "no install root";
    return t;
  }
  t.info = read_connection_info(*site.root, site.profile);
  t.read = true;
  t.json["read"] = true;
  t.json["looked_in"] = t.info.looked_in;
  t.json["problems"] = t.info.problems;
  t.json["registrations"] = t.info.records.size();
  t.json["active_environment"] = t.info.active ? nlohmann::json(*t.info.active) : nlohmann::json(nullptr);
  return t;
}

int run_check(Context& ctx, const RegisterOpts& o) {
  Lang lang = ctx.lang();
  bool ja = lang == Lang::Ja;
  if (!o.account || !o.reader || !o.env)
    return ctx.fail(make_error(ErrorKind::Usage, "check には --account、--reader、--env が必要です",
                               "check needs --account, --reader and --env"));
  if (!is_face_auth_account(*o.account))
    return ctx.fail(make_error(ErrorKind::Usage,
                               "顔認証用アカウントのログインIDは F0 で始まります: " + truncate_for_echo(*o.account, kEchoMax),
                               "a face-auth account's login ID starts with F0: " + truncate_for_echo(*o.account, kEchoMax)));
  if (o.reader->empty())
    return ctx.fail(make_error(ErrorKind::Usage, "--reader が空です", "--reader is empty"));
  auto env = parse_env(*o.env);
  if (!env)
    return ctx.fail(make_error(ErrorKind::Usage, "--env は verification か production です", "--env is verification or production"));
  std::vector<Registration> known;
  nlohmann::json ledger_json = nullptr;
  if (o.ledger) {
    auto text = read_file(fs::u8path(*o.ledger));
    if (!text) return ctx.fail(text.error());
    auto rows = parse_ledger(*text, *o.ledger);
    if (!rows) return ctx.fail(rows.error());
    ledger_json = {{"path", *o.ledger}, {"registrations", rows->size()}};
    known = std::move(*rows);
  }
  auto site = ctx.open();
  if (!site) return ctx.fail(site.error());
  TerminalState term = read_terminal(*site);
  if (!term.read && !o.ledger)
    return ctx.fail(make_error(ErrorKind::Usage,
                               "照合する登録がありません: インストールフォルダ（--root）か台帳（--ledger）を指定してください",
                               "nothing to check against: give an install root (--root) or a ledger (--ledger)"));
  for (const auto& c : term.info.records) known.push_back(from_terminal(c));

  CheckRequest req{*o.account, *o.reader, *env, o.update};
  auto findings = check_registration(req, known);
  bool fails = would_fail(findings);
  if (ctx.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& f : findings) list.push_back(finding_json(f));
    ctx.print_json({{"schema", "caora.register/1"},
                    {"action", "check"},
                    {"request", {{"account", req.account}, {"reader", req.reader}, {"environment", env_name(req.env)},
                                 {"operation", req.update ? "update" : "register"}}},
                    {"would_succeed", !fails},
                    {"findings", list},
                    {"sources", {{"terminal", term.json}, {"ledger", ledger_json}}}});
    return fails ? kExitProblem : kExitOk;
  }
  std::string text = (ja ? "登録の事前確認: " : "Registration check: ") + req.account + " ↔ " + req.reader + " (" +
                     env_label(req.env).in(lang) + ", " + (req.update ? (ja ? "更新" : "update") : (ja ? "新規登録" : "register")) + ")\n";
  const char* marks[] = {"", " ①", " ②", " ③", " ④"};
  for (const auto& f : findings) {
    text += std::string(f.fails ? "  ✗ " : "  ! ") + "[" + f.error + " " + f.detail + marks[f.vendor_case] + "] " + f.message.in(lang) + "\n";
    text += (ja ? "      対処: " : "      fix: ") + f.fix.in(lang) + "\n";
    if (!f.conflicts.empty()) text += (ja ? "      根拠: " : "      from: ") + source_list(f.conflicts) + "\n";
  }
  if (findings.empty()) text += ja ? "  ✓ 重複はありません\n" : "  ✓ no duplicate\n";
  text += fails ? (ja ? "このままでは登録に失敗します。\n" : "This registration would fail.\n")
                : (ja ? "この登録は通るはずです。\n" : "This registration should go through.\n");
  if (term.read) {
    text += (ja ? "端末の接続情報: " : "Terminal's connection info: ") + std::to_string(term.info.records.size()) +
            (ja ? " 件 " : " found ") + assumed_location_note(site->profile).in(lang) + "\n";
    for (const auto& p : term.info.problems) text += (ja ? "  読めないもの: " : "  unreadable: ") + p + "\n";
  } else {
    text += ja ? "端末の接続情報は読んでいません（インストールフォルダがありません）\n"
               : "The terminal's connection info was not read (no install root)\n";
  }
  if (!o.ledger) text += ja ? "台帳は指定されていません（--ledger）\n" : "No ledger given (--ledger)\n";
  ctx.out(text);
  return fails ? kExitProblem : kExitOk;
}

int run_status(Context& ctx, const RegisterOpts& o) {
  (void)o;
  Lang lang = ctx.lang();
  bool ja = lang == Lang::Ja;
  auto site = ctx.open();
  if (!site) return ctx.fail(site.error());
  if (!site->root)
    return ctx.fail(make_error(ErrorKind::Usage, "インストールフォルダが必要です（--root または CAORA_ROOT）",
                               "this needs an install root (--root or CAORA_ROOT)"));
  TerminalState term = read_terminal(*site);
  if (!term.read)
    return ctx.fail(make_error(ErrorKind::NotFound, "インストールフォルダがありません: " + display_path(*site->root),
                               "the install root does not exist: " + display_path(*site->root)));
  // Per unit: what each environment has.
  std::vector<std::string> serials;
  for (const auto& r : term.info.records)
    if (std::find(serials.begin(), serials.end(), r.serial) == serials.end()) serials.push_back(r.serial);
  std::sort(serials.begin(), serials.end());
  nlohmann::json units = nlohmann::json::array(), findings = nlohmann::json::array();
  std::string text;
  for (const auto& serial : serials) {
    nlohmann::json envs = nlohmann::json::object();
    text += (ja ? "Caora シリアル " : "Unit ") + serial + "\n";
    for (const char* env : kEnvironments) {
      const ConnectionRecord* found = nullptr;
      for (const auto& r : term.info.records)
        if (r.serial == serial && r.environment == env) found = &r;
      Text label = env_label(*parse_env(env));
      if (found) {
        envs[env] = {{"account", found->account}, {"reader", found->reader}, {"path", display_path(found->path)},
                     {"encoding", found->encoding}};
        text += "  " + label.in(lang) + ": " + found->account + " ↔ " + found->reader + "  (" + display_path(found->path) + ")\n";
      } else {
        envs[env] = nullptr;
        text += "  " + label.in(lang) + ": " + (ja ? "未登録" : "not registered") + "\n";
        if (term.info.active && *term.info.active == env) {
          Text msg{"シリアル " + serial + " は使用中の" + label.ja + "に登録されていません。このまま初期化すると 906 0x81000003（機器未登録）になります。ログイン名管理ツールで「新規追加」→「登録」してください",
                   "unit " + serial + " is not registered in the " + label.en + ", which is in use: initialising fails with 906 0x81000003 (device not registered). Add and register it with the login-name tool"};
          findings.push_back({{"id", "not-registered-in-active-environment"}, {"serial", serial}, {"environment", env},
                              {"error", "906"}, {"detail", "0x81000003"}, {"message", {{"ja", msg.ja}, {"en", msg.en}}}});
          text += "  ✗ " + msg.in(lang) + "\n";
        }
      }
    }
    units.push_back({{"serial", serial}, {"environments", envs}});
  }
  if (serials.empty()) text += ja ? "この端末に接続情報はありません。\n" : "This terminal holds no connection info.\n";
  ProbeResult dll = site->host->probe("site.face_dll.version");
  nlohmann::json dll_json = {{"version", dll.known ? dll.value : nlohmann::json(nullptr)},
                             {"assumed", site->profile.assumed("face_dll")}};
  if (!dll.known) dll_json["reason"] = {{"ja", dll.reason.ja}, {"en", dll.reason.en}};
  text += (ja ? "使用中の環境: " : "Environment in use: ") +
          (term.info.active ? env_label(*parse_env(*term.info.active)).in(lang) : std::string(ja ? "不明" : "unknown")) + "\n";
  text += (ja ? "顔認証DLL: " : "Face-auth DLL: ") +
          (dll.known && dll.value.is_string() ? dll.value.get<std::string>() : (ja ? "不明（" : "unknown (") + dll.reason.in(lang) + ")") + "\n";
  text += assumed_location_note(site->profile).in(lang) + "\n";
  for (const auto& p : term.info.problems) text += (ja ? "読めないもの: " : "unreadable: ") + p + "\n";
  if (ctx.json) {
    ctx.print_json({{"schema", "caora.register/1"},
                    {"action", "status"},
                    {"active_environment", term.json["active_environment"]},
                    {"units", units},
                    {"face_dll", dll_json},
                    {"findings", findings},
                    {"terminal", term.json}});
  } else {
    ctx.out(text);
  }
  return findings.empty() ? kExitOk : kExitProblem;
}

int run_remove(Context& ctx, const RegisterOpts& o) {
  Lang lang = ctx.lang();
  bool ja = lang == Lang::Ja;
  if (!o.device || !o.env)
    return ctx.fail(make_error(ErrorKind::Usage, "remove には --device と --env（verification、production、both）が必要です",
                               "remove needs --device and --env (verification, production or both)"));
  std::vector<std::string> envs;
  if (*o.env == "both") envs = {"verification", "production"};
  else if (parse_env(*o.env)) envs = {*o.env};
  else
    return ctx.fail(make_error(ErrorKind::Usage, "--env は verification、production、both のどれかです",
                               "--env is verification, production or both"));
  auto site = ctx.open();
  if (!site) return ctx.fail(site.error());
  if (!site->root)
    return ctx.fail(make_error(ErrorKind::Usage, "インストールフォルダが必要です（--root または CAORA_ROOT）",
                               "this needs an install root (--root or CAORA_ROOT)"));
  auto changes = plan_connection_removal(*site->root, site->profile, *o.device, envs);
  if (!changes) return ctx.fail(changes.error());
  std::vector<std::string> described;
  for (const auto& c : *changes) described.push_back((ja ? "削除（退避してから）: " : "remove (backed up first): ") + display_path(c.path));
  Text note = assumed_location_note(site->profile);
  if (ctx.dry_run) {
    if (ctx.json) {
      ctx.print_json({{"schema", "caora.plan/1"}, {"action", "register.remove"}, {"changes", described}, {"assumed_location", true}});
    } else {
      std::string text = ja ? "実行予定（--dry-run のため変更しません）:\n" : "Plan (--dry-run: nothing changed):\n";
      for (const auto& d : described) text += "  " + d + "\n";
      ctx.out(text + note.in(lang) + "\n");
    }
    return kExitOk;
  }
  TerminalInteraction io(lang, ctx.json);
  // The location is assumed (DESIGN.md, Safety): the person confirms the files, even with --yes it is named.
  auto lock = confirm_then_lock(io, ctx.yes, ctx.state(),
                                {"シリアル " + *o.device + " の接続情報を撤去します " + note.ja,
                                 "Remove unit " + *o.device + "'s connection info " + note.en},
                                described);
  if (!lock) return ctx.fail(lock.error());
  Journal journal(ctx.state());
  nlohmann::json params = {{"serial", *o.device}, {"environments", envs}};
  auto id = journal.apply("register.remove", params, *changes);
  if (!id) return ctx.fail(id.error());
  if (ctx.json) {
    nlohmann::json removed = nlohmann::json::array();
    for (const auto& c : *changes) removed.push_back(display_path(c.path));
    ctx.print_json({{"schema", "caora.register/1"}, {"action", "remove"}, {"serial", *o.device}, {"environments", envs},
                    {"removed", removed}, {"journal", *id}});
  } else {
    std::string text = (ja ? "撤去しました（caora undo " : "removed (caora undo ") + *id + (ja ? " で元に戻せます）:\n" : " restores it):\n");
    for (const auto& c : *changes) text += "  " + display_path(c.path) + "\n";
    text += ja ? "次に、ログイン名管理ツールで「新規追加」→「登録」を行います（登録前に caora register check で重複を確かめられます）。\n"
               : "Next, add and register in the login-name tool (caora register check rules out duplicates first).\n";
    ctx.out(text);
  }
  return kExitOk;
}

int run_cert_change(Context& ctx, const RegisterOpts& o) {
  Lang lang = ctx.lang();
  bool ja = lang == Lang::Ja;
  auto answers = parse_pairs(o.answers, "--answer");
  if (!answers) return ctx.fail(answers.error());
  for (const auto& a : *answers)
    if (a.first != kQuestionId)
      return ctx.fail(make_error(ErrorKind::Usage, std::string("--answer で答えられる質問は ") + kQuestionId + " だけです",
                                 std::string("the only question --answer takes here is ") + kQuestionId));
  std::optional<std::string> version = o.face_dll;
  nlohmann::json dll_json = {{"source", "--face-dll"}};
  if (!version) {
    auto site = ctx.open();
    if (!site) return ctx.fail(site.error());
    ProbeResult dll = site->host->probe("site.face_dll.version");
    dll_json = {{"source", "site"}, {"assumed", site->profile.assumed("face_dll")}, {"evidence", dll.evidence}};
    if (dll.known && dll.value.is_string()) version = dll.value.get<std::string>();
    else dll_json["reason"] = {{"ja", dll.reason.ja}, {"en", dll.reason.en}};
  }
  dll_json["version"] = version ? nlohmann::json(*version) : nlohmann::json(nullptr);
  CertOutcome out = decide_certificate_change(o.institution_code_changed, version);
  nlohmann::json answered = nullptr;
  if (out.decision == CertDecision::Ask) {
    std::optional<bool> answer;
    if (answers->count(kQuestionId)) {
      auto parsed = parse_answer(answers->at(kQuestionId));
      if (!parsed) return ctx.fail(parsed.error());
      answer = *parsed;
    } else {
      TerminalInteraction io(lang, ctx.json);
      if (io.interactive()) {
        if (!ctx.json) ctx.out(out.reason.in(lang) + "\n");
        answer = io.ask({kQuestionId,
                         {"ベンダーかコールセンターに確かめた結果、ログイン名管理ツールでの再登録は必要ですか？",
                          "Having asked the vendor or the call centre: is re-registration with the login-name tool needed?"}});
      }
    }
    if (answer) {
      answered = *answer;
      out.decision = *answer ? CertDecision::Reregister : CertDecision::NotNeeded;
      if (!*answer) out.plan.clear();
      out.reason = {out.reason.ja + "（確認済みの回答: " + (*answer ? "必要" : "不要") + "）",
                    out.reason.en + " (answered: " + (*answer ? "needed" : "not needed") + ")"};
    }
  }
  int code = out.decision == CertDecision::NotNeeded ? kExitOk : kExitTechnician;
  if (ctx.json) {
    nlohmann::json plan = nlohmann::json::array();
    for (const auto& p : out.plan) plan.push_back({{"ja", p.ja}, {"en", p.en}});
    ctx.print_json({{"schema", "caora.register/1"},
                    {"action", "cert-change"},
                    {"institution_code_changed", o.institution_code_changed},
                    {"face_dll", dll_json},
                    {"decision", cert_decision_name(out.decision)},
                    {"reason", {{"ja", out.reason.ja}, {"en", out.reason.en}}},
                    {"question", out.decision == CertDecision::Ask ? nlohmann::json(kQuestionId) : nlohmann::json(nullptr)},
                    {"answer", answered},
                    {"plan", plan}});
    return code;
  }
  std::string text = (ja ? "顔認証DLL: " : "Face-auth DLL: ") + (version ? *version : std::string(ja ? "不明" : "unknown")) + "\n";
  const char* decided[] = {"再登録が必要", "再登録は不要", "資料からは決まらない", "判断できない"};
  const char* decided_en[] = {"re-registration needed", "no re-registration", "the documents do not decide", "cannot decide"};
  text += (ja ? "判断: " : "Decision: ") + std::string(ja ? decided[static_cast<int>(out.decision)] : decided_en[static_cast<int>(out.decision)]) + "\n";
  text += "  " + out.reason.in(lang) + "\n";
  if (out.decision == CertDecision::Ask)
    text += std::string(ja ? "  答えが分かったら --answer " : "  Once known, give --answer ") + kQuestionId + "=yes|no\n";
  if (out.decision == CertDecision::Ask && !out.plan.empty())
    text += ja ? "必要な場合の手順:\n" : "If it is needed:\n";
  int n = 1;
  for (const auto& p : out.plan) text += "  " + std::to_string(n++) + ". " + p.in(lang) + "\n";
  ctx.out(text);
  return code;
}

}  // namespace

void setup_register(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<RegisterOpts>();
  app.add_option("action", o->action,
                 ctx.tr("status（登録状況）、check（登録前の重複確認）、remove（接続情報の撤去）、cert-change（証明書変更時の判断）",
                        "status, check (before registering), remove (the connection info) or cert-change (certificate change)"))
      ->required()
      ->check(CLI::IsMember({"status", "check", "remove", "cert-change"}));
  app.add_option("--account", o->account, ctx.tr("顔認証用アカウントのログインID（F0で始まる）", "Face-auth account login ID (starts with F0)"))->check(utf8_text());
  app.add_option("--reader", o->reader, ctx.tr("カードリーダー名", "Reader name"))->check(utf8_text());
  app.add_option("--env", o->env, ctx.tr("環境: verification（接続検証）か production（本番）。remove では both も可", "Environment: verification or production (remove also takes both)"))->check(utf8_text());
  app.add_flag("--update", o->update, ctx.tr("新規登録ではなく更新を確認する", "Check an update instead of a new registration"));
  app.add_option("--ledger", o->ledger, ctx.tr("医療機関の登録台帳（CSV: account,reader,serial,environment,registered_at）", "The institution's registration ledger (CSV: account,reader,serial,environment,registered_at)"))->check(utf8_text());
  app.add_option("--device", o->device, ctx.tr("Caoraのシリアル番号", "The unit's serial number"))->check(utf8_text());
  app.add_flag("--institution-code-changed", o->institution_code_changed, ctx.tr("医療機関コードも変わる（QA 32）", "The institution code changes too (QA 32)"));
  app.add_option("--face-dll", o->face_dll, ctx.tr("顔認証DLLの版（端末から読めないとき）", "The face-auth DLL version (when the terminal does not show it)"))->check(utf8_text());
  app.add_option("--answer", o->answers, ctx.tr("質問への答え: ID=yes|no", "Answer a question: ID=yes|no"))->check(utf8_text());
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> int {
      if (o->action == "check") return run_check(ctx, *o);
      if (o->action == "status") return run_status(ctx, *o);
      if (o->action == "remove") return run_remove(ctx, *o);
      return run_cert_change(ctx, *o);
    };
  });
}

}  // namespace caora
