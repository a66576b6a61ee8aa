// StartUpEnv.bat as found on a terminal: any bytes. A rewrite must change only the digits.
#include <cstdint>
#include <string>

#include "host/install_root/startup_bat.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  auto bat = caora::parse_startup_bat(bytes);
  if (!bat.ok()) return 0;
  std::string out = caora::startup_bat_with_seconds(*bat, 123);
  auto again = caora::parse_startup_bat(out);
  if (!again.ok() || again->seconds() != 123 || again->assignments.size() != bat->assignments.size()) __builtin_trap();
  if (again->encoding != bat->encoding && bat->encoding != caora::TextEncoding::Ascii) __builtin_trap();
  // Outside the digits, the bytes are the same.
  size_t removed = 0, added = 0;
  for (const auto& a : bat->assignments) removed += a.value_length, added += 3;
  if (out.size() != bytes.size() - removed + added) __builtin_trap();
  return 0;
}
