#include <cstdint>
#include <string>

#include "workflows/registration.h"

// The desk's registration ledger (CSV). A parsed ledger must survive the
// writer: every row written back parses to the same fields; and a row added by
// `register add` leaves the bytes before it alone and parses as one more row.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  auto rows = caora::parse_ledger(input, "fuzz.csv");
  if (!rows) return 0;
  caora::Registration added{"F0000999", "受付,\"2\"", "2113001", caora::RegEnv::Production, "2026-12-04T08:00:00+00:00", ""};
  std::string grown = caora::ledger_with_row(input, added);
  if (grown.compare(0, input.size(), input) != 0) __builtin_trap();
  auto more = caora::parse_ledger(grown, "grown.csv");
  if (!more || more->size() != rows->size() + 1 || more->back().reader != added.reader ||
      more->back().env != added.env)
    __builtin_trap();
  std::string again = std::string(caora::kLedgerHeader) + "\r\n";
  for (const auto& r : *rows) again += caora::ledger_row(r);
  auto back = caora::parse_ledger(again, "again.csv");
  if (!back || back->size() != rows->size()) __builtin_trap();
  for (size_t i = 0; i < rows->size(); ++i) {
    const auto &a = (*rows)[i], &b = (*back)[i];
    if (a.account != b.account || a.reader != b.reader || a.serial != b.serial || a.env != b.env ||
        a.registered_at != b.registered_at)
      __builtin_trap();
  }
  return 0;
}
