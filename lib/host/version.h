// Versions as the vendor writes them: reader software "1.5.3.0", firmware
// "CAORA_MSN_P2.11.7_A16.5.4", face-auth DLL "2.1.0J". A version is a run of
// number and word tokens; separators (. _ -) only split tokens. Two versions
// compare token by token (numbers numerically, words as text); versions whose
// token kinds differ at some position are of different families and do not
// compare.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"

namespace caora {

class Version {
 public:
  static Expected<Version> parse(const std::string& text);
  const std::string& text() const { return text_; }
  // <0, 0, >0; nullopt when the two are of different families.
  std::optional<int> compare(const Version& other) const;

 private:
  std::string text_;
  std::vector<std::variant<unsigned long long, std::string>> tokens_;
};

}  // namespace caora
