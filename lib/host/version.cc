#include "host/version.h"

#include <algorithm>
#include <cctype>

namespace caora {

Expected<Version> Version::parse(const std::string& raw) {
  auto bad = [&](const std::string& why_ja, const std::string& why_en) {
    return make_error(ErrorKind::Parse, "バージョン「" + raw + "」を解釈できません: " + why_ja,
                      "cannot parse version '" + raw + "': " + why_en);
  };
  std::string text;
  for (char c : raw)
    if (!std::isspace(static_cast<unsigned char>(c))) text.push_back(c);
  // A leading "v" (v1.6.0.0) is how people write it in prose.
  if (text.size() > 1 && (text[0] == 'v' || text[0] == 'V') && std::isdigit(static_cast<unsigned char>(text[1])))
    text.erase(0, 1);
  if (text.empty()) return bad("空です", "empty");
  if (text.size() > 64) return bad("長すぎます", "too long");
  Version v;
  v.text_ = text;
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = text[i];
    if (c == '.' || c == '_' || c == '-') { ++i; continue; }
    if (std::isdigit(c)) {
      size_t j = i;
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
      if (j - i > 9) return bad("数字が長すぎます", "number too long");
      v.tokens_.emplace_back(std::stoull(text.substr(i, j - i)));
      i = j;
    } else if (std::isalpha(c)) {
      size_t j = i;
      while (j < text.size() && std::isalpha(static_cast<unsigned char>(text[j]))) ++j;
      std::string word = text.substr(i, j - i);
      for (char& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      v.tokens_.emplace_back(word);
      i = j;
    } else {
      return bad("使えない文字があります", "unexpected character");
    }
  }
  if (v.tokens_.empty()) return bad("数字も文字もありません", "no digits or letters");
  return v;
}

std::optional<int> Version::compare(const Version& other) const {
  size_t n = std::min(tokens_.size(), other.tokens_.size());
  for (size_t i = 0; i < n; ++i) {
    const auto& a = tokens_[i];
    const auto& b = other.tokens_[i];
    if (a.index() != b.index()) return std::nullopt;
    if (a != b) return a < b ? -1 : 1;
  }
  // 1.5.3 == 1.5.3.0, but 1.5.3 < 1.5.3.1 and 2.1.0 < 2.1.0J: the longer one
  // is later unless all it adds is zeros.
  const auto& longer = tokens_.size() > other.tokens_.size() ? tokens_ : other.tokens_;
  for (size_t i = n; i < longer.size(); ++i) {
    const auto* number = std::get_if<unsigned long long>(&longer[i]);
    if (number == nullptr || *number != 0) return tokens_.size() < other.tokens_.size() ? -1 : 1;
  }
  return 0;
}

std::optional<VersionFamily> version_family_of(const std::string& component) {
  if (component == "reader-software") return VersionFamily::ReaderSoftware;
  if (component == "firmware") return VersionFamily::Firmware;
  if (component == "face-dll") return VersionFamily::FaceDll;
  return std::nullopt;
}

const char* version_family_name(VersionFamily family) {
  switch (family) {
    case VersionFamily::ReaderSoftware: return "reader-software";
    case VersionFamily::Firmware: return "firmware";
    case VersionFamily::FaceDll: return "face-dll";
  }
  return "?";
}

bool Version::fits(VersionFamily family) const {
  auto is_number = [](const auto& t) { return t.index() == 0; };
  size_t numbers = 0;
  while (numbers < tokens_.size() && is_number(tokens_[numbers])) ++numbers;
  switch (family) {
    case VersionFamily::ReaderSoftware:
      return numbers == tokens_.size() && numbers >= 2;
    case VersionFamily::Firmware:
      // CAORA_MSN_P2.11.7_A16.5.4: the product word, then at least one number.
      return !tokens_.empty() && !is_number(tokens_[0]) && std::get<std::string>(tokens_[0]) == "CAORA" &&
             std::any_of(tokens_.begin(), tokens_.end(), is_number);
    case VersionFamily::FaceDll:
      return numbers >= 2 && (numbers == tokens_.size() || numbers + 1 == tokens_.size());
  }
  return false;
}

std::optional<int> Version::compare_in(VersionFamily family, const Version& other) const {
  if (!fits(family) || !other.fits(family)) return std::nullopt;
  return compare(other);
}

}  // namespace caora
