#include "card/confirmation_ap.h"

#include <cstdio>

#include "card/tlv.h"

namespace caora {

namespace apdu {

std::string select_confirmation_ap() {
  return std::string("\x00\xA4\x04\x0C\x0A\xD3\x92\x10\x00\x31\x00\x01\x01\x04\x02", 15);
}

std::string select_ef(uint16_t fid) {
  std::string a("\x00\xA4\x02\x0C\x02", 5);
  a.push_back(static_cast<char>(fid >> 8));
  a.push_back(static_cast<char>(fid & 0xFF));
  return a;
}

std::string verify(const std::string& digits) {
  std::string a("\x00\x20\x00\x80", 4);
  a.push_back(static_cast<char>(digits.size()));
  return a + digits;
}

std::string verify_status() { return std::string("\x00\x20\x00\x80", 4); }

std::string read_binary(size_t offset, unsigned le) {
  std::string a("\x00\xB0", 2);
  a.push_back(static_cast<char>((offset >> 8) & 0x7F));
  a.push_back(static_cast<char>(offset & 0xFF));
  a.push_back(static_cast<char>(le & 0xFF));  // 0 means 256
  return a;
}

}  // namespace apdu

static std::string hex4(uint16_t sw) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04X", sw);
  return buf;
}

CardOutcome interpret_verify_status(uint16_t sw) {
  CardOutcome o;
  o.sw = sw;
  if (sw == 0x9000) {
    o.kind = CardOutcome::Kind::Ok;
    return o;
  }
  if ((sw & 0xFFF0) == 0x63C0) {
    int x = sw & 0x0F;
    o.tries_left = x;
    if (x == 0) {
      o.kind = CardOutcome::Kind::Blocked;
    } else {
      // 0x0400001x: x tries left before the card locks (error 015's detail codes).
      o.kind = CardOutcome::Kind::WrongNumber;
      char buf[16];
      std::snprintf(buf, sizeof buf, "0x040000%02X", x <= 9 ? 0x10 + x : 0x20);
      o.detail_code = buf;
    }
    o.error_code = "015";
    o.recipe = "error-015";
    return o;
  }
  if (sw == 0x6984 || sw == 0x6983) {
    o.kind = CardOutcome::Kind::Blocked;
    o.tries_left = 0;
    o.error_code = "015";
    o.recipe = "error-015";
    return o;
  }
  // Anything else: the card did not answer as a My Number Card would (error 001).
  o.kind = CardOutcome::Kind::CardError;
  o.error_code = "001";
  o.detail_code = "0x03000001";
  o.recipe = "error-001";
  return o;
}

Expected<CardFaceRecord> parse_card_face_record(const std::string& ef) {
  size_t pos = 0;
  auto outer = parse_tlv(ef, pos);
  if (!outer) return outer.error();
  if (outer->tag != 0xFF20)
    return make_error(ErrorKind::Parse, "EF 0002 の先頭が FF20 ではありません", "EF 0002 does not start with FF20");
  auto inner = parse_tlv_list(outer->value);
  if (!inner) return inner.error();
  CardFaceRecord r;
  for (const auto& t : *inner) {
    switch (t.tag) {
      case 0xDF22: r.birth_date = t.value; break;
      case 0xDF23: r.sex = t.value; break;
      case 0xDF27: r.face_jp2 = t.value; break;
      case 0xDF29: r.expiry = t.value; break;
      default: break;
    }
  }
  if (r.face_jp2.empty()) return make_error(ErrorKind::Parse, "顔写真（DF27）がありません", "no face photo (DF27)");
  return r;
}

static uint16_t status_of(const std::string& response) {
  size_t n = response.size();
  return static_cast<uint16_t>((static_cast<unsigned char>(response[n - 2]) << 8) | static_cast<unsigned char>(response[n - 1]));
}

static Expected<std::string> exchange(CardChannel& ch, const std::string& a, uint16_t* sw) {
  auto r = ch.transmit(a);
  if (!r) return r.error();
  if (r->size() < 2) return make_error(ErrorKind::Io, "カードの応答が短すぎます", "the card's response is too short");
  *sw = status_of(*r);
  return r->substr(0, r->size() - 2);
}

static Error card_said(const char* what, uint16_t sw) {
  return make_error(ErrorKind::Io, std::string(what) + " にカードが " + hex4(sw) + " を返しました",
                    std::string(what) + ": the card answered " + hex4(sw));
}

Expected<ChipReadResult> read_card_face(CardChannel& ch, const VerificationNumberB& number, bool force) {
  ChipReadResult result;
  uint16_t sw = 0;
  auto r = exchange(ch, apdu::select_confirmation_ap(), &sw);
  if (!r) return r.error();
  if (sw != 0x9000) return card_said("SELECT 券面事項確認AP / card-face AP", sw);
  r = exchange(ch, apdu::select_ef(kEfVerificationNumberBKey), &sw);
  if (!r) return r.error();
  if (sw != 0x9000) return card_said("SELECT EF 0012", sw);
  r = exchange(ch, apdu::verify_status(), &sw);
  if (!r) return r.error();
  CardOutcome before = interpret_verify_status(sw);
  result.tries_left_before = before.tries_left;
  if (before.kind == CardOutcome::Kind::Blocked) {
    result.verify = before;
    return result;
  }
  if (before.tries_left == 1 && !force) {
    // One wrong number would lock the patient's card: that is not a test's call to make.
    return make_error(ErrorKind::NeedsTechnician,
                      "照合番号Bの残り回数が1回です。カードをロックしないよう VERIFY を行いません（--force で実行）",
                      "one try left on verification number B: not sending VERIFY so the card cannot lock (--force overrides)");
  }
  r = exchange(ch, apdu::verify(number.digits()), &sw);
  if (!r) return r.error();
  result.verify = interpret_verify_status(sw);
  if (result.verify.kind != CardOutcome::Kind::Ok) return result;
  r = exchange(ch, apdu::select_ef(kEfCardFace), &sw);
  if (!r) return r.error();
  if (sw != 0x9000) return card_said("SELECT EF 0002", sw);
  std::string data;
  auto head = exchange(ch, apdu::read_binary(0, 0), &sw);  // 256 bytes
  if (!head) return head.error();
  if (sw != 0x9000 && sw != 0x6282) return card_said("READ BINARY", sw);
  data = *head;
  auto total = tlv_total_size(data);
  if (!total) return total.error();
  if (*total > 0x7FFF + 256) return make_error(ErrorKind::Parse, "EF 0002 が大きすぎます", "EF 0002 is too large");
  while (data.size() < *total) {
    size_t want = std::min<size_t>(256, *total - data.size());
    auto chunk = exchange(ch, apdu::read_binary(data.size(), static_cast<unsigned>(want == 256 ? 0 : want)), &sw);
    if (!chunk) return chunk.error();
    if (sw != 0x9000 || chunk->empty()) return card_said("READ BINARY", sw);
    data += *chunk;
  }
  data.resize(*total);
  auto record = parse_card_face_record(data);
  if (!record) return record.error();
  result.record = *record;
  return result;
}

}  // namespace caora
