// Versions from files on the terminal; ordering must be a consistent order.
#include <cstdint>
#include <string>

#include "host/version.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  size_t cut = s.find('\n');
  auto a = caora::Version::parse(s.substr(0, cut));
  if (!a.ok()) return 0;
  auto self = a->compare(*a);
  if (!self || *self != 0) __builtin_trap();
  if (cut == std::string::npos) return 0;
  auto b = caora::Version::parse(s.substr(cut + 1));
  if (!b.ok()) return 0;
  auto ab = a->compare(*b), ba = b->compare(*a);
  if (ab.has_value() != ba.has_value()) __builtin_trap();
  if (ab && *ab != -*ba) __builtin_trap();
  return 0;
}
