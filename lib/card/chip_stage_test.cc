#include "card/chip_stage.h"

#include <catch2/catch.hpp>

using namespace caora;

namespace {

std::string tlv(uint16_t tag, const std::string& value) {
  std::string t{static_cast<char>(tag >> 8), static_cast<char>(tag & 0xFF)};
  t += "\x82";
  t.push_back(static_cast<char>(value.size() >> 8));
  t.push_back(static_cast<char>(value.size() & 0xFF));
  return t + value;
}

std::string sw(uint16_t v) { return std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)}; }

// The card side of the AP, with the reader faults the PC/SC channel reports.
class ScriptedReader : public ReaderChannel {
 public:
  std::string number = "55021720352285";
  int tries = 10;
  std::string ef0002 = tlv(0xFF20, tlv(0xDF22, "19800217") + tlv(0xDF27, std::string(700, 'J')));
  size_t pull_after = std::string::npos;  // the card leaves once a read would pass this many bytes
  int verifies_spent = 0;
  uint16_t select_sw = 0x9000;
  ReaderProblem fault;

  const ReaderProblem& problem() const override { return fault; }
  std::string atr() const override { return std::string("\x3B\x88\x80\x01", 4); }

  Expected<std::string> transmit(const std::string& a) override {
    if (a == apdu::select_confirmation_ap()) return sw(select_sw);
    if (a.compare(0, 2, std::string("\x00\xA4", 2)) == 0) return sw(0x9000);
    if (a.compare(0, 4, std::string("\x00\x20\x00\x80", 4)) == 0) {
      if (tries == 0) return sw(0x6984);
      if (a.size() == 4) return sw(static_cast<uint16_t>(0x63C0 | tries));
      ++verifies_spent;
      if (a.substr(5) == number) {
        tries = 10;
        return sw(0x9000);
      }
      --tries;
      return sw(static_cast<uint16_t>(0x63C0 | tries));
    }
    if (a.compare(0, 2, std::string("\x00\xB0", 2)) == 0) {
      size_t offset = (static_cast<unsigned char>(a[2]) << 8) | static_cast<unsigned char>(a[3]);
      size_t le = static_cast<unsigned char>(a[4]);
      if (le == 0) le = 256;
      std::string chunk = ef0002.substr(offset, le);
      if (pull_after != std::string::npos && offset + chunk.size() > pull_after) {
        fault = ReaderProblem{ReaderFault::Removed, "SCARD_W_REMOVED_CARD", Text{"抜かれた", "pulled"}};
        return Error{ErrorKind::Io, fault.message};
      }
      return chunk + sw(0x9000);
    }
    return sw(0x6D00);
  }
};

struct Bench {
  ScriptedReader* card = nullptr;  // owned by the connection once connected
  ReaderProblem refuse;            // when set, connecting fails with it
  ReaderConnector connector() {
    return [this](const std::string& name) {
      ReaderConnection c;
      if (refuse.fault != ReaderFault::None) {
        c.problem = refuse;
        return c;
      }
      auto owned = std::make_unique<ScriptedReader>(*card);
      live = owned.get();
      c.channel = std::move(owned);
      c.reader = name + " 00 00";
      return c;
    };
  }
  ScriptedReader* live = nullptr;  // the copy the stage talked to
};

VerificationNumberB number_b(const std::string& digits) {
  // 昭和55年2月17日 (the era year and the date come from the digits), expiry and code.
  auto birth = make_japanese_date(Era::Showa, std::stoi(digits.substr(0, 2)), std::stoi(digits.substr(2, 2)),
                                  std::stoi(digits.substr(4, 2)));
  REQUIRE(birth);
  auto n = VerificationNumberB::make(*birth, std::stoi(digits.substr(6, 4)), digits.substr(10, 4));
  REQUIRE(n);
  return *n;
}

double timing(const ChipStageResult& r, const std::string& name) {
  for (const auto& [n, ms] : r.timings_ms)
    if (n == name) return ms;
  return -1;
}

}  // namespace

