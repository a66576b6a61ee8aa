#include "pcsc/card_channel.h"

#include <cctype>
#include <cstdint>
#include <cstdio>

#ifdef _WIN32
#include <windows.h>
#endif
#include <winscard.h>

// winscard.dll has A and W variants of every call that takes a name; pcsc-lite
// has only the narrow one, under the plain name.
#ifdef _WIN32
#define CAORA_SCARD_A(name) name##A
using ReaderStateA = SCARD_READERSTATEA;
#else
#define CAORA_SCARD_A(name) name
using ReaderStateA = SCARD_READERSTATE;
#endif

namespace caora::pcsc {

namespace {

using Clock = std::chrono::steady_clock;

bool is(LONG rv, uint32_t code) { return static_cast<uint32_t>(rv) == code; }

std::string scard_name(LONG rv) {
  static const struct {
    uint32_t code;
    const char* name;
  } names[] = {
      {static_cast<uint32_t>(SCARD_S_SUCCESS), "SCARD_S_SUCCESS"},
      {static_cast<uint32_t>(SCARD_E_NO_SERVICE), "SCARD_E_NO_SERVICE"},
      {static_cast<uint32_t>(SCARD_E_SERVICE_STOPPED), "SCARD_E_SERVICE_STOPPED"},
      {static_cast<uint32_t>(SCARD_E_NO_READERS_AVAILABLE), "SCARD_E_NO_READERS_AVAILABLE"},
      {static_cast<uint32_t>(SCARD_E_UNKNOWN_READER), "SCARD_E_UNKNOWN_READER"},
      {static_cast<uint32_t>(SCARD_E_READER_UNAVAILABLE), "SCARD_E_READER_UNAVAILABLE"},
      {static_cast<uint32_t>(SCARD_E_SHARING_VIOLATION), "SCARD_E_SHARING_VIOLATION"},
      {static_cast<uint32_t>(SCARD_E_NO_SMARTCARD), "SCARD_E_NO_SMARTCARD"},
      {static_cast<uint32_t>(SCARD_W_REMOVED_CARD), "SCARD_W_REMOVED_CARD"},
      {static_cast<uint32_t>(SCARD_W_RESET_CARD), "SCARD_W_RESET_CARD"},
      {static_cast<uint32_t>(SCARD_W_UNPOWERED_CARD), "SCARD_W_UNPOWERED_CARD"},
      {static_cast<uint32_t>(SCARD_W_UNRESPONSIVE_CARD), "SCARD_W_UNRESPONSIVE_CARD"},
      {static_cast<uint32_t>(SCARD_E_NOT_TRANSACTED), "SCARD_E_NOT_TRANSACTED"},
      {static_cast<uint32_t>(SCARD_E_PROTO_MISMATCH), "SCARD_E_PROTO_MISMATCH"},
      {static_cast<uint32_t>(SCARD_E_TIMEOUT), "SCARD_E_TIMEOUT"},
      {static_cast<uint32_t>(SCARD_F_COMM_ERROR), "SCARD_F_COMM_ERROR"},
      {static_cast<uint32_t>(SCARD_E_NO_ACCESS), "SCARD_E_NO_ACCESS"},
      {static_cast<uint32_t>(SCARD_E_INSUFFICIENT_BUFFER), "SCARD_E_INSUFFICIENT_BUFFER"},
      {static_cast<uint32_t>(SCARD_E_INVALID_HANDLE), "SCARD_E_INVALID_HANDLE"},
  };
  for (const auto& n : names)
    if (is(rv, n.code)) return n.name;
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%08lX", static_cast<unsigned long>(static_cast<uint32_t>(rv)));
  return buf;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

ReaderProblem problem(ReaderFault fault, LONG rv, std::string ja, std::string en) {
  std::string code = scard_name(rv);
  return ReaderProblem{fault, code, Text{ja + "（" + code + "）", en + " (" + code + ")"}};
}

ReaderProblem context_problem(LONG rv) {
  if (is(rv, SCARD_E_NO_SERVICE) || is(rv, SCARD_E_SERVICE_STOPPED))
    return problem(ReaderFault::NoService, rv, "PC/SCサービス（pcscd、スマートカードサービス）が動いていません",
                   "the PC/SC service (pcscd, Smart Card service) is not running");
  return problem(ReaderFault::Other, rv, "PC/SCサービスに接続できません", "cannot reach the PC/SC service");
}

std::string joined(const std::vector<std::string>& names, const char* sep) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? sep : "") + ("\"" + names[i] + "\"");
  return out;
}

// The problem with a card that did not answer (a failed SCardTransmit, or an
// answer without a status word, which some readers give when the card leaves
// the field): pulled out or reset (001 / 0x03000002) when the reader says so,
// or when it shows the slot empty within a second (the failure is often
// reported before the reader has polled the slot again), else a fault of the
// exchange itself.
ReaderProblem card_problem(SCARDCONTEXT ctx, const std::string& reader, LONG rv) {
  if (is(rv, SCARD_W_REMOVED_CARD) || is(rv, SCARD_W_RESET_CARD) || is(rv, SCARD_E_NO_SMARTCARD))
    return problem(ReaderFault::Removed, rv, "読み取りの途中でカードが取り出されたか、リセットされました",
                   "the card was taken out or reset during the read");
  const bool no_status_word = rv == SCARD_S_SUCCESS;
  ReaderStateA st{};
  st.szReader = reader.c_str();
  st.dwCurrentState = SCARD_STATE_UNAWARE;
  auto deadline = Clock::now() + std::chrono::seconds(1);
  LONG s = CAORA_SCARD_A(SCardGetStatusChange)(ctx, 0, &st, 1);
  while (s == SCARD_S_SUCCESS && !(st.dwEventState & SCARD_STATE_EMPTY) && Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    st.dwCurrentState = st.dwEventState & ~SCARD_STATE_CHANGED;
    s = CAORA_SCARD_A(SCardGetStatusChange)(ctx, static_cast<DWORD>(left > 0 ? left : 0), &st, 1);
  }
  if (s == SCARD_S_SUCCESS && (st.dwEventState & SCARD_STATE_EMPTY)) {
    if (no_status_word)
      return ReaderProblem{ReaderFault::Removed, "SCARD_STATE_EMPTY",
                           Text{"読み取りの途中でカードが取り出されました（応答なし、その後スロットが空）",
                                "the card was taken out during the read (no answer, then the slot was empty)"}};
    return problem(ReaderFault::Removed, rv, "読み取りの途中でカードが取り出されました",
                   "the card was taken out during the read");
  }
  if (no_status_word)
    return ReaderProblem{ReaderFault::Other, "", Text{"カードの応答にステータスワードがありません",
                                                      "the card's answer has no status word"}};
  return problem(ReaderFault::Other, rv, "カードとのやり取りに失敗しました", "the exchange with the card failed");
}

class PcscCardChannel : public ReaderChannel {
 public:
  PcscCardChannel(SCARDCONTEXT ctx, SCARDHANDLE card, DWORD protocol, std::string reader, std::string atr)
      : ctx_(ctx), card_(card), protocol_(protocol), reader_(std::move(reader)), atr_(std::move(atr)) {}

