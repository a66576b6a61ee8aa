// PC/SC readers: which are Caora units (by reader name, data/units.json),
// which are other vendors' readers, and whether another process holds a
// unit's reader exclusively (error 906 / 0x03000006). The source is an
// interface so the logic is tested without a PC/SC service, and Windows can
// bring its own (winscard.dll has the same API).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "usb/usb.h"

namespace caora::pcsc {

enum class Hold {
  Free,       // connected in shared mode: nobody holds it exclusively
  Exclusive,  // SCARD_E_SHARING_VIOLATION: another process holds it exclusively
  NoCard,     // no card in the reader; nobody can hold a reader without a card exclusively
  Unknown,    // anything else (reader gone, service error, busy past the timeout)
};

struct HoldCheck {
  Hold hold = Hold::Unknown;
  std::string detail;  // "SCardConnect(SCARD_SHARE_SHARED): SCARD_E_SHARING_VIOLATION"
};

class PcscSource {
 public:
  virtual ~PcscSource() = default;
  virtual std::string name() const = 0;
  // The reader names; an error (with its reason) when PC/SC cannot be reached,
  // e.g. pcscd not running. No reader is an empty list, not an error.
  virtual Expected<std::vector<std::string>> readers() = 0;
  virtual HoldCheck check_hold(const std::string& reader) = 0;
};

// pcsc-lite (pcscd) on Linux. PCSCLITE_CSOCK_NAME picks another pcscd socket.
std::unique_ptr<PcscSource> make_pcsclite_source();

struct ReaderSplit {
  std::vector<std::string> units;    // readers of Caora units
  std::vector<std::string> foreign;  // every other reader
};
ReaderSplit classify_readers(const std::vector<std::string>& readers, const usb::UnitTable& table);

const char* hold_name(Hold hold);

}  // namespace caora::pcsc
