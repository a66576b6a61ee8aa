#include "card/chip_stage.h"
#include "core/stopwatch.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

namespace caora {

const char* chip_status_name(ChipStatus status) {
  switch (status) {
    case ChipStatus::Ok: return "ok";
    case ChipStatus::WrongNumber: return "wrong_number";
    case ChipStatus::Blocked: return "blocked";
    case ChipStatus::RefusedLastTry: return "refused_last_try";
    case ChipStatus::CardError: return "card_error";
    case ChipStatus::NoReader: return "no_reader";
    case ChipStatus::SharingViolation: return "sharing_violation";
    case ChipStatus::NoCard: return "no_card";
    case ChipStatus::Removed: return "removed";
  }
  return "card_error";
}

namespace {

using Clock = std::chrono::steady_clock;


std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0x0F]);
  }
  return out;
}

std::string hex4(uint16_t sw) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04X", sw);
  return buf;
}

uint16_t status_word(const std::string& response) {
  size_t n = response.size();
  return static_cast<uint16_t>((static_cast<unsigned char>(response[n - 2]) << 8) |
                               static_cast<unsigned char>(response[n - 1]));
}

// Passes every APDU through and notes, per step of the card-face AP, the time
// spent and the status words the card gave: the stage reads the counter and
// VERIFY's answer from here instead of from read_card_face()'s errors.
class ObservedChannel : public CardChannel {
 public:
  explicit ObservedChannel(CardChannel& inner) : inner_(inner) {}

  Expected<std::string> transmit(const std::string& a) override {
    const char* step = step_of(a);
    auto t = Clock::now();
    auto r = inner_.transmit(a);
    ms[step] += ms_since(t);
    ++apdus;
    if (r && r->size() >= 2) {
      uint16_t sw = status_word(*r);
      if (std::string(step) == "read_counter") counter_sw = sw;
      if (std::string(step) == "verify") verify_sw = sw;
    }
    return r;
  }

  std::map<std::string, double> ms;
  std::optional<uint16_t> counter_sw, verify_sw;
  int apdus = 0;

 private:
  static const char* step_of(const std::string& a) {
    unsigned ins = a.size() > 1 ? static_cast<unsigned char>(a[1]) : 0;
    if (ins == 0xA4) return "select";
    if (ins == 0x20) return a.size() <= 5 ? "read_counter" : "verify";
    if (ins == 0xB0) return "read_record";
    return "other";
  }

  CardChannel& inner_;
};

void set_code(ChipStageResult& r, const char* error, const char* detail) {
  r.error_code = error;
  r.detail_code = detail;
  r.recipe = std::string("error-") + error;
}

// A reader-side fault as the vendor codes it: 906 when the reader cannot be
// used, 001 when the card is not there (or left), with the detail codes of
// recipes/errors/906.json and 001.json.
void apply_fault(ChipStageResult& r, const ReaderProblem& p) {
  r.scard = p.scard;
  switch (p.fault) {
    case ReaderFault::NoService:
    case ReaderFault::NoReader:
      r.status = ChipStatus::NoReader;
      set_code(r, "906", "0x02000001");
      break;
    case ReaderFault::SharingViolation:
      r.status = ChipStatus::SharingViolation;
      set_code(r, "906", "0x03000006");
      break;
    case ReaderFault::NoCard:
      r.status = ChipStatus::NoCard;
      set_code(r, "001", "0x03000002");
      break;
    case ReaderFault::Removed:
      r.status = ChipStatus::Removed;
      set_code(r, "001", "0x03000002");
      break;
    case ReaderFault::None:
    case ReaderFault::Other:
      r.status = ChipStatus::CardError;
      set_code(r, "001", "0x03000001");
      break;
  }
  r.message = p.message;
}

std::string str(int n) { return std::to_string(n); }

}  // namespace