  ~PcscCardChannel() override {
    SCardEndTransaction(card_, SCARD_LEAVE_CARD);
    // A reset drops the card's security state, so a verified number does not
    // stay open for whatever talks to the card next.
    SCardDisconnect(card_, SCARD_RESET_CARD);
    SCardReleaseContext(ctx_);
  }

  const ReaderProblem& problem() const override { return problem_; }
  std::string atr() const override { return atr_; }

  Expected<std::string> transmit(const std::string& apdu) override {
    auto r = exchange(apdu);
    // T=0 cards answer a command that returns data with 61xx (xx bytes are
    // waiting: GET RESPONSE) or 6Cxx (ask again with Le = xx).
    std::string data;
    for (int rounds = 0; r && r->size() >= 2 && rounds < 64; ++rounds) {
      unsigned char sw1 = static_cast<unsigned char>((*r)[r->size() - 2]);
      unsigned char sw2 = static_cast<unsigned char>((*r)[r->size() - 1]);
      if (sw1 == 0x61) {
        data += r->substr(0, r->size() - 2);
        r = exchange(std::string("\x00\xC0\x00\x00", 4) + static_cast<char>(sw2));
      } else if (sw1 == 0x6C && apdu.size() >= 5) {
        r = exchange(apdu.substr(0, apdu.size() - 1) + static_cast<char>(sw2));
      } else {
        break;
      }
    }
    if (!r) return r;
    return data + *r;
  }