TEST_CASE("the right number reads the photo; every step is timed", "[chip]") {
  ScriptedReader card;
  Bench bench{&card};
  auto r = run_chip_stage(bench.connector(), "Caora", number_b("55021720352285"), false);
  CHECK(r.status == ChipStatus::Ok);
  CHECK(std::string(chip_status_name(r.status)) == "ok");
  CHECK(r.reader_found == "Caora 00 00");
  CHECK(r.tries_left_before == 10);
  CHECK(!r.tries_left);  // the card resets its counter after a correct number
  REQUIRE(r.sw);
  CHECK(*r.sw == 0x9000);
  CHECK(r.error_code.empty());
  CHECK(r.photo.jp2 == std::string(700, 'J'));
  REQUIRE(r.record);
  CHECK(r.record->birth_date == "19800217");
  // SELECT AP, SELECT EF 0012, counter, VERIFY, SELECT EF 0002, 3 reads of 256.
  CHECK(r.apdus == 8);
  for (const char* step : {"connect", "select", "read_counter", "verify", "read_record", "total"})
    CHECK(timing(r, step) >= 0);

  auto j = chip_stage_json(r);
  CHECK(j["status"] == "ok");
  CHECK(j["reader"] == "Caora");
  CHECK(j["tries_left"].is_null());
  CHECK(j["tries_left_before"] == 10);
  CHECK(j["photo"]["bytes"] == 700);
  CHECK(j["photo"]["written"].is_null());
  CHECK(j["atr"] == "3B888001");
  CHECK(j["error_code"].is_null());
  CHECK(j["timings_ms"].contains("read_record"));
  CHECK(chip_stage_text(r).en.find("✓ chip (Caora 00 00)") != std::string::npos);
}

TEST_CASE("a wrong number is 015 with the tries left as its detail code", "[chip]") {
  ScriptedReader card;
  card.tries = 4;
  Bench bench{&card};
  auto r = run_chip_stage(bench.connector(), "Caora", number_b("55021720359999"), false);
  CHECK(r.status == ChipStatus::WrongNumber);
  CHECK(r.tries_left_before == 4);
  CHECK(r.tries_left == 3);
  CHECK(r.error_code == "015");
  CHECK(r.detail_code == "0x04000013");
  CHECK(r.recipe == "error-015");
  CHECK(r.photo.jp2.empty());
  CHECK(bench.live->verifies_spent == 1);
  auto j = chip_stage_json(r);
  CHECK(j["status"] == "wrong_number");
  CHECK(j["sw"] == "63C3");
  CHECK(j["photo"].is_null());
  CHECK(chip_stage_text(r).ja.find("エラー 015 / 0x04000013") != std::string::npos);
}

TEST_CASE("one try left: no VERIFY unless forced", "[chip]") {
  ScriptedReader card;
  card.tries = 1;
  Bench bench{&card};
  auto r = run_chip_stage(bench.connector(), "Caora", number_b("55021720359999"), false);
  CHECK(r.status == ChipStatus::RefusedLastTry);
  CHECK(r.tries_left == 1);
  CHECK(!r.verify_sent);
  CHECK(bench.live->verifies_spent == 0);
  CHECK(bench.live->tries == 1);
  CHECK(r.detail_code == "0x04000011");
  CHECK(chip_stage_json(r)["sw"].is_null());

  SECTION("forced with the right number: read") {
    auto f = run_chip_stage(bench.connector(), "Caora", number_b("55021720352285"), true);
    CHECK(f.status == ChipStatus::Ok);
    CHECK(f.tries_left_before == 1);
    CHECK(bench.live->tries == 10);
  }
  SECTION("forced with a wrong number: the card locks, and says so") {
    auto f = run_chip_stage(bench.connector(), "Caora", number_b("55021720359999"), true);
    CHECK(f.status == ChipStatus::Blocked);
    CHECK(f.tries_left == 0);
    CHECK(bench.live->tries == 0);
  }
}

