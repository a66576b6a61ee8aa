#include "pcsc/pcsc.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#ifdef _WIN32
#include <windows.h>  // winscard.h needs its types
#endif
#include <winscard.h>

namespace caora::pcsc {

ReaderSplit classify_readers(const std::vector<std::string>& readers, const usb::UnitTable& table) {
  ReaderSplit split;
  for (const auto& r : readers) {
    bool unit = false;
    for (const auto& needle : table.reader_name_contains) unit = unit || usb::contains_nocase(r, needle);
    (unit ? split.units : split.foreign).push_back(r);
  }
  return split;
}

const char* hold_name(Hold hold) {
  switch (hold) {
    case Hold::Free: return "free";
    case Hold::Exclusive: return "exclusive";
    case Hold::NoCard: return "no card";
    case Hold::Unknown: break;
  }
  return "unknown";
}

namespace {

std::string code_name(LONG rv) {
  switch (rv) {
    case SCARD_S_SUCCESS: return "SCARD_S_SUCCESS";
    case SCARD_E_NO_SERVICE: return "SCARD_E_NO_SERVICE";
    case SCARD_E_SERVICE_STOPPED: return "SCARD_E_SERVICE_STOPPED";
    case SCARD_E_NO_READERS_AVAILABLE: return "SCARD_E_NO_READERS_AVAILABLE";
    case SCARD_E_SHARING_VIOLATION: return "SCARD_E_SHARING_VIOLATION";
    case SCARD_E_NO_SMARTCARD: return "SCARD_E_NO_SMARTCARD";
    case SCARD_W_REMOVED_CARD: return "SCARD_W_REMOVED_CARD";
    case SCARD_W_UNPOWERED_CARD: return "SCARD_W_UNPOWERED_CARD";
    case SCARD_W_UNRESPONSIVE_CARD: return "SCARD_W_UNRESPONSIVE_CARD";
    case SCARD_E_UNKNOWN_READER: return "SCARD_E_UNKNOWN_READER";
    case SCARD_E_READER_UNAVAILABLE: return "SCARD_E_READER_UNAVAILABLE";
    case SCARD_E_PROTO_MISMATCH: return "SCARD_E_PROTO_MISMATCH";
    case SCARD_E_TIMEOUT: return "SCARD_E_TIMEOUT";
    case SCARD_F_COMM_ERROR: return "SCARD_F_COMM_ERROR";
    case SCARD_E_NO_ACCESS: return "SCARD_E_NO_ACCESS";
    default: break;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%08lX", static_cast<unsigned long>(rv));
  return buf;
}

// pcsc-lite makes SCardConnect wait, without a limit, while another process
// is inside a transaction on the reader; the probe gives up after this long.
constexpr auto kConnectTimeout = std::chrono::seconds(3);

class PcscLite : public PcscSource {
 public:
#ifdef _WIN32
  std::string name() const override { return "winscard"; }
#else
  std::string name() const override { return "pcsc-lite"; }
#endif

  Expected<std::vector<std::string>> readers() override {
    SCARDCONTEXT ctx = 0;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
    if (rv != SCARD_S_SUCCESS) return unavailable(rv);
    DWORD len = 0;
    rv = SCardListReaders(ctx, nullptr, nullptr, &len);
    std::vector<std::string> out;
    if (rv == SCARD_S_SUCCESS && len > 0) {
      std::string buf(len, '\0');
      rv = SCardListReaders(ctx, nullptr, &buf[0], &len);
      // A multi-string: names separated by NUL, ended by an empty one.
      for (size_t i = 0; rv == SCARD_S_SUCCESS && i < buf.size() && buf[i] != '\0';) {
        size_t end = buf.find('\0', i);
        out.push_back(buf.substr(i, end - i));
        i = end + 1;
      }
    }
    SCardReleaseContext(ctx);
    if (rv == SCARD_E_NO_READERS_AVAILABLE) return std::vector<std::string>{};
    if (rv != SCARD_S_SUCCESS) return unavailable(rv);
    return out;
  }

  HoldCheck check_hold(const std::string& reader) override {
    // The connect runs on its own thread so a reader stuck in another
    // process's transaction cannot hang the probe; the thread keeps the
    // shared state alive and cleans up whenever it finishes.
    struct State {
      std::mutex m;
      std::condition_variable cv;
      bool done = false;
      HoldCheck result;
    };
    auto state = std::make_shared<State>();
    std::thread([state, reader] {
      HoldCheck r = connect_shared(reader);
      std::lock_guard<std::mutex> lock(state->m);
      state->result = r;
      state->done = true;
      state->cv.notify_all();
    }).detach();
    std::unique_lock<std::mutex> lock(state->m);
    if (!state->cv.wait_for(lock, kConnectTimeout, [&] { return state->done; }))
      return {Hold::Unknown, "SCardConnect(SCARD_SHARE_SHARED): no answer within 3 s (another process is in a transaction?)"};
    return state->result;
  }

 private:
  static Error unavailable(LONG rv) {
    std::string code = code_name(rv);
    if (rv == SCARD_E_NO_SERVICE || rv == SCARD_E_SERVICE_STOPPED)
#ifdef _WIN32
      return make_error(ErrorKind::Unsupported, "スマートカードサービス（SCardSvr）が動いていません（" + code + "）",
                        "the Smart Card service (SCardSvr) is not running (" + code + ")");
#else
      return make_error(ErrorKind::Unsupported, "PC/SCサービス（pcscd）が動いていません（" + code + "）",
                        "the PC/SC service (pcscd) is not running (" + code + ")");
#endif
    return make_error(ErrorKind::Io, "PC/SCを読めません（" + code + "）", "PC/SC cannot be read (" + code + ")");
  }

  static HoldCheck connect_shared(const std::string& reader) {
    SCARDCONTEXT ctx = 0;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &ctx);
    if (rv != SCARD_S_SUCCESS) return {Hold::Unknown, "SCardEstablishContext: " + code_name(rv)};
    SCARDHANDLE card = 0;
    DWORD protocol = 0;
    rv = SCardConnect(ctx, reader.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &protocol);
    HoldCheck r;
    r.detail = "SCardConnect(SCARD_SHARE_SHARED) on " + reader + ": " + code_name(rv);
    switch (rv) {
      case SCARD_S_SUCCESS:
        r.hold = Hold::Free;
        SCardDisconnect(card, SCARD_LEAVE_CARD);
        break;
      case SCARD_E_SHARING_VIOLATION: r.hold = Hold::Exclusive; break;
      // No card (or one that does not answer): pcsc-lite checks the sharing
      // before the card, so an exclusive holder would have shown as a
      // sharing violation; and an exclusive connection needs a card.
      case SCARD_E_NO_SMARTCARD:
      case SCARD_W_REMOVED_CARD:
        r.hold = Hold::NoCard;
        break;
      default: r.hold = Hold::Unknown; break;
    }
    SCardReleaseContext(ctx);
    return r;
  }
};

}  // namespace

std::unique_ptr<PcscSource> make_pcsclite_source() { return std::make_unique<PcscLite>(); }

}  // namespace caora::pcsc
