// The card-face confirmation AP (券面事項確認AP) of the My Number Card: the
// APDUs, the meaning of its status words for a self-test, and the reading of
// the face photo, over any CardChannel (PC/SC in the field, a script in tests).
//
// A self-test must never lock a patient's card: the retry counter is read with
// an empty VERIFY (which costs no try) and VERIFY is refused with one try left
// unless forced.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "card/verification_number_b.h"
#include "core/result.h"

namespace caora {

// Sends one APDU and returns the response with its two status bytes at the end.
class CardChannel {
 public:
  virtual ~CardChannel() = default;
  virtual Expected<std::string> transmit(const std::string& apdu) = 0;
};

namespace apdu {
std::string select_confirmation_ap();           // 00 A4 04 0C 0A D3 92 10 00 31 00 01 01 04 02
std::string select_ef(uint16_t fid);         // 00 A4 02 0C 02 <fid>
std::string verify(const std::string& digits);  // 00 20 00 80 0E <14 ASCII digits>
std::string verify_status();                 // 00 20 00 80: tries left, no try used
std::string read_binary(size_t offset, unsigned le);  // 00 B0 <offset> <le>; 15-bit offset
}  // namespace apdu

constexpr uint16_t kEfCardFace = 0x0002;
constexpr uint16_t kEfVerificationNumberBKey = 0x0012;

// What a status word means to the self-test, with the vendor's code for it.
struct CardOutcome {
  enum class Kind { Ok, WrongNumber, Blocked, CardError };
  Kind kind = Kind::CardError;
  uint16_t sw = 0;
  int tries_left = -1;          // for WrongNumber / a status read
  std::string error_code;       // the vendor's code, e.g. "015"
  std::string detail_code;      // e.g. "0x04000013"
  std::string recipe;           // e.g. "error-015"
};
CardOutcome interpret_verify_status(uint16_t sw);

struct CardFaceRecord {
  std::string birth_date;   // DF22, Gregorian YYYYMMDD
  std::string sex;          // DF23
  std::string expiry;       // DF29
  std::string face_jp2;     // DF27: JPEG 2000 (JP2 container), greyscale
};
Expected<CardFaceRecord> parse_card_face_record(const std::string& ef0002);

struct ChipReadResult {
  CardOutcome verify;              // the outcome of VERIFY (or of the refusal)
  int tries_left_before = -1;
  std::optional<CardFaceRecord> record;
};

// SELECT AP → read the retry counter → VERIFY 照合番号B → SELECT EF 0002 →
// READ BINARY until the outer TLV is covered → parse. With one try left it
// stops before VERIFY unless `force`.
Expected<ChipReadResult> read_card_face(CardChannel& channel, const VerificationNumberB& number, bool force);

}  // namespace caora
