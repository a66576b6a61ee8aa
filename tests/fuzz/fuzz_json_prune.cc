// The pruning scanner (lib/core/json_prune) must refuse exactly what
// nlohmann refuses, and what it keeps must be what nlohmann would build.
#include <cstdint>
#include <string_view>

#include "core/json_prune.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // nlohmann takes a NUL byte for the end of the text (what follows is never
  // read); the scanner refuses it. Only texts without one are compared.
  bool comparable = text.find('\0') == std::string_view::npos;
  bool valid = comparable && nlohmann::json::accept(text);
  // Three rules: keep everything, skip everything below the top, and a mix
  // (members whose key starts with a vowel kept whole, the rest descended).
  auto keep_all = [](const std::vector<std::string>&) { return caora::Prune::Keep; };
  auto skip_all = [](const std::vector<std::string>&) { return caora::Prune::Skip; };
  auto mixed = [](const std::vector<std::string>& p) {
    const std::string& k = p.back();
    if (k == "[]") return caora::Prune::Descend;
    return !k.empty() && std::string_view("aeiou").find(k[0]) != std::string_view::npos ? caora::Prune::Keep : caora::Prune::Descend;
  };
  for (int rule = 0; rule < 3; ++rule) {
    auto r = rule == 0 ? caora::parse_json_pruned(text, keep_all)
                       : caora::parse_json_pruned(text, rule == 1 ? caora::PruneRule(skip_all) : caora::PruneRule(mixed));
    // A document nested past the descend limit is refused by design.
    if (rule == 2 && !r.ok() && valid) continue;
    if (comparable ? r.ok() != valid : r.ok()) __builtin_trap();
    if (!r.ok() && (r.error().message.ja.empty() || r.error().message.en.empty())) __builtin_trap();
    if (rule == 0 && r.ok() && r.value() != nlohmann::json::parse(text)) __builtin_trap();
  }
  return 0;
}
