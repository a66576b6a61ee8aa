#include <cstdint>
#include <string>

#include "host/install_root/unit_ini.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto ini = caora::parse_unit_ini(std::string(reinterpret_cast<const char*>(data), size));
  if (ini.ok() && ini->sections.empty()) __builtin_trap();
  return 0;
}
