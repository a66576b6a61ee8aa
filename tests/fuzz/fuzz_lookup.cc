// The lookup normaliser and resolver take anything a person types.
#include <cstdint>
#include <string>

#include "diag/lookup.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static caora::RecipeSet set = caora::RecipeSet::embedded().value();
  std::string input(reinterpret_cast<const char*>(data), size);
  caora::NormalisedQuery q = caora::normalise_query(input);
  if (q.detail && q.detail->empty()) __builtin_trap();
  caora::LookupResult r = caora::lookup(set, input);
  if (r.kind == caora::LookupResult::Kind::Exact && r.recipe == nullptr) __builtin_trap();
  return 0;
}
