// Recipe files come from --recipes DIR as well as from the build.
#include <cstdint>
#include <string>

#include "diag/recipe.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = caora::parse_recipe(std::string(reinterpret_cast<const char*>(data), size), "fuzz.json");
  if (!r.ok() && r.error().message.en.empty()) __builtin_trap();
  return 0;
}
