// The reader side of the chip stage: a card in a reader as a CardChannel, and
// what became of the reader or the card when an exchange failed, in the terms
// the vendor's codes distinguish. lib/pcsc implements it over PC/SC; the chip
// stage (chip_stage.h) and its tests use it without knowing PC/SC.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "card/confirmation_ap.h"
#include "core/text.h"

namespace caora {

// What the reader side did, in the terms the vendor's codes distinguish.
enum class ReaderFault {
  None,
  NoService,         // no PC/SC service (pcscd, SCardSvr) to ask
  NoReader,          // no reader by that name
  SharingViolation,  // another process holds the reader exclusively
  NoCard,            // no card in the reader (after waiting for one)
  Removed,           // the card was pulled out or reset while in use
  Other,
};

struct ReaderProblem {
  ReaderFault fault = ReaderFault::None;
  std::string scard;  // the PC/SC code behind it, e.g. "SCARD_E_SHARING_VIOLATION"
  Text message;
};

// A card in a reader: a CardChannel that, after a failed exchange, says what
// became of the card (pulled out is 001, not a broken card).
class ReaderChannel : public CardChannel {
 public:
  virtual const ReaderProblem& problem() const = 0;
  virtual std::string atr() const = 0;  // raw bytes
};

struct ReaderConnection {
  std::unique_ptr<ReaderChannel> channel;  // set when connected
  std::string reader;                      // the reader's full name, when one was found
  ReaderProblem problem;                   // why not, otherwise
};
using ReaderConnector = std::function<ReaderConnection(const std::string& reader)>;

}  // namespace caora
