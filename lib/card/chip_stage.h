// The chip stage of the card self-test: connect to the reader by name, read the
// retry counter, VERIFY 照合番号B, read EF 0002 and take out the face photo
// (read_card_face() does the card's part). Every way it can end is one status
// with the vendor's error code, detail code and recipe, so a technician sees
// the same 001 / 015 / 906 the Caora application would show.
//
// The reader side is an interface (card/reader_channel.h; PC/SC in lib/pcsc/card_channel.h) so the
// mapping is tested without a PC/SC service as well as against a real one.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "card/confirmation_ap.h"
#include "card/reader_channel.h"
#include "core/text.h"

namespace caora {


enum class ChipStatus { Ok, WrongNumber, Blocked, RefusedLastTry, CardError, NoReader, SharingViolation, NoCard, Removed };
// "ok", "wrong_number", "blocked", "refused_last_try", "card_error", "no_reader",
// "sharing_violation", "no_card", "removed"
const char* chip_status_name(ChipStatus status);

struct ChipPhoto {
  std::string jp2;         // DF27 as read: JPEG 2000, greyscale
  int width = 0;           // set by whoever decodes it (lib/face)
  int height = 0;
  std::string written;     // the PNG's path, when one was written
  std::optional<Text> error;  // the photo could not be decoded or written
};

struct ChipStageResult {
  std::string reader;              // as asked for
  std::string reader_found;        // the reader's full PC/SC name
  ChipStatus status = ChipStatus::CardError;
  int tries_left_before = -1;      // the counter before VERIFY (-1: not read)
  std::optional<int> tries_left;   // after; none after a correct number (the card resets it)
  std::optional<uint16_t> sw;      // VERIFY's status word, when VERIFY was sent
  bool verify_sent = false;
  std::string error_code;          // "015", "001", "906"; empty when ok
  std::string detail_code;         // "0x04000013"; empty when the vendor has none
  std::string recipe;              // "error-015"
  std::string scard;               // the PC/SC code behind a reader fault
  Text message;                    // what happened, for a person
  std::string atr;                 // raw bytes
  std::optional<CardFaceRecord> record;
  ChipPhoto photo;                 // jp2 empty unless the record was read
  int apdus = 0;
  std::vector<std::pair<std::string, double>> timings_ms;  // connect, select, read_counter, verify, read_record, total
};

// `force`: VERIFY even with one try left (the card locks if the number is wrong).
ChipStageResult run_chip_stage(const ReaderConnector& connect, const std::string& reader,
                               const VerificationNumberB& number, bool force);

// The "chip" object of caora.selftest.card/1.
nlohmann::json chip_stage_json(const ChipStageResult& result);
// Lines for a person, each ending in a newline.
Text chip_stage_text(const ChipStageResult& result);

}  // namespace caora
