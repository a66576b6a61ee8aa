// The discharge guide's state file (state folder), which another shell or an
// interrupted run may have left in any shape.
#include <cstdint>
#include <string>

#include "workflows/discharge.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto s = caora::parse_discharge_state(text, "discharge-guide.json");
  if (s.ok()) {
    // A state that is read is within the steps, and is written back and read again the same.
    if (s->step > caora::discharge_steps().size()) __builtin_trap();
    auto again = caora::parse_discharge_state(caora::discharge_state_json(*s).dump(), "discharge-guide.json");
    if (!again.ok() || again->step != s->step || again->serial != s->serial || again->run_id != s->run_id) __builtin_trap();
  }
  return 0;
}
