#include "core/encoding.h"

namespace caora {

const char* encoding_name(TextEncoding enc) {
  switch (enc) {
    case TextEncoding::Ascii: return "ascii";
    case TextEncoding::Utf8: return "utf-8";
    case TextEncoding::Utf8Bom: return "utf-8-bom";
    case TextEncoding::Cp932: return "cp932";
  }
  return "?";
}

size_t first_invalid_utf8(const std::string& s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = s[i];
    size_t len;
    unsigned min;
    if (c < 0x80) { ++i; continue; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; min = 0x10000; }
    else return i;
    if (i + len > n) return i;
    unsigned cp = c & (0xFF >> (len + 1));
    for (size_t k = 1; k < len; ++k) {
      unsigned char t = s[i + k];
      if ((t & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (t & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string::npos;
}

static bool cp932_lead(unsigned char c) { return (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC); }
static bool cp932_trail(unsigned char c) { return c >= 0x40 && c <= 0xFC && c != 0x7F; }

size_t first_invalid_cp932(const std::string& s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80 || (c >= 0xA1 && c <= 0xDF)) { ++i; continue; }
    if (!cp932_lead(c) || i + 1 >= n || !cp932_trail(static_cast<unsigned char>(s[i + 1]))) return i;
    i += 2;
  }
  return std::string::npos;
}

Expected<TextEncoding> detect_encoding(const std::string& s) {
  if (s.size() >= 3 && s.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    size_t bad = first_invalid_utf8(s.substr(3));
    if (bad == std::string::npos) return TextEncoding::Utf8Bom;
    return make_error(ErrorKind::Encoding, "UTF-8(BOM付き)として読めないバイトがあります（位置 " + std::to_string(bad + 3) + "）",
                      "file has a UTF-8 BOM but an invalid byte at offset " + std::to_string(bad + 3));
  }
  bool ascii = true;
  for (unsigned char c : s)
    if (c >= 0x80) { ascii = false; break; }
  if (ascii) return TextEncoding::Ascii;
  if (first_invalid_utf8(s) == std::string::npos) return TextEncoding::Utf8;
  size_t bad = first_invalid_cp932(s);
  if (bad == std::string::npos) return TextEncoding::Cp932;
  return make_error(ErrorKind::Encoding,
                    "UTF-8 としても Shift_JIS(CP932) としても読めないバイトがあります（位置 " + std::to_string(bad) + "）",
                    "text is neither UTF-8 nor Shift_JIS (CP932): bad byte at offset " + std::to_string(bad));
}

std::vector<bool> char_starts(const std::string& s, TextEncoding enc) {
  std::vector<bool> starts(s.size(), false);
  size_t i = 0;
  while (i < s.size()) {
    starts[i] = true;
    unsigned char c = s[i];
    size_t len = 1;
    if (enc == TextEncoding::Cp932) {
      if (cp932_lead(c) && i + 1 < s.size()) len = 2;
    } else if (c >= 0xC0) {
      len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    }
    i += len;
  }
  return starts;
}

}  // namespace caora
