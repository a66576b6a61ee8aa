#include "workflows/registration.h"

#include <catch2/catch.hpp>

using namespace caora;

namespace {

Registration reg(std::string account, std::string reader, RegEnv env, std::string serial = "2113001") {
  Registration r;
  r.account = std::move(account);
  r.reader = std::move(reader);
  r.env = env;
  r.serial = std::move(serial);
  r.source = "test";
  return r;
}

std::vector<std::string> ids(const std::vector<CheckFinding>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.push_back(f.id + "/" + f.detail);
  return out;
}

}  // namespace

TEST_CASE("registration: the login ID must start with F0") {
  CHECK(is_face_auth_account("F0123456"));
  CHECK_FALSE(is_face_auth_account("F0"));
  CHECK_FALSE(is_face_auth_account("f0123456"));
  CHECK_FALSE(is_face_auth_account("FO123456"));  // the letter O, a common misreading
  CHECK_FALSE(is_face_auth_account(""));
}

TEST_CASE("registration: the four 0x81000001 cases and 0x81000003, in both environments") {
  for (RegEnv env : {RegEnv::Verification, RegEnv::Production}) {
    RegEnv other = other_env(env);
    std::vector<Registration> known = {reg("F0000001", "CaoraA", env), reg("F0000002", "CaoraB", env, "2113002")};
    // A fresh pair goes through.
    CHECK(check_registration({"F0000009", "CaoraZ", env, false}, known).empty());
    // ① an account already registered to another reader.
    auto one = check_registration({"F0000001", "CaoraZ", env, false}, known);
    REQUIRE(one.size() == 1);
    CHECK(one[0].vendor_case == 1);
    CHECK(one[0].detail == "0x81000001");
    CHECK(one[0].fails);
    CHECK(one[0].conflicts.at(0).reader == "CaoraA");
    // ② a reader name already registered to another account.
    auto two = check_registration({"F0000009", "CaoraB", env, false}, known);
    REQUIRE(two.size() == 1);
    CHECK(two[0].vendor_case == 2);
    CHECK(two[0].conflicts.at(0).account == "F0000002");
    // ① and ② at once: the account and the reader are each taken by others.
    CHECK(ids(check_registration({"F0000001", "CaoraB", env, false}, known)) ==
          std::vector<std::string>{"account-has-other-reader/0x81000001", "reader-has-other-account/0x81000001"});
    // The same pair again is case ① too.
    CHECK(ids(check_registration({"F0000001", "CaoraA", env, false}, known)) ==
          std::vector<std::string>{"already-registered/0x81000001"});
    // ③ an update moving a reader name to another account.
    auto three = check_registration({"F0000001", "CaoraB", env, true}, known);
    REQUIRE(three.size() == 1);
    CHECK(three[0].vendor_case == 3);
    // An update of a registered account to a free reader name goes through.
    CHECK(check_registration({"F0000001", "CaoraZ", env, true}, known).empty());
    // ④ an update of an account not registered.
    auto four = check_registration({"F0000009", "CaoraZ", env, true}, known);
    REQUIRE(four.size() == 1);
    CHECK(four[0].vendor_case == 4);
    CHECK(four[0].fix.en.find("instead of updating") != std::string::npos);
    // 0x81000003: registered in the other environment only — a note, not a failure.
    std::vector<Registration> elsewhere = {reg("F0000001", "CaoraA", other)};
    auto note = check_registration({"F0000001", "CaoraA", env, false}, elsewhere);
    REQUIRE(note.size() == 1);
    CHECK(note[0].detail == "0x81000003");
    CHECK_FALSE(note[0].fails);
    CHECK_FALSE(would_fail(note));
    // Updating there instead fails (④) and says why (0x81000003).
    CHECK(ids(check_registration({"F0000001", "CaoraA", env, true}, elsewhere)) ==
          std::vector<std::string>{"update-unregistered-account/0x81000001", "other-environment-only/0x81000003"});
    // The other environment's registrations never conflict here.
    CHECK_FALSE(would_fail(check_registration({"F0000009", "CaoraA", env, false}, elsewhere)));
  }
}

