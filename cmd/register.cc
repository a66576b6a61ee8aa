// caora register status | check | remove | cert-change: registering a unit
// with the login-name tool (error 906 0x81000001 and 0x81000003, non-error QA
// 8-11, 16, 32, 33), checked before anyone opens the tool.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#ifdef _WIN32
#include <windows.h>
#else
#include <termios.h>
#include <unistd.h>
#endif

#include "cmd/context.h"
#include "cmd/guide_console.h"
#include "core/journal.h"
#include "core/state.h"
#include "diag/consent.h"
#include "host/install_root/connection_info.h"
#include "workflows/register_guide.h"
#include "workflows/registration.h"

namespace caora {

namespace {

struct RegisterOpts {
  std::string action;
  std::optional<std::string> account, reader, env, ledger, device, face_dll;
  bool update = false, institution_code_changed = false, password_stdin = false, ask_password = false;
  int timeout = 600;
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

// What check and the guided registration both need: the request validated
// and every registration known (this terminal's, the ledger's).
struct CheckInput {
  CheckRequest req;
  std::vector<Registration> known;
  TerminalState term;
  nlohmann::json ledger_json = nullptr;
  std::optional<OpenedSite> site;
};

Expected<CheckInput> gather_check(Context& ctx, const RegisterOpts& o, const char* action) {
  if (!o.account || !o.reader || !o.env)
    return make_error(ErrorKind::Usage, std::string(action) + " には --account、--reader、--env が必要です",
                      std::string(action) + " needs --account, --reader and --env");
  if (!is_face_auth_account(*o.account))
    return make_error(ErrorKind::Usage, "顔認証用アカウントのログインIDは F0 で始まります: " + truncate_for_echo(*o.account, kEchoMax),
                      "a face-auth account's login ID starts with F0: " + truncate_for_echo(*o.account, kEchoMax));
  if (o.reader->empty()) return make_error(ErrorKind::Usage, "--reader が空です", "--reader is empty");
  auto env = parse_env(*o.env);
  if (!env) return make_error(ErrorKind::Usage, "--env は verification か production です", "--env is verification or production");
  CheckInput in;
  in.req = {*o.account, *o.reader, *env, o.update};
  std::error_code ec;
  // add starts a desk's ledger that does not exist yet; check needs one to compare with.
  if (o.ledger && !(o.action == "add" && !fs::exists(fs::u8path(*o.ledger), ec))) {
    TRY_ASSIGN(auto text, read_file(fs::u8path(*o.ledger)));
    TRY_ASSIGN(auto rows, parse_ledger(text, *o.ledger));
    in.ledger_json = {{"path", *o.ledger}, {"registrations", rows.size()}};
    in.known = std::move(rows);
  }
  TRY_ASSIGN(auto site, ctx.open());
  in.term = read_terminal(site);
  if (!in.term.read && !o.ledger)
    return make_error(ErrorKind::Usage, "照合する登録がありません: インストールフォルダ（--root）か台帳（--ledger）を指定してください",
                      "nothing to check against: give an install root (--root) or a ledger (--ledger)");
  for (const auto& c : in.term.info.records) in.known.push_back(from_terminal(c));
  in.site = std::move(site);
  return in;
}

nlohmann::json request_json(const CheckRequest& req) {
  return {{"account", req.account}, {"reader", req.reader}, {"environment", env_name(req.env)},
          {"operation", req.update ? "update" : "register"}};
}

nlohmann::json findings_json(const std::vector<CheckFinding>& findings) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : findings) list.push_back(finding_json(f));
  return list;
}

std::string findings_text(const std::vector<CheckFinding>& findings, Lang lang) {
  bool ja = lang == Lang::Ja;
  std::string text;
  const char* marks[] = {"", " ①", " ②", " ③", " ④"};
  for (const auto& f : findings) {
    text += std::string(f.fails ? "  ✗ " : "  ! ") + "[" + f.error + " " + f.detail + marks[f.vendor_case] + "] " + f.message.in(lang) + "\n";
    text += (ja ? "      対処: " : "      fix: ") + f.fix.in(lang) + "\n";
    if (!f.conflicts.empty()) text += (ja ? "      根拠: " : "      from: ") + source_list(f.conflicts) + "\n";
  }
  return text;
}

int run_check(Context& ctx, const RegisterOpts& o) {
  Lang lang = ctx.lang();
  bool ja = lang == Lang::Ja;
  auto in = gather_check(ctx, o, "check");
  if (!in) return ctx.fail(in.error());
  const CheckRequest& req = in->req;
  const TerminalState& term = in->term;
  auto findings = check_registration(req, in->known);
  bool fails = would_fail(findings);
  if (ctx.json) {
    ctx.print_json({{"schema", "caora.register/1"},
                    {"action", "check"},
                    {"request", request_json(req)},
                    {"would_succeed", !fails},
                    {"findings", findings_json(findings)},
                    {"sources", {{"terminal", term.json}, {"ledger", in->ledger_json}}}});
    return fails ? kExitProblem : kExitOk;
  }
  std::string text = (ja ? "登録の事前確認: " : "Registration check: ") + req.account + " ↔ " + req.reader + " (" +
                     env_label(req.env).in(lang) + ", " + (req.update ? (ja ? "更新" : "update") : (ja ? "新規登録" : "register")) + ")\n";
  text += findings_text(findings, lang);
  if (findings.empty()) text += ja ? "  ✓ 重複はありません\n" : "  ✓ no duplicate\n";
  text += fails ? (ja ? "このままでは登録に失敗します。\n" : "This registration would fail.\n")
                : (ja ? "この登録は通るはずです。\n" : "This registration should go through.\n");
  if (term.read) {
    text += (ja ? "端末の接続情報: " : "Terminal's connection info: ") + std::to_string(term.info.records.size()) +
            (ja ? " 件 " : " found ") + assumed_location_note(in->site->profile).in(lang) + "\n";
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

// ---- the guided registration ----

// A secret typed at the terminal without echo.
std::optional<std::string> read_secret(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  std::string line;
#ifdef _WIN32
  HANDLE in = GetStdHandle(STD_INPUT_HANDLE);
  DWORD mode = 0;
  bool console = GetConsoleMode(in, &mode) != 0;
  if (console) SetConsoleMode(in, mode & ~static_cast<DWORD>(ENABLE_ECHO_INPUT));
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (console) SetConsoleMode(in, mode);
#else
  termios old{};
  bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
#endif
  std::cerr << "\n";
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

constexpr const char* kPasswordEnv = "CAORA_FACE_PASSWORD";

// Never from argv: stdin, the environment or a prompt. Empty: none given.
Expected<std::pair<std::string, std::string>> read_password(const RegisterOpts& o, bool interactive) {
  if (o.password_stdin) {
    std::string line;
    if (!std::getline(std::cin, line))
      return make_error(ErrorKind::Usage, "--password-stdin: 標準入力にパスワードがありません", "--password-stdin: no password on stdin");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) return make_error(ErrorKind::Usage, "--password-stdin: パスワードが空です", "--password-stdin: the password is empty");
    return std::make_pair(line, std::string("stdin"));
  }
  if (const char* v = std::getenv(kPasswordEnv); v && *v) return std::make_pair(std::string(v), std::string("environment"));
  if (o.ask_password) {
    if (!interactive)
      return make_error(ErrorKind::Usage, "--ask-password には端末が必要です（スクリプトでは --password-stdin か環境変数 " + std::string(kPasswordEnv) + "）",
                        "--ask-password needs a terminal (in scripts: --password-stdin or " + std::string(kPasswordEnv) + ")");
    auto typed = read_secret("Password / パスワード: ");
    if (!typed || typed->empty()) return make_error(ErrorKind::Usage, "パスワードが入力されませんでした", "no password was typed");
    return std::make_pair(*typed, std::string("prompt"));
  }
  return std::make_pair(std::string(), std::string());
}

int run_add(Context& ctx, const RegisterOpts& o) {
  Lang lang = ctx.lang();
  bool ja = lang == Lang::Ja;
  if (o.update)
    return ctx.fail(make_error(ErrorKind::Usage, "add は新規登録の案内です（--update は check だけで使えます）",
                               "add guides a new registration (--update goes with check only)"));
  if (o.device && !valid_serial(*o.device))
    return ctx.fail(make_error(ErrorKind::Usage, "シリアル番号は英数字だけで書いてください: " + truncate_for_echo(*o.device, kEchoMax),
                               "a serial number has letters and digits only: " + truncate_for_echo(*o.device, kEchoMax)));
  TerminalInteraction io(lang, ctx.json);
  auto in = gather_check(ctx, o, "add");
  if (!in) return ctx.fail(in.error());
  OpenedSite& site = *in->site;
  GuideRequest req{in->req.account, in->req.reader, in->req.env, o.device, site.profile.application_processes};
  auto findings = check_registration(in->req, in->known);
  nlohmann::json ledger_json = o.ledger ? nlohmann::json({{"path", *o.ledger}, {"journal", nullptr}}) : nlohmann::json(nullptr);
  nlohmann::json password_json = {{"given", false}, {"source", nullptr}};
  GuideResult r;
  r.step_status.assign(registration_steps(req).size(), "pending");
  auto finish = [&](int code) {
    if (ctx.json) {
      nlohmann::json warnings = nlohmann::json::array();
      for (const auto& w : r.warnings) warnings.push_back({{"ja", w.ja}, {"en", w.en}});
      ctx.print_json({{"schema", "caora.register/1"},
                      {"action", "add"},
                      {"request", request_json(in->req)},
                      {"status", guide_status_name(r.status)},
                      {"would_succeed", !would_fail(findings)},
                      {"findings", findings_json(findings)},
                      {"device", {{"serial", r.serial ? nlohmann::json(*r.serial) : nlohmann::json(nullptr)}}},
                      {"steps", guide_steps_json(req, r)},
                      {"timeout_s", o.timeout},
                      {"seen", r.seen},
                      {"warnings", warnings},
                      {"password", password_json},
                      {"ledger", ledger_json},
                      {"assumed_location", site.profile.assumed("registration")},
                      {"message", {{"ja", r.message.ja}, {"en", r.message.en}}}});
    } else {
      std::string text = guide_text(req, r, lang);
      if (!findings.empty()) text = (ja ? "登録の事前確認:\n" : "Registration check:\n") + findings_text(findings, lang) + text;
      if (ledger_json.is_object() && ledger_json["journal"].is_string())
        text += (ja ? "台帳に追記しました: " : "Added to the ledger: ") + *o.ledger + (ja ? "（caora undo " : " (caora undo ") +
                ledger_json["journal"].get<std::string>() + (ja ? " で元に戻せます）\n" : " takes it back)\n");
      ctx.out(text + assumed_location_note(site.profile).in(lang) + "\n");
    }
    return code;
  };
  // The check first: a registration that would fail is not started (906 0x81000001).
  if (would_fail(findings)) {
    r.status = GuideStatus::Refused;
    r.message = {"このままでは登録に失敗するため、案内を始めません（上の対処を先に行ってください）",
                 "this registration would fail, so the guide does not start: apply the fixes above first"};
    return finish(kExitProblem);
  }
  if (!site.root)
    return ctx.fail(make_error(ErrorKind::Usage, "接続情報を確かめるにはインストールフォルダが必要です（--root または CAORA_ROOT）",
                               "checking the connection info needs an install root (--root or CAORA_ROOT)"));
  GuideResult started = start_registration_guide(*site.host, req);
  started.warnings.insert(started.warnings.begin(), r.warnings.begin(), r.warnings.end());
  r = started;
  if (r.status == GuideStatus::Ambiguous) return finish(kExitUsage);
  if (r.status == GuideStatus::NoUnit) return finish(kExitNoDevice);
  if (ctx.dry_run || ctx.site) {
    r.message = {"登録の手順です（--dry-run: 何も待たず、何も変えません）", "the registration procedure (--dry-run: nothing is waited for or changed)"};
    return finish(kExitOk);
  }
  bool interactive = io.interactive();
  if (!interactive && !ctx.yes) {
    r.status = GuideStatus::Refused;
    r.message = {"端末（TTY）がないため、作業者の確認ができません。--yes を付けると、端末から見える手順だけを確認しながら進みます",
                 "no terminal to confirm the steps with: with --yes it goes on, checking the steps the terminal can see"};
    return finish(kExitTechnician);
  }
  auto password = read_password(o, interactive);
  if (!password) return ctx.fail(password.error());
  if (!password->first.empty()) password_json = {{"given", true}, {"source", password->second}};
  // The ledger is the one thing changed: consent and the site lock before the person starts.
  std::optional<SiteLock> lock;
  if (o.ledger) {
    auto got = confirm_then_lock(io, ctx.yes, ctx.state(),
                                 {"登録が確認できたら台帳 " + *o.ledger + " に1行追記します", "Once the registration is seen, add one row to the ledger " + *o.ledger},
                                 {(ja ? "追記: " : "append to: ") + *o.ledger}, "the ledger");
    if (!got) return ctx.fail(got.error());
    lock.emplace(std::move(*got));
  }
  SteadyClock clock(clock_scale_from_env());
  ConsoleStepIo<GuideStep> gio(lang, interactive && !ctx.yes, !ctx.json && interactive, kPromptSeen);
  GuideOptions opts;
  opts.timeout_s = o.timeout;
  const std::string* pw = password->first.empty() ? nullptr : &password->first;
  const fs::path root = *site.root;
  const std::string env = env_name(req.env);
  run_registration_guide(*site.host, clock, gio, req, opts, [&](const std::string& serial) {
    ConnectionSeen seen;
    auto rec = read_unit_connection(root, site.profile, env, serial, pw);
    if (!rec) {
      seen.problem = display_path(connection_file(root, site.profile, env, serial)) + ": " + rec.error().message.en;
    } else if (*rec) {
      seen.found = true;
      seen.account = (*rec)->account;
      seen.reader = (*rec)->reader;
      seen.path = display_path((*rec)->path);
      seen.password_matches = (*rec)->password_matches;
    }
    return seen;
  }, r);
  gio.end_line();
  std::fill(password->first.begin(), password->first.end(), '\0');
  if (r.status == GuideStatus::Done && o.ledger) {
    // Read again: the ledger may have changed while the person worked.
    fs::path ledger = fs::u8path(*o.ledger);
    std::error_code ec;
    std::string existing;
    if (fs::exists(ledger, ec)) {
      auto text = read_file(ledger);
      if (!text) return ctx.fail(text.error());
      auto rows = parse_ledger(*text, *o.ledger);
      if (!rows) return ctx.fail(rows.error());
      existing = *text;
    }
    Registration row{req.account, req.reader, r.serial.value_or(""), req.env, now_iso8601(), ""};
    Journal journal(ctx.state());
    nlohmann::json params = {{"ledger", *o.ledger}, {"account", req.account}, {"reader", req.reader},
                             {"serial", row.serial}, {"environment", env}};
    auto id = journal.apply("register.ledger", params, {{FileChange::Op::Modify, ledger, ledger_with_row(existing, row)}});
    if (!id) return ctx.fail(id.error());
    ledger_json["journal"] = *id;
    ledger_json["row"] = registration_json(row);
  }
  switch (r.status) {
    case GuideStatus::Done: return finish(kExitOk);
    case GuideStatus::TimedOut: return finish(kExitTimeout);
    case GuideStatus::Stopped: return finish(kExitTechnician);
    default: return finish(kExitProblem);
  }
}

}  // namespace

void setup_register(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<RegisterOpts>();
  app.add_option("action", o->action,
                 ctx.tr("status（登録状況）、check（登録前の重複確認）、add（登録の案内と確認）、remove（接続情報の撤去）、cert-change（証明書変更時の判断）",
                        "status, check (before registering), add (guided registration), remove (the connection info) or cert-change (certificate change)"))
      ->required()
      ->check(CLI::IsMember({"status", "check", "add", "remove", "cert-change"}));
  app.add_option("--account", o->account, ctx.tr("顔認証用アカウントのログインID（F0で始まる）", "Face-auth account login ID (starts with F0)"))->check(utf8_text());
  app.add_option("--reader", o->reader, ctx.tr("カードリーダー名", "Reader name"))->check(utf8_text());
  app.add_option("--env", o->env, ctx.tr("環境: verification（接続検証）か production（本番）。remove では both も可", "Environment: verification or production (remove also takes both)"))->check(utf8_text());
  app.add_flag("--update", o->update, ctx.tr("新規登録ではなく更新を確認する", "Check an update instead of a new registration"));
  app.add_option("--ledger", o->ledger, ctx.tr("医療機関の登録台帳（CSV: account,reader,serial,environment,registered_at）", "The institution's registration ledger (CSV: account,reader,serial,environment,registered_at)"))->check(utf8_text());
  app.add_option("--device", o->device, ctx.tr("Caoraのシリアル番号", "The unit's serial number"))->check(utf8_text());
  app.add_flag("--institution-code-changed", o->institution_code_changed, ctx.tr("医療機関コードも変わる（QA 32）", "The institution code changes too (QA 32)"));
  app.add_option("--face-dll", o->face_dll, ctx.tr("顔認証DLLの版（端末から読めないとき）", "The face-auth DLL version (when the terminal does not show it)"))->check(utf8_text());
  app.add_option("--timeout", o->timeout, ctx.tr("add: 手順ごとに待つ最大秒数（既定 600）", "add: seconds to wait for each step (default 600)"))
      ->check(CLI::Range(1, 86400));
  auto* pw_stdin = app.add_flag("--password-stdin", o->password_stdin,
               ctx.tr("add: 顔認証用アカウントのパスワードを標準入力の1行目から読み、接続情報と照合する（環境変数 CAORA_FACE_PASSWORD でも可）",
                      "add: read the face-auth account's password from stdin's first line and compare it with the connection info (or CAORA_FACE_PASSWORD)"));
  auto* pw_ask = app.add_flag("--ask-password", o->ask_password,
               ctx.tr("add: パスワードを端末で（表示せずに）尋ねる", "add: ask for the password at the terminal (not echoed)"));
  pw_stdin->excludes(pw_ask);
  app.add_option("--answer", o->answers, ctx.tr("質問への答え: ID=yes|no", "Answer a question: ID=yes|no"))->check(utf8_text());
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> int {
      if (o->action == "check") return run_check(ctx, *o);
      if (o->action == "status") return run_status(ctx, *o);
      if (o->action == "add") return run_add(ctx, *o);
      if (o->action == "remove") return run_remove(ctx, *o);
      return run_cert_change(ctx, *o);
    };
  });
}

}  // namespace caora
