#include "host/install_root/startup_bat.h"

#include <cctype>

#include "core/strings.h"

namespace caora {

static bool iequal_at(const std::string& s, size_t pos, const std::string& word) {
  if (pos + word.size() > s.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(s[pos + i])) != std::toupper(static_cast<unsigned char>(word[i])))
      return false;
  return true;
}

Expected<StartupBat> parse_startup_bat(const std::string& bytes, const std::string& variable) {
  auto enc = detect_encoding(bytes);
  if (!enc) return enc.error();
  StartupBat bat{bytes, *enc, {}};
  std::vector<bool> starts = char_starts(bytes, *enc);
  size_t pos = bat.encoding == TextEncoding::Utf8Bom ? 3 : 0;
  size_t line_no = 0;
  while (pos <= bytes.size()) {
    size_t end = bytes.find('\n', pos);
    if (end == std::string::npos) end = bytes.size();
    ++line_no;
    size_t i = pos;
    auto skip_blank = [&] {
      while (i < end && (bytes[i] == ' ' || bytes[i] == '\t')) ++i;
    };
    skip_blank();
    if (i < end && bytes[i] == '@') ++i;
    if (iequal_at(bytes, i, "set") && i + 3 < end && (bytes[i + 3] == ' ' || bytes[i + 3] == '\t')) {
      i += 3;
      skip_blank();
      bool quoted = i < end && bytes[i] == '"';
      if (quoted) ++i;
      if (iequal_at(bytes, i, variable) && i + variable.size() < end && bytes[i + variable.size()] == '=' &&
          starts[i]) {
        size_t v = i + variable.size() + 1;
        size_t d = v;
        while (d < end && std::isdigit(static_cast<unsigned char>(bytes[d]))) ++d;
        size_t rest = d;
        if (quoted && rest < end && bytes[rest] == '"') ++rest;
        while (rest < end && (bytes[rest] == ' ' || bytes[rest] == '\t' || bytes[rest] == '\r')) ++rest;
        std::string where = "line " + std::to_string(line_no);
        if (d == v || rest != end)
          return make_error(ErrorKind::Parse, std::to_string(line_no) + "行目: " + variable + " の値が秒数（数字）ではありません",
                            where + ": the value of " + variable + " is not a number of seconds");
        if (d - v > 6)
          return make_error(ErrorKind::Parse, std::to_string(line_no) + "行目: " + variable + " の値が大きすぎます",
                            where + ": the value of " + variable + " is too large");
        bat.assignments.push_back({line_no, v, d - v, std::stol(bytes.substr(v, d - v))});
      }
    }
    if (end == bytes.size()) break;
    pos = end + 1;
  }
  if (bat.assignments.empty())
    return make_error(ErrorKind::Parse, "set " + variable + "=<秒数> の行がありません",
                      "no 'set " + variable + "=<seconds>' line found");
  return bat;
}

std::string startup_bat_with_seconds(const StartupBat& bat, long seconds) {
  std::string out;
  std::string digits = std::to_string(seconds);
  size_t copied = 0;
  for (const auto& a : bat.assignments) {
    out.append(bat.bytes, copied, a.value_offset - copied);
    out.append(digits);
    copied = a.value_offset + a.value_length;
  }
  out.append(bat.bytes, copied, std::string::npos);
  return out;
}

}  // namespace caora
