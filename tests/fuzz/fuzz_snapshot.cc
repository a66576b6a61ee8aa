// Snapshots arrive from other terminals (--site FILE).
#include <cstdint>
#include <string>

#include <spdlog/spdlog.h>

#include "host/recorded/recorded_host.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = (spdlog::set_level(spdlog::level::off), true);
  (void)quiet;
  auto host = caora::RecordedHost::parse(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
  if (host.ok()) (void)host->probe_count();
  return 0;
}
