#include "workflows/registration.h"

#include "core/encoding.h"
#include "host/version.h"

namespace caora {

const char* env_name(RegEnv env) { return env == RegEnv::Verification ? "verification" : "production"; }

Text env_label(RegEnv env) {
  return env == RegEnv::Verification ? Text{"接続検証環境", "verification environment"}
                                     : Text{"本番環境", "production environment"};
}

std::optional<RegEnv> parse_env(const std::string& name) {
  if (name == "verification") return RegEnv::Verification;
  if (name == "production") return RegEnv::Production;
  return std::nullopt;
}

RegEnv other_env(RegEnv env) { return env == RegEnv::Verification ? RegEnv::Production : RegEnv::Verification; }

bool is_face_auth_account(const std::string& id) { return id.size() > 2 && id.compare(0, 2, "F0") == 0; }

namespace {

Error ledger_error(const std::string& name, size_t line, const std::string& ja, const std::string& en) {
  std::string where = name + ":" + std::to_string(line) + ": ";
  return make_error(ErrorKind::Parse, where + ja, where + en);
}

// One record of RFC 4180 CSV starting at `pos`; a quoted field may span lines.
// Returns the fields and moves `pos` past the record's line end.
Expected<std::vector<std::string>> read_record(const std::string& s, size_t& pos, size_t& line, const std::string& name) {
  std::vector<std::string> fields(1);
  size_t start_line = line;
  bool quoted = false, was_quoted = false;
  while (pos < s.size()) {
    char c = s[pos];
    if (quoted) {
      if (c == '"') {
        if (pos + 1 < s.size() && s[pos + 1] == '"') {
          fields.back() += '"';
          pos += 2;
          continue;
        }
        quoted = false;
        ++pos;
        continue;
      }
      if (c == '\n') ++line;
      fields.back() += c;
      ++pos;
      continue;
    }
    if (c == '"') {
      if (!fields.back().empty() || was_quoted)
        return ledger_error(name, line, "引用符（\"）はフィールドの先頭にだけ書けます", "a quote (\") may only open a field");
      quoted = was_quoted = true;
      ++pos;
      continue;
    }
    if (c == ',') {
      fields.emplace_back();
      was_quoted = false;
      ++pos;
      continue;
    }
    if (c == '\r' && pos + 1 < s.size() && s[pos + 1] == '\n') ++pos;
    if (c == '\r' || c == '\n') {
      ++pos;
      ++line;
      return fields;
    }
    if (was_quoted)
      return ledger_error(name, line, "閉じた引用符の後に文字があります", "text after a closing quote");
    fields.back() += c;
    ++pos;
  }
  if (quoted) return ledger_error(name, start_line, "引用符が閉じていません", "a quoted field is not closed");
  ++line;
  return fields;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

Expected<std::vector<Registration>> parse_ledger(const std::string& text, const std::string& name) {
  if (text.size() > kLedgerMaxBytes)
    return make_error(ErrorKind::Parse, name + ": 台帳が大きすぎます（16 MiB まで）", name + ": the ledger is too large (16 MiB at most)");
  size_t bad = first_invalid_utf8(text);
  if (bad != std::string::npos)
    return make_error(ErrorKind::Encoding,
                      name + ": 台帳が UTF-8 ではありません（" + std::to_string(bad) + " バイト目）。UTF-8 で保存し直してください",
                      name + ": the ledger is not UTF-8 (byte " + std::to_string(bad) + "); save it as UTF-8");
  size_t pos = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  size_t line = 1;
  std::vector<Registration> rows;
  bool header = true;
  while (pos < text.size()) {
    size_t this_line = line;
    TRY_ASSIGN(auto fields, read_record(text, pos, line, name));
    if (fields.size() == 1 && trim(fields[0]).empty()) continue;  // blank line
    if (header) {
      std::string got;
      for (size_t i = 0; i < fields.size(); ++i) got += (i ? "," : "") + trim(fields[i]);
      if (got != kLedgerHeader)
        return ledger_error(name, this_line, std::string("見出し行は ") + kLedgerHeader + " にしてください",
                            std::string("the header must be ") + kLedgerHeader);
      header = false;
      continue;
    }
    if (fields.size() != 5)
      return ledger_error(name, this_line, "列が5つではありません（" + std::to_string(fields.size()) + " 列）",
                          "expected 5 columns, found " + std::to_string(fields.size()));
    Registration r;
    r.account = trim(fields[0]);
    r.reader = trim(fields[1]);
    r.serial = trim(fields[2]);
    r.registered_at = trim(fields[4]);
    r.source = name + ":" + std::to_string(this_line);
    if (!is_face_auth_account(r.account))
      return ledger_error(name, this_line, "account は F0 で始まる顔認証用ログインIDにしてください",
                          "account must be a face-auth login ID starting with F0");
    if (r.reader.empty()) return ledger_error(name, this_line, "reader が空です", "reader is empty");
    auto env = parse_env(trim(fields[3]));
    if (!env)
      return ledger_error(name, this_line, "environment は verification か production にしてください",
                          "environment must be verification or production");
    r.env = *env;
    rows.push_back(std::move(r));
  }
  if (header) return ledger_error(name, line, "見出し行がありません", "the header line is missing");
  return rows;
}

std::string ledger_row(const Registration& r) {
  auto field = [](const std::string& v) {
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string q = "\"";
    for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  return field(r.account) + "," + field(r.reader) + "," + field(r.serial) + "," + env_name(r.env) + "," +
         field(r.registered_at) + "\r\n";
}

std::string ledger_with_row(const std::string& existing, const Registration& r) {
  bool lf_only = existing.find('\n') != std::string::npos && existing.find("\r\n") == std::string::npos;
  const std::string eol = lf_only ? "\n" : "\r\n";
  std::string row = ledger_row(r);
  row.replace(row.size() - 2, 2, eol);
  std::string out = existing;
  if (out.empty() || out == "\xEF\xBB\xBF") out += std::string(kLedgerHeader) + eol;
  else if (out.back() != '\n') out += eol;
  return out + row;
}

namespace {

Text remove_then_register(RegEnv env) {
  return {"ログイン名管理ツールで「撤去」してから（caora register remove --device <シリアル> --env " + std::string(env_name(env)) +
              " で端末側の接続情報を退避して消せます）、「新規追加」→「登録」をやり直す",
          "remove (撤去) it in the login-name tool first (caora register remove --device SERIAL --env " +
              std::string(env_name(env)) + " backs up and clears the terminal's connection info), then add and register again"};
}

Text join_fix(const Text& a, const Text& b) { return {a.ja + "、または" + b.ja, a.en + ", or " + b.en}; }

}  // namespace

std::vector<CheckFinding> check_registration(const CheckRequest& req, const std::vector<Registration>& known) {
  std::vector<CheckFinding> out;
  std::vector<Registration> same_account, same_pair, reader_elsewhere, account_other_env;
  for (const auto& r : known) {
    if (r.env != req.env) {
      if (r.account == req.account) account_other_env.push_back(r);
      continue;
    }
    if (r.account == req.account && r.reader == req.reader) same_pair.push_back(r);
    else if (r.account == req.account) same_account.push_back(r);
    else if (r.reader == req.reader) reader_elsewhere.push_back(r);
  }
  const Text env = env_label(req.env);
  const std::string acct = req.account, reader = req.reader;
  auto add = [&](std::string id, int vendor_case, bool fails, const char* detail, Text message, Text fix,
                 std::vector<Registration> conflicts) {
    out.push_back({std::move(id), vendor_case, fails, "906", detail, std::move(message), std::move(fix), std::move(conflicts)});
  };
  if (!req.update) {
    if (!same_account.empty())
      add("account-has-other-reader", 1, true, "0x81000001",
          {env.ja + "で、アカウント " + acct + " はすでに別のカードリーダー名（" + same_account[0].reader +
               "）に登録されています。登録すると 906 0x81000001（①）になります",
           "in the " + env.en + ", account " + acct + " is already registered to another reader name (" + same_account[0].reader +
               "): registering fails with 906 0x81000001 (case 1)"},
          join_fix({"まだ使っていない新しい顔認証用アカウント（ログインID）で登録する", "register with a new, unused face-auth account (login ID)"},
                   remove_then_register(req.env)),
          same_account);
    if (!same_pair.empty())
      add("already-registered", 1, true, "0x81000001",
          {env.ja + "で、アカウント " + acct + " とカードリーダー名 " + reader +
               " はすでに登録済みです。もう一度登録すると 906 0x81000001（①）になります",
           "in the " + env.en + ", account " + acct + " and reader name " + reader +
               " are already registered: registering again fails with 906 0x81000001 (case 1)"},
          join_fix({"登録は済んでいるので何もしない", "nothing to do: it is registered"}, remove_then_register(req.env)), same_pair);
    if (!reader_elsewhere.empty())
      add("reader-has-other-account", 2, true, "0x81000001",
          {env.ja + "で、カードリーダー名 " + reader + " はすでに別のアカウント（" + reader_elsewhere[0].account +
               "）に登録されています。登録すると 906 0x81000001（②）になります",
           "in the " + env.en + ", reader name " + reader + " is already registered to another account (" +
               reader_elsewhere[0].account + "): registering fails with 906 0x81000001 (case 2)"},
          join_fix({"まだ使っていない新しいカードリーダー名で登録する", "register with a new reader name not in use yet"},
                   remove_then_register(req.env)),
          reader_elsewhere);
  } else {
    if (!reader_elsewhere.empty())
      add("update-moves-reader", 3, true, "0x81000001",
          {env.ja + "で、カードリーダー名 " + reader + " はアカウント " + reader_elsewhere[0].account +
               " と組み合わせて設定済みです。別のアカウント " + acct + " で更新すると 906 0x81000001（③）になります",
           "in the " + env.en + ", reader name " + reader + " is set up with account " + reader_elsewhere[0].account +
               ": updating it with another account (" + acct + ") fails with 906 0x81000001 (case 3)"},
          remove_then_register(req.env), reader_elsewhere);
    if (same_account.empty() && same_pair.empty())
      add("update-unregistered-account", 4, true, "0x81000001",
          {env.ja + "で、アカウント " + acct + " は登録されていません。更新すると 906 0x81000001（④）になります",
           "in the " + env.en + ", account " + acct + " is not registered: an update fails with 906 0x81000001 (case 4)"},
          {"更新ではなく「新規追加」→「登録」で登録する", "register it (add, then register) instead of updating"}, {});
  }
  bool registered_here = !same_account.empty() || !same_pair.empty();
  if (!registered_here && !account_other_env.empty()) {
    const Text other = env_label(other_env(req.env));
    add("other-environment-only", 0, false, "0x81000003",
        {"アカウント " + acct + " は" + other.ja + "にだけ登録されています。環境切替ツールは登録情報ファイルを切り替えるため、" + env.ja +
             "では別に登録が必要です。登録しないまま" + env.ja + "で初期化すると 906 0x81000003（機器未登録）になります",
         "account " + acct + " is registered in the " + other.en +
             " only. The environment-switch tool swaps the registration file, so the " + env.en +
             " needs its own registration; initialising there without it fails with 906 0x81000003 (device not registered)"},
        {env.ja + "でも「新規追加」→「登録」を行う（この確認はそのための登録です）",
         "add and register in the " + env.en + " as well (the registration this check is for)"},
        account_other_env);
  }
  return out;
}

bool would_fail(const std::vector<CheckFinding>& findings) {
  for (const auto& f : findings)
    if (f.fails) return true;
  return false;
}

nlohmann::json registration_json(const Registration& r) {
  return {{"account", r.account}, {"reader", r.reader}, {"serial", r.serial}, {"environment", env_name(r.env)},
          {"registered_at", r.registered_at}, {"source", r.source}};
}

nlohmann::json finding_json(const CheckFinding& f) {
  nlohmann::json conflicts = nlohmann::json::array();
  for (const auto& r : f.conflicts) conflicts.push_back(registration_json(r));
  return {{"id", f.id},
          {"case", f.vendor_case ? nlohmann::json(f.vendor_case) : nlohmann::json(nullptr)},
          {"severity", f.fails ? "fail" : "note"},
          {"error", f.error},
          {"detail", f.detail},
          {"message", {{"ja", f.message.ja}, {"en", f.message.en}}},
          {"fix", {{"ja", f.fix.ja}, {"en", f.fix.en}}},
          {"conflicts", conflicts}};
}

const char* cert_decision_name(CertDecision d) {
  switch (d) {
    case CertDecision::Reregister: return "reregister";
    case CertDecision::NotNeeded: return "not-needed";
    case CertDecision::Ask: return "ask";
    case CertDecision::Unknown: break;
  }
  return "unknown";
}

std::vector<Text> reregistration_plan(bool institution_code_changed) {
  std::vector<Text> plan;
  if (institution_code_changed)
    plan.push_back({"オンライン資格確認等システムに登録されている旧機関認証用電子証明書の情報を削除する（QA 32）",
                    "delete the old institution certificate's information from the online qualification system (QA 32)"});
  plan.push_back({"Caoraの接続情報を撤去する（インストールマニュアル第6章 2. ①〜④。caora register remove --device <シリアル> で端末側の接続情報を退避して消せます）",
                  "remove the unit's connection info (installation manual chapter 6, section 2, steps 1-4; caora register remove --device SERIAL backs it up and clears it)"});
  plan.push_back({"登録前に caora register check --account <ID> --reader <名前> --env <環境> で重複がないか確かめる",
                  "before registering, run caora register check --account ID --reader NAME --env ENV to rule out duplicates"});
  plan.push_back({"ログイン名管理ツールで新しい顔認証用アカウントを「新規追加」→「登録」する（第3章 3. ⑤〜⑧）。接続検証環境と本番環境の両方で行う",
                  "in the login-name tool, add and register the new face-auth account (chapter 3, section 3, steps 5-8), in both the verification and production environments"});
  return plan;
}

CertOutcome decide_certificate_change(bool institution_code_changed, const std::optional<std::string>& face_dll) {
  CertOutcome o;
  if (institution_code_changed) {
    o.decision = CertDecision::Reregister;
    o.reason = {"医療機関コードが変わる証明書の変更では、顔認証DLLの版にかかわらず撤去と再登録が必要です（QA 32）",
                "a certificate change that changes the institution code needs removal and registration again, whatever the face-auth DLL version (QA 32)"};
    o.plan = reregistration_plan(true);
    return o;
  }
  if (!face_dll) {
    o.reason = {"顔認証DLLの版が分かりません。端末の導入ベンダーかオンライン資格確認等コールセンターに確かめてください（QA 33）",
                "the face-auth DLL version is not known: ask the terminal's vendor or the online qualification call centre (QA 33)"};
    return o;
  }
  auto have = Version::parse(*face_dll);
  auto pivot = Version::parse("2.1.0J");
  std::optional<int> cmp;
  if (have && pivot) cmp = have->compare(*pivot);
  if (!cmp) {
    o.reason = {"顔認証DLLの版 " + *face_dll + " を 2.1.0J と比べられません（QA 33）", "the face-auth DLL version " + *face_dll +
                                                                                         " does not compare with 2.1.0J (QA 33)"};
    return o;
  }
  if (*cmp == 0) {
    o.decision = CertDecision::Ask;
    o.reason = {"顔認証DLLがちょうど 2.1.0J です。QA 33 は「2.1.0J以前」は再登録が必要、「2.1.0J以降」は不要としており、どちらも 2.1.0J を含むため資料からは決まりません。端末の導入ベンダーかコールセンターに確かめてください",
                "the face-auth DLL is exactly 2.1.0J: QA 33 says re-register for \"2.1.0J or earlier\" and not for \"2.1.0J or later\"; both include 2.1.0J, so the documents do not decide. Ask the terminal's vendor or the call centre"};
    o.plan = reregistration_plan(false);
    return o;
  }
  if (*cmp < 0) {
    o.decision = CertDecision::Reregister;
    o.reason = {"顔認証DLL " + *face_dll + " は 2.1.0J より古いため、ログイン名管理ツールでの再登録が必要です（QA 33）",
                "face-auth DLL " + *face_dll + " is older than 2.1.0J: re-register with the login-name tool (QA 33)"};
    o.plan = reregistration_plan(false);
    return o;
  }
  o.decision = CertDecision::NotNeeded;
  o.reason = {"顔認証DLL " + *face_dll + " は 2.1.0J より新しく、本人認証用カードリーダーソフトの起動時に自動で更新されるため、再登録は要りません（QA 33）",
              "face-auth DLL " + *face_dll + " is newer than 2.1.0J and updates itself when the reader software starts: no re-registration (QA 33)"};
  return o;
}

}  // namespace caora
