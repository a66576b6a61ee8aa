// Text for people, always in both languages; the language is picked at output.
#pragma once

#include <string>

namespace caora {

enum class Lang { Ja, En };

struct Text {
  std::string ja;
  std::string en;
  const std::string& in(Lang lang) const { return lang == Lang::Ja ? ja : en; }
};

// Japanese on a Japanese locale (LC_ALL, LC_MESSAGES, LANG in that order), else English.
Lang lang_from_environment();
// "ja" / "en"; anything else is a usage error reported by the caller.
bool parse_lang(const std::string& name, Lang* out);

}  // namespace caora