TEST_CASE("a blocked card is reported from the counter, without a VERIFY", "[chip]") {
  ScriptedReader card;
  card.tries = 0;
  Bench bench{&card};
  auto r = run_chip_stage(bench.connector(), "Caora", number_b("55021720352285"), true);
  CHECK(r.status == ChipStatus::Blocked);
  CHECK(!r.verify_sent);
  CHECK(r.tries_left == 0);
  CHECK(r.error_code == "015");
  CHECK(r.detail_code.empty());
  CHECK(chip_stage_json(r)["detail_code"].is_null());
}

TEST_CASE("a card pulled mid-read is 001 / 0x03000002", "[chip]") {
  ScriptedReader card;
  card.pull_after = 300;
  Bench bench{&card};
  auto r = run_chip_stage(bench.connector(), "Caora", number_b("55021720352285"), false);
  CHECK(r.status == ChipStatus::Removed);
  CHECK(r.error_code == "001");
  CHECK(r.detail_code == "0x03000002");
  CHECK(r.recipe == "error-001");
  CHECK(r.scard == "SCARD_W_REMOVED_CARD");
  CHECK(r.photo.jp2.empty());
}

TEST_CASE("reader faults at connect map to 906 and 001", "[chip]") {
  ScriptedReader card;
  Bench bench{&card};
  struct Row {
    ReaderFault fault;
    ChipStatus status;
    const char* name;
    const char* code;
    const char* detail;
  };
  const Row rows[] = {
      {ReaderFault::NoReader, ChipStatus::NoReader, "no_reader", "906", "0x02000001"},
      {ReaderFault::NoService, ChipStatus::NoReader, "no_reader", "906", "0x02000001"},
      {ReaderFault::SharingViolation, ChipStatus::SharingViolation, "sharing_violation", "906", "0x03000006"},
      {ReaderFault::NoCard, ChipStatus::NoCard, "no_card", "001", "0x03000002"},
      {ReaderFault::Removed, ChipStatus::Removed, "removed", "001", "0x03000002"},
      {ReaderFault::Other, ChipStatus::CardError, "card_error", "001", "0x03000001"},
  };
  for (const auto& row : rows) {
    bench.refuse = ReaderProblem{row.fault, "SCARD_X", Text{"理由", "why"}};
    auto r = run_chip_stage(bench.connector(), "Caora", number_b("55021720352285"), false);
    INFO(row.name);
    CHECK(r.status == row.status);
    CHECK(std::string(chip_status_name(r.status)) == row.name);
    CHECK(r.error_code == row.code);
    CHECK(r.detail_code == row.detail);
    CHECK(r.recipe == std::string("error-") + row.code);
    CHECK(r.message.en == "why");
    CHECK(r.apdus == 0);
    auto j = chip_stage_json(r);
    CHECK(j["scard"] == "SCARD_X");
    CHECK(j["tries_left_before"].is_null());
  }
}

TEST_CASE("a card that is not a My Number Card is a card error, not a crash", "[chip]") {
  ScriptedReader card;
  card.select_sw = 0x6A82;
  Bench bench{&card};
  auto r = run_chip_stage(bench.connector(), "Caora", number_b("55021720352285"), false);
  CHECK(r.status == ChipStatus::CardError);
  CHECK(r.error_code == "001");
  CHECK(r.detail_code == "0x03000001");
  CHECK(r.message.en.find("6A82") != std::string::npos);
  CHECK(!r.verify_sent);
}

TEST_CASE("a broken EF 0002 is a card error naming the problem", "[chip]") {
  ScriptedReader card;
  card.ef0002 = tlv(0xFF20, tlv(0xDF22, "19800217"));  // no photo
  Bench bench{&card};
  auto r = run_chip_stage(bench.connector(), "Caora", number_b("55021720352285"), false);
  CHECK(r.status == ChipStatus::CardError);
  CHECK(r.message.en.find("DF27") != std::string::npos);
}