TEST_CASE("registration: the ledger CSV") {
  std::string csv =
      "\xEF\xBB\xBF" "account,reader,serial,environment,registered_at\r\n"
      "F0000001,CaoraA,2113001,verification,2026-11-01\r\n"
      "\r\n"
      "F0000002,\"Caora, \"\"受付\"\"\",2113002,production,2026-11-02\r\n"
      "F0000003,\"two\nlines\",,production,\n";
  auto rows = parse_ledger(csv, "ledger.csv");
  REQUIRE(rows);
  REQUIRE(rows->size() == 3);
  CHECK(rows->at(1).reader == "Caora, \"受付\"");
  CHECK(rows->at(1).env == RegEnv::Production);
  CHECK(rows->at(1).source == "ledger.csv:4");
  CHECK(rows->at(2).reader == "two\nlines");
  CHECK(rows->at(2).serial.empty());
  // Round trip through the writer.
  std::string again = std::string(kLedgerHeader) + "\r\n";
  for (const auto& r : *rows) again += ledger_row(r);
  auto back = parse_ledger(again, "again.csv");
  REQUIRE(back);
  REQUIRE(back->size() == 3);
  CHECK(back->at(1).reader == rows->at(1).reader);
  CHECK(back->at(2).reader == rows->at(2).reader);

  auto bad = [](const std::string& text) {
    auto r = parse_ledger(text, "l.csv");
    REQUIRE_FALSE(r);
    return r.error().message.en;
  };
  CHECK(bad("") .find("header") != std::string::npos);
  CHECK(bad("account,reader\n").find("l.csv:1: the header") == 0);
  CHECK(bad("account,reader,serial,environment,registered_at\nF01,R,1,staging,x\n").find("l.csv:2:") == 0);
  CHECK(bad("account,reader,serial,environment,registered_at\nX01,R,1,production,x\n").find("F0") != std::string::npos);
  CHECK(bad("account,reader,serial,environment,registered_at\nF01,R,1,production\n").find("5 columns") != std::string::npos);
  CHECK(bad("account,reader,serial,environment,registered_at\nF01,\"R,1,production,x\n").find("not closed") != std::string::npos);
  CHECK(bad("account,reader,serial,environment,registered_at\nF01,\"R\"x,1,production,x\n").find("closing quote") != std::string::npos);
  CHECK(bad("account,reader,serial,environment,registered_at\nF01,\x83\x4a,1,production,x\n").find("not UTF-8") != std::string::npos);
}

TEST_CASE("registration: the certificate-change decision (QA 32, 33)") {
  CHECK(decide_certificate_change(true, std::nullopt).decision == CertDecision::Reregister);
  CHECK(decide_certificate_change(true, std::string("3.0.0J")).decision == CertDecision::Reregister);
  CHECK(decide_certificate_change(true, std::nullopt).plan.size() == 4);  // the old certificate deleted first
  CHECK(decide_certificate_change(false, std::string("2.0.9J")).decision == CertDecision::Reregister);
  CHECK(decide_certificate_change(false, std::string("2.0.9J")).plan.size() == 3);
  CHECK(decide_certificate_change(false, std::string("2.1.0J")).decision == CertDecision::Ask);
  CHECK(decide_certificate_change(false, std::string("2.1.0J")).reason.en.find("both include 2.1.0J") != std::string::npos);
  CHECK(decide_certificate_change(false, std::string("2.1.1J")).decision == CertDecision::NotNeeded);
  CHECK(decide_certificate_change(false, std::string("2.10.0J")).decision == CertDecision::NotNeeded);
  CHECK(decide_certificate_change(false, std::string("2.10.0J")).plan.empty());
  CHECK(decide_certificate_change(false, std::nullopt).decision == CertDecision::Unknown);
}

TEST_CASE("registration: a row added to the ledger keeps the rest byte for byte") {
  Registration r;
  r.account = "F0000009";
  r.reader = "受付,2";
  r.serial = "2113009";
  r.env = RegEnv::Production;
  r.registered_at = "2026-12-04T08:00:00+00:00";
  const std::string row = "F0000009,\"受付,2\",2113009,production,2026-12-04T08:00:00+00:00";
  CHECK(ledger_with_row("", r) == std::string(kLedgerHeader) + "\r\n" + row + "\r\n");
  CHECK(ledger_with_row("\xEF\xBB\xBF", r) == "\xEF\xBB\xBF" + std::string(kLedgerHeader) + "\r\n" + row + "\r\n");
  const std::string lf = std::string(kLedgerHeader) + "\nF01,A,1,verification,x\n";
  CHECK(ledger_with_row(lf, r) == lf + row + "\n");
  const std::string crlf_open = "\xEF\xBB\xBF" + std::string(kLedgerHeader) + "\r\nF01,A,1,verification,x";
  CHECK(ledger_with_row(crlf_open, r) == crlf_open + "\r\n" + row + "\r\n");
  auto back = parse_ledger(ledger_with_row(lf, r), "l.csv");
  REQUIRE(back);
  REQUIRE(back->size() == 2);
  CHECK(back->at(1).reader == "受付,2");
  CHECK(back->at(1).env == RegEnv::Production);
}
