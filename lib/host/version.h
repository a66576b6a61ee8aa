// Versions as the vendor writes them: reader software "1.5.3.0", firmware
// "CAORA_MSN_P2.11.7_A16.5.4", face-auth DLL "2.1.0J". A version is a run of
// number and word tokens; separators (. _ -) only split tokens. Two versions
// compare token by token (numbers numerically, words as text); versions whose
// token kinds differ at some position are of different families and do not
// compare.
//
// A component's versions also have a family, by shape: the reader software's
// are numbers only, the firmware's start with the word CAORA, the face-auth
// DLL's are numbers with at most one word after them. compare_in() compares
// two versions only when both are of the component's family, so "1.6.0.0" is
// never weighed against a firmware string that happens to tokenise alike.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"

namespace caora {

enum class VersionFamily { ReaderSoftware, Firmware, FaceDll };

// "reader-software", "firmware", "face-dll" (the manifest's component names).
std::optional<VersionFamily> version_family_of(const std::string& component);
const char* version_family_name(VersionFamily family);

class Version {
 public:
  static Expected<Version> parse(const std::string& text);
  const std::string& text() const { return text_; }
  // <0, 0, >0; nullopt when the two are of different families.
  std::optional<int> compare(const Version& other) const;
  bool fits(VersionFamily family) const;
  // compare(), and nullopt unless both fit `family`.
  std::optional<int> compare_in(VersionFamily family, const Version& other) const;

 private:
  std::string text_;
  std::vector<std::variant<unsigned long long, std::string>> tokens_;
};

}  // namespace caora