ChipStageResult run_chip_stage(const ReaderConnector& connect, const std::string& reader,
                               const VerificationNumberB& number, bool force) {
  ChipStageResult r;
  r.reader = reader;
  auto start = Clock::now();
  ReaderConnection conn = connect(reader);
  r.timings_ms.push_back({"connect", ms_since(start)});
  r.reader_found = conn.reader;
  if (!conn.channel) {
    apply_fault(r, conn.problem);
    r.timings_ms.push_back({"total", ms_since(start)});
    return r;
  }
  r.atr = conn.channel->atr();
  ObservedChannel observed(*conn.channel);
  auto read = read_card_face(observed, number, force);
  r.apdus = observed.apdus;
  for (const char* step : {"select", "read_counter", "verify", "read_record"}) {
    auto it = observed.ms.find(step);
    if (it != observed.ms.end()) r.timings_ms.push_back({step, it->second});
  }
  r.verify_sent = observed.verify_sw.has_value();
  r.sw = observed.verify_sw;
  if (observed.counter_sw) {
    CardOutcome before = interpret_verify_status(*observed.counter_sw);
    r.tries_left_before = before.tries_left;
  }

  if (!read) {
    const ReaderProblem& p = conn.channel->problem();
    if (p.fault != ReaderFault::None) {
      apply_fault(r, p);
    } else if (read.error().kind == ErrorKind::NeedsTechnician && r.tries_left_before == 1 && !r.verify_sent) {
      // read_card_face() stopped before VERIFY: the counter stands at one.
      r.status = ChipStatus::RefusedLastTry;
      r.tries_left = 1;
      set_code(r, "015", "0x04000011");
      r.message = Text{"照合番号Bの残り回数が1回のため、カードをロックしないよう照合しませんでした（--force で照合します）",
                       "one try left on verification number B: not verified so that the card cannot lock "
                       "(--force verifies anyway)"};
    } else {
      r.status = ChipStatus::CardError;
      set_code(r, "001", "0x03000001");
      const Text& m = read.error().message;
      r.message = Text{"カードとのやり取りに失敗しました: " + m.ja, "the exchange with the card failed: " + m.en};
    }
    r.timings_ms.push_back({"total", ms_since(start)});
    return r;
  }

  const CardOutcome& v = read->verify;
  switch (v.kind) {
    case CardOutcome::Kind::Ok:
      r.status = ChipStatus::Ok;
      break;
    case CardOutcome::Kind::WrongNumber:
      r.status = ChipStatus::WrongNumber;
      r.tries_left = v.tries_left;
      set_code(r, "015", "");
      r.detail_code = v.detail_code;
      r.message = Text{"照合番号Bが一致しません（カードのロックまであと" + str(v.tries_left) +
                           "回）。券面から読んだ生年月日・有効期限の年・セキュリティコードを確かめてください",
                       "verification number B did not match (" + str(v.tries_left) +
                           (v.tries_left == 1 ? " try" : " tries") +
                           " left before the card locks): check the birth date, expiry year and security code "
                           "read off the card face"};
      break;
    case CardOutcome::Kind::Blocked:
      // The vendor's 015 has no detail code for a locked card: the code and recipe, no detail.
      r.status = ChipStatus::Blocked;
      r.tries_left = 0;
      set_code(r, "015", "");
      r.message = Text{"カードがロックされています（照合番号Bの誤りが上限に達しました）。"
                       "ロックの解除は住民票のある市区町村の窓口で行います",
                       "the card is locked (verification number B was wrong too often); the holder has it "
                       "unlocked at the municipal office"};
      break;
    case CardOutcome::Kind::CardError:
      r.status = ChipStatus::CardError;
      set_code(r, "001", "0x03000001");
      r.message = Text{"VERIFY にカードが " + hex4(v.sw) + " を返しました",
                       "the card answered VERIFY with " + hex4(v.sw)};
      break;
  }
  if (read->record) {
    r.record = read->record;
    r.photo.jp2 = read->record->face_jp2;
    r.message = Text{"照合番号Bが一致し、顔写真（JPEG 2000、" + str(static_cast<int>(r.photo.jp2.size())) +
                         " バイト）を読み取りました",
                     "verification number B accepted; face photo read (JPEG 2000, " +
                         str(static_cast<int>(r.photo.jp2.size())) + " bytes)"};
  }
  r.timings_ms.push_back({"total", ms_since(start)});
  return r;
}

