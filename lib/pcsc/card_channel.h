// A card in a PC/SC reader as a CardChannel: pcsc-lite (pcscd) on Linux,
// winscard.dll on Windows (the same API; the A variants, no SCARD_AUTOALLOCATE).
// Connecting waits a bounded time for a card, and every failure is named as a
// ReaderFault so the chip stage can give the vendor's 906 / 001 codes.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "card/reader_channel.h"

namespace caora::pcsc {

// How long connect_reader() waits for a card to be put in.
constexpr std::chrono::milliseconds kCardWait{3000};

// The readers `wanted` names: the one with exactly that name, else every one
// whose name starts with it (pcsc-lite adds " 00 00" to a reader's name and
// people leave it off), compared without case.
std::vector<std::string> matching_readers(const std::vector<std::string>& readers, const std::string& wanted);

// Connects to the card in `reader` (shared, T=0 or T=1) inside a transaction,
// waiting up to `wait` for a card. PCSCLITE_CSOCK_NAME picks another pcscd.
ReaderConnection connect_reader(const std::string& reader, std::chrono::milliseconds wait = kCardWait);

}  // namespace caora::pcsc