 private:
  Expected<std::string> exchange(const std::string& apdu) {
    std::string buf(65536 + 2, '\0');
    DWORD len = static_cast<DWORD>(buf.size());
    const SCARD_IO_REQUEST* pci = protocol_ == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    LONG rv = SCardTransmit(card_, pci, reinterpret_cast<const BYTE*>(apdu.data()), static_cast<DWORD>(apdu.size()),
                            nullptr, reinterpret_cast<BYTE*>(&buf[0]), &len);
    if (rv != SCARD_S_SUCCESS || len < 2) {
      problem_ = card_problem(ctx_, reader_, rv);
      return Error{ErrorKind::Io, problem_.message};
    }
    buf.resize(len);
    return buf;
  }

  SCARDCONTEXT ctx_;
  SCARDHANDLE card_;
  DWORD protocol_;
  std::string reader_;
  std::string atr_;
  ReaderProblem problem_;
};

// Owns a context until a channel takes it over.
struct ContextGuard {
  SCARDCONTEXT ctx = 0;
  bool owned = false;
  ~ContextGuard() {
    if (owned) SCardReleaseContext(ctx);
  }
};

Expected<std::vector<std::string>> list_readers(SCARDCONTEXT ctx, LONG* rv_out) {
  DWORD len = 0;
  LONG rv = CAORA_SCARD_A(SCardListReaders)(ctx, nullptr, nullptr, &len);
  std::vector<std::string> out;
  if (rv == SCARD_S_SUCCESS && len > 0) {
    std::string buf(len, '\0');
    rv = CAORA_SCARD_A(SCardListReaders)(ctx, nullptr, &buf[0], &len);
    // A multi-string: names separated by NUL, ended by an empty one.
    for (size_t i = 0; rv == SCARD_S_SUCCESS && i < buf.size() && buf[i] != '\0';) {
      size_t end = buf.find('\0', i);
      if (end == std::string::npos) end = buf.size();
      out.push_back(buf.substr(i, end - i));
      i = end + 1;
    }
  }
  *rv_out = rv;
  if (is(rv, SCARD_E_NO_READERS_AVAILABLE)) return std::vector<std::string>{};
  if (rv != SCARD_S_SUCCESS) return make_error(ErrorKind::Io, "", "");
  return out;
}

bool card_present_now(SCARDCONTEXT ctx, const std::string& reader) {
  ReaderStateA st{};
  st.szReader = reader.c_str();
  st.dwCurrentState = SCARD_STATE_UNAWARE;
  return CAORA_SCARD_A(SCardGetStatusChange)(ctx, 0, &st, 1) == SCARD_S_SUCCESS && (st.dwEventState & SCARD_STATE_PRESENT);
}

}  // namespace

std::vector<std::string> matching_readers(const std::vector<std::string>& readers, const std::string& wanted) {
  std::string w = lower(wanted);
  if (w.empty()) return {};
  for (const auto& r : readers)
    if (lower(r) == w) return {r};
  std::vector<std::string> out;
  for (const auto& r : readers)
    if (lower(r).compare(0, w.size(), w) == 0) out.push_back(r);
  return out;
}

