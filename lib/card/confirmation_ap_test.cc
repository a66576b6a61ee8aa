#include "card/confirmation_ap.h"

#include <catch2/catch.hpp>

using namespace caora;

namespace {

std::string tlv(uint16_t tag, const std::string& value) {
  std::string t;
  t.push_back(static_cast<char>(tag >> 8));
  t.push_back(static_cast<char>(tag & 0xFF));
  if (value.size() < 0x80) {
    t.push_back(static_cast<char>(value.size()));
  } else {
    t += "\x82";
    t.push_back(static_cast<char>(value.size() >> 8));
    t.push_back(static_cast<char>(value.size() & 0xFF));
  }
  return t + value;
}

// The card-face AP as the card answers it: a retry counter, a number, EF 0002.
class ScriptedCard : public CardChannel {
 public:
  std::string number = "55021720352285";
  int tries = 10;
  std::string ef0002;
  int verifies_sent = 0;
  std::string selected;

  Expected<std::string> transmit(const std::string& a) override {
    auto sw = [](uint16_t v) { return std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xFF)}; };
    if (a == apdu::select_confirmation_ap()) return sw(0x9000);
    if (a.compare(0, 5, std::string("\x00\xA4\x02\x0C\x02", 5)) == 0) {
      selected = a.substr(5, 2);
      return sw(0x9000);
    }
    if (a.compare(0, 4, std::string("\x00\x20\x00\x80", 4)) == 0) {
      if (tries == 0) return sw(0x6984);
      if (a.size() == 4) return sw(static_cast<uint16_t>(0x63C0 | tries));
      ++verifies_sent;
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
      if (offset >= ef0002.size()) return sw(0x6B00);
      return ef0002.substr(offset, le) + sw(0x9000);
    }
    return sw(0x6D00);
  }
};

ScriptedCard card_with_photo(const std::string& photo) {
  ScriptedCard c;
  std::string inner = tlv(0xDF22, "19800217") + tlv(0xDF23, "2") + tlv(0xDF27, photo) + tlv(0xDF29, "20350217");
  c.ef0002 = tlv(0xFF20, inner);
  return c;
}

VerificationNumberB number(const char* digits_date, int expiry, const char* code) {
  return VerificationNumberB::make(*parse_japanese_date(digits_date), expiry, code).value();
}

}  // namespace

TEST_CASE("the right number reads the face photo across several READ BINARYs") {
  std::string photo(1500, '\0');
  for (size_t i = 0; i < photo.size(); ++i) photo[i] = static_cast<char>(i * 7);
  ScriptedCard card = card_with_photo(photo);
  auto r = read_card_face(card, number("昭和55年2月17日", 2035, "2285"), false);
  REQUIRE(r.ok());
  CHECK(r->tries_left_before == 10);
  CHECK(r->verify.kind == CardOutcome::Kind::Ok);
  REQUIRE(r->record);
  CHECK(r->record->face_jp2 == photo);
  CHECK(r->record->birth_date == "19800217");
}

TEST_CASE("a wrong number maps to error 015 with the tries left") {
  ScriptedCard card = card_with_photo("jp2");
  auto r = read_card_face(card, number("昭和55年2月18日", 2035, "2285"), false);
  REQUIRE(r.ok());
  CHECK(r->verify.kind == CardOutcome::Kind::WrongNumber);
  CHECK(r->verify.tries_left == 9);
  CHECK(r->verify.detail_code == "0x04000019");
  CHECK(r->verify.recipe == "error-015");
  CHECK_FALSE(r->record);
  CHECK(card.tries == 9);
}

TEST_CASE("reading the counter costs no try, and one try left is never spent") {
  ScriptedCard card = card_with_photo("jp2");
  card.tries = 1;
  auto refused = read_card_face(card, number("昭和55年2月18日", 2035, "2285"), false);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().kind == ErrorKind::NeedsTechnician);
  CHECK(card.verifies_sent == 0);
  CHECK(card.tries == 1);
  auto forced = read_card_face(card, number("昭和55年2月17日", 2035, "2285"), true);
  REQUIRE(forced.ok());
  CHECK(forced->verify.kind == CardOutcome::Kind::Ok);
}

TEST_CASE("a blocked card is reported without a VERIFY") {
  ScriptedCard card = card_with_photo("jp2");
  card.tries = 0;
  auto r = read_card_face(card, number("昭和55年2月17日", 2035, "2285"), true);
  REQUIRE(r.ok());
  CHECK(r->verify.kind == CardOutcome::Kind::Blocked);
  CHECK(card.verifies_sent == 0);
}

TEST_CASE("status words map to the vendor's codes") {
  for (int x = 1; x <= 9; ++x) {
    CardOutcome o = interpret_verify_status(static_cast<uint16_t>(0x63C0 | x));
    CHECK(o.kind == CardOutcome::Kind::WrongNumber);
    CHECK(o.detail_code == "0x0400001" + std::to_string(x));
  }
  CHECK(interpret_verify_status(0x63C0).kind == CardOutcome::Kind::Blocked);
  CHECK(interpret_verify_status(0x6984).kind == CardOutcome::Kind::Blocked);
  CHECK(interpret_verify_status(0x6A82).recipe == "error-001");
  CHECK(interpret_verify_status(0x9000).kind == CardOutcome::Kind::Ok);
}

TEST_CASE("a record without a photo is an error") {
  CHECK_FALSE(parse_card_face_record(tlv(0xFF20, tlv(0xDF22, "19800217"))).ok());
  CHECK_FALSE(parse_card_face_record(tlv(0xFF21, tlv(0xDF27, "x"))).ok());
}