nlohmann::json chip_stage_json(const ChipStageResult& r) {
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  nlohmann::json timings = nlohmann::json::object();
  for (const auto& [name, ms] : r.timings_ms) timings[name] = std::round(ms * 10) / 10;
  nlohmann::json photo = nullptr;
  if (!r.photo.jp2.empty()) {
    photo = {{"format", "jp2"}, {"bytes", r.photo.jp2.size()},
             {"width", r.photo.width ? nlohmann::json(r.photo.width) : nlohmann::json(nullptr)},
             {"height", r.photo.height ? nlohmann::json(r.photo.height) : nlohmann::json(nullptr)},
             {"written", or_null(r.photo.written)}};
    if (r.photo.error) photo["error"] = {{"ja", r.photo.error->ja}, {"en", r.photo.error->en}};
  }
  nlohmann::json record = nullptr;
  if (r.record)
    record = {{"birth_date", r.record->birth_date}, {"sex", r.record->sex}, {"expiry", r.record->expiry}};
  return {
      {"reader", r.reader},
      {"reader_found", or_null(r.reader_found)},
      {"status", chip_status_name(r.status)},
      {"tries_left", r.tries_left ? nlohmann::json(*r.tries_left) : nlohmann::json(nullptr)},
      {"tries_left_before", r.tries_left_before >= 0 ? nlohmann::json(r.tries_left_before) : nlohmann::json(nullptr)},
      {"verify_sent", r.verify_sent},
      {"sw", r.sw ? nlohmann::json(hex4(*r.sw)) : nlohmann::json(nullptr)},
      {"error_code", or_null(r.error_code)},
      {"detail_code", or_null(r.detail_code)},
      {"recipe", or_null(r.recipe)},
      {"scard", or_null(r.scard)},
      {"message", {{"ja", r.message.ja}, {"en", r.message.en}}},
      {"atr", or_null(hex(r.atr))},
      {"record", record},
      {"photo", photo},
      {"apdus", r.apdus},
      {"timings_ms", timings},
  };
}

Text chip_stage_text(const ChipStageResult& r) {
  bool ok = r.status == ChipStatus::Ok && !r.photo.error;
  std::string mark = ok ? "  ✓ " : "  ✗ ";
  Text t;
  std::string name = r.reader_found.empty() ? r.reader : r.reader_found;
  t.ja = mark + "チップ（" + name + "）: " + r.message.ja + "\n";
  t.en = mark + "chip (" + name + "): " + r.message.en + "\n";
  if (r.tries_left_before >= 0) {
    t.ja += "      照合前の残り回数: " + str(r.tries_left_before) + "\n";
    t.en += "      tries left before VERIFY: " + str(r.tries_left_before) + "\n";
  }
  if (!r.error_code.empty()) {
    std::string code = r.error_code + (r.detail_code.empty() ? "" : " / " + r.detail_code);
    t.ja += "      エラー " + code + " → caora diagnose " + r.error_code +
            (r.detail_code.empty() ? "" : " " + r.detail_code) + "（レシピ " + r.recipe + "）" +
            (r.scard.empty() ? "" : "、PC/SC: " + r.scard) + "\n";
    t.en += "      error " + code + " → caora diagnose " + r.error_code +
            (r.detail_code.empty() ? "" : " " + r.detail_code) + " (recipe " + r.recipe + ")" +
            (r.scard.empty() ? "" : ", PC/SC: " + r.scard) + "\n";
  }
  if (!r.photo.jp2.empty()) {
    if (r.photo.error) {
      t.ja += "  ✗ 顔写真: " + r.photo.error->ja + "\n";
      t.en += "  ✗ face photo: " + r.photo.error->en + "\n";
    } else if (r.photo.width > 0) {
      std::string size = str(r.photo.width) + "×" + str(r.photo.height);
      t.ja += "      顔写真: " + size + (r.photo.written.empty() ? "" : "、保存先 " + r.photo.written) + "\n";
      t.en += "      face photo: " + size + (r.photo.written.empty() ? "" : ", written to " + r.photo.written) + "\n";
    }
  }
  std::string ja = "      時間:", en = "      timings:";
  for (size_t i = 0; i < r.timings_ms.size(); ++i) {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.0f ms", r.timings_ms[i].second);
    ja += std::string(i ? ", " : " ") + r.timings_ms[i].first + " " + ms;
    en += std::string(i ? ", " : " ") + r.timings_ms[i].first + " " + ms;
  }
  t.ja += ja + "\n";
  t.en += en + "\n";
  return t;
}

}  // namespace caora