ReaderConnection connect_reader(const std::string& wanted, std::chrono::milliseconds wait) {
  ReaderConnection out;
  ContextGuard guard;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &guard.ctx);
  if (rv != SCARD_S_SUCCESS) {
    out.problem = context_problem(rv);
    return out;
  }
  guard.owned = true;
  SCARDCONTEXT ctx = guard.ctx;

  auto readers = list_readers(ctx, &rv);
  if (!readers) {
    out.problem = is(rv, SCARD_E_NO_SERVICE) || is(rv, SCARD_E_SERVICE_STOPPED)
                      ? context_problem(rv)
                      : problem(ReaderFault::Other, rv, "リーダライタの一覧を読めません", "cannot list the readers");
    return out;
  }
  auto found = matching_readers(*readers, wanted);
  if (found.size() > 1) {
    // The slots of one reader share its name up to the slot number; the one
    // holding a card is the one meant.
    std::vector<std::string> with_card;
    for (const auto& f : found)
      if (card_present_now(ctx, f)) with_card.push_back(f);
    if (with_card.size() == 1) found = with_card;
  }
  if (found.size() != 1) {
    std::string seen_ja = readers->empty() ? "リーダライタは1台も見えません" : "見えるリーダライタ: " + joined(*readers, "、");
    std::string seen_en = readers->empty() ? "no reader is connected" : "readers seen: " + joined(*readers, ", ");
    if (found.empty())
      out.problem = problem(ReaderFault::NoReader, readers->empty() ? SCARD_E_NO_READERS_AVAILABLE : SCARD_E_UNKNOWN_READER,
                            "リーダライタ \"" + wanted + "\" が見つかりません。" + seen_ja,
                            "no reader named \"" + wanted + "\"; " + seen_en);
    else
      out.problem = problem(ReaderFault::NoReader, SCARD_E_UNKNOWN_READER,
                            "\"" + wanted + "\" に合うリーダライタが複数あります: " + joined(found, "、") + "。名前をすべて指定してください",
                            "\"" + wanted + "\" matches several readers: " + joined(found, ", ") + "; give the whole name");
    return out;
  }
  const std::string name = found[0];
  out.reader = name;

  // Wait, bounded, for a card: a technician may put it in just after starting.
  ReaderStateA st{};
  st.szReader = name.c_str();
  st.dwCurrentState = SCARD_STATE_UNAWARE;
  rv = CAORA_SCARD_A(SCardGetStatusChange)(ctx, 0, &st, 1);
  auto deadline = Clock::now() + wait;
  while (rv == SCARD_S_SUCCESS && !(st.dwEventState & SCARD_STATE_PRESENT) && Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    st.dwCurrentState = st.dwEventState & ~SCARD_STATE_CHANGED;
    rv = CAORA_SCARD_A(SCardGetStatusChange)(ctx, static_cast<DWORD>(left > 0 ? left : 0), &st, 1);
    if (is(rv, SCARD_E_TIMEOUT)) rv = SCARD_S_SUCCESS;
  }
  if (is(rv, SCARD_E_UNKNOWN_READER) || is(rv, SCARD_E_READER_UNAVAILABLE)) {
    out.problem = problem(ReaderFault::NoReader, rv, "リーダライタ \"" + name + "\" が見えなくなりました",
                          "reader \"" + name + "\" went away");
    return out;
  }
  if (rv != SCARD_S_SUCCESS) {
    out.problem = context_problem(rv);
    return out;
  }
  if (!(st.dwEventState & SCARD_STATE_PRESENT)) {
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.1f", wait.count() / 1000.0);
    out.problem = problem(ReaderFault::NoCard, SCARD_E_NO_SMARTCARD,
                          "リーダライタ \"" + name + "\" にカードがありません（" + secs + " 秒待ちました）",
                          "no card in reader \"" + name + "\" (waited " + secs + " s)");
    return out;
  }
  std::string atr(reinterpret_cast<const char*>(st.rgbAtr), st.cbAtr <= sizeof st.rgbAtr ? st.cbAtr : 0);

  SCARDHANDLE card = 0;
  DWORD protocol = 0;
  rv = CAORA_SCARD_A(SCardConnect)(ctx, name.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card,
                                   &protocol);
  if (rv == SCARD_S_SUCCESS) {
    // Inside a transaction nobody else's commands come between ours (another
    // program selecting its own application would undo our SELECT).
    rv = SCardBeginTransaction(card);
    if (rv != SCARD_S_SUCCESS) SCardDisconnect(card, SCARD_LEAVE_CARD);
  }
  if (rv != SCARD_S_SUCCESS) {
    if (is(rv, SCARD_E_SHARING_VIOLATION))
      out.problem = problem(ReaderFault::SharingViolation, rv,
                            "別のプログラムがリーダライタ \"" + name + "\" を占有しています。カードを使う他のプログラムを終了してください",
                            "another program holds reader \"" + name + "\" exclusively; close the other programs "
                            "that use the card");
    else if (is(rv, SCARD_E_NO_SMARTCARD) || is(rv, SCARD_W_REMOVED_CARD))
      out.problem = problem(ReaderFault::NoCard, rv, "リーダライタ \"" + name + "\" にカードがありません",
                            "no card in reader \"" + name + "\"");
    else if (is(rv, SCARD_E_UNKNOWN_READER) || is(rv, SCARD_E_READER_UNAVAILABLE))
      out.problem = problem(ReaderFault::NoReader, rv, "リーダライタ \"" + name + "\" が見えなくなりました",
                            "reader \"" + name + "\" went away");
    else
      out.problem = problem(ReaderFault::Other, rv, "カードに接続できません（カードが応答しない、または My Number Card ではない）",
                            "cannot connect to the card (it does not answer, or it is not a My Number Card)");
    return out;
  }
  guard.owned = false;
  out.channel = std::make_unique<PcscCardChannel>(ctx, card, protocol, name, std::move(atr));
  return out;
}

}  // namespace caora::pcsc
