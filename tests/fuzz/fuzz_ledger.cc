#include <cstdint>
#include <string>

#include "workflows/registration.h"

// The desk's registration ledger (CSV). A parsed ledger must survive the
// writer: every row written back parses to the same fields.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto rows = caora::parse_ledger(std::string(reinterpret_cast<const char*>(data), size), "fuzz.csv");
  if (!rows) return 0;
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
