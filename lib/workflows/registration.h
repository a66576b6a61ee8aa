// Registering a unit with the login-name tool (error 906 0x81000001 and
// 0x81000003, non-error QA 8-11, 16, 32, 33): the one-to-one rule between a
// face-auth account (login ID "F0...") and a reader name, per environment,
// checked before anyone opens the tool; the desk's ledger of registrations
// (CSV); and the certificate-change decision from the face-auth DLL version.
// Pure: the terminal's own registrations are read by the caller and handed in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "core/text.h"

namespace caora {

// 接続検証環境 and 本番環境: the environment-switch tool swaps the registration
// file, so each needs its own registration (906 0x81000003).
enum class RegEnv { Verification, Production };
const char* env_name(RegEnv env);  // "verification" | "production"
Text env_label(RegEnv env);
std::optional<RegEnv> parse_env(const std::string& name);
RegEnv other_env(RegEnv env);

struct Registration {
  std::string account;  // the face-auth login ID (deviceId), F0...
  std::string reader;   // the reader name
  std::string serial;   // the unit's serial; may be empty in a ledger
  RegEnv env = RegEnv::Verification;
  std::string registered_at;
  std::string source;   // "terminal: <path>" or "<ledger file>:<line>"
};

// The vendor's login IDs start with "F0" (906 0x81000003: "deviceId(F0xx)").
bool is_face_auth_account(const std::string& id);

// The ledger: UTF-8 CSV (BOM and CRLF allowed, RFC 4180 quoting) whose header is
// exactly account,reader,serial,environment,registered_at. Errors name the
// line. `name` is used in messages (the file's path).
constexpr size_t kLedgerMaxBytes = 16u << 20;
Expected<std::vector<Registration>> parse_ledger(const std::string& text, const std::string& name);
// One row, quoted where needed, CRLF-terminated (the form the parser reads).
std::string ledger_row(const Registration& r);
constexpr const char* kLedgerHeader = "account,reader,serial,environment,registered_at";
// The ledger's bytes with `r` added at the end: an empty or missing ledger gets
// the header first; the rows keep the file's line ending (CRLF unless it has
// only LF) and a last line without one gets it, so nothing else changes.
std::string ledger_with_row(const std::string& existing, const Registration& r);

struct CheckRequest {
  std::string account;
  std::string reader;
  RegEnv env = RegEnv::Verification;
  bool update = false;  // the login-name tool's update instead of 新規追加 → 登録
};

struct CheckFinding {
  std::string id;        // stable: account-has-other-reader, ...
  int vendor_case = 0;   // ① - ④ of 906 0x81000001's table; 0 otherwise
  bool fails = true;     // false: a note that does not stop this registration
  std::string error;     // "906"
  std::string detail;    // "0x81000001" | "0x81000003"
  Text message;
  Text fix;
  std::vector<Registration> conflicts;  // the registrations it rests on
};

// Against every registration known (this terminal's and the ledger's).
std::vector<CheckFinding> check_registration(const CheckRequest& req, const std::vector<Registration>& known);
bool would_fail(const std::vector<CheckFinding>& findings);
nlohmann::json registration_json(const Registration& r);
nlohmann::json finding_json(const CheckFinding& f);

// QA 32 and 33: does a change of the institution certificate need the unit
// removed and registered again?
enum class CertDecision { Reregister, NotNeeded, Ask, Unknown };
const char* cert_decision_name(CertDecision d);  // reregister | not-needed | ask | unknown
struct CertOutcome {
  CertDecision decision = CertDecision::Unknown;
  Text reason;
  std::vector<Text> plan;  // the steps, in order (empty when nothing is needed)
};
// `face_dll` is the version text ("2.1.0J"), absent when it could not be read.
CertOutcome decide_certificate_change(bool institution_code_changed, const std::optional<std::string>& face_dll);
// The plan for a re-registration (QA 32 steps), shared with the decision above.
std::vector<Text> reregistration_plan(bool institution_code_changed);

}  // namespace caora
