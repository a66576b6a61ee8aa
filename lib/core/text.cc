#include "core/text.h"

#include <cstdlib>

namespace caora {

Lang lang_from_environment() {
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(var);
    if (value == nullptr || *value == '\0') continue;
    std::string locale(value);
    return locale.rfind("ja", 0) == 0 ? Lang::Ja : Lang::En;
  }
  return Lang::En;
}

bool parse_lang(const std::string& name, Lang* out) {
  if (name == "ja") { *out = Lang::Ja; return true; }
  if (name == "en") { *out = Lang::En; return true; }
  return false;
}

}  // namespace caora
