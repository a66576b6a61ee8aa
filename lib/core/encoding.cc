#include "core/encoding.h"

#include <array>
#include <cstdint>
#include <cstring>

#ifdef _WIN32
#include <windows.h>
#else
#include <iconv.h>
#endif

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

size_t ascii_run_end(std::string_view s, size_t i) {
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  for (uint64_t w; i + 8 <= s.size(); i += 8) {
    std::memcpy(&w, s.data() + i, 8);
    if (w & kHigh) break;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

size_t first_invalid_utf8(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = s[i];
    size_t len;
    unsigned min;
    if (c < 0x80) { i = ascii_run_end(s, i); continue; }
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

size_t first_invalid_cp932(std::string_view s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) { i = ascii_run_end(s, i); continue; }
    if (c >= 0xA1 && c <= 0xDF) { ++i; continue; }
    if (!cp932_lead(c) || i + 1 >= n || !cp932_trail(static_cast<unsigned char>(s[i + 1]))) return i;
    i += 2;
  }
  return std::string::npos;
}

Expected<TextEncoding> detect_encoding(const std::string& s) {
  if (s.size() >= 3 && s.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    size_t bad = first_invalid_utf8(std::string_view(s).substr(3));
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

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out.push_back(char(cp));
  } else if (cp < 0x800) {
    out.push_back(char(0xC0 | (cp >> 6)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(char(0xE0 | (cp >> 12)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (cp >> 18)));
    out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(char(0x80 | (cp & 0x3F)));
  }
}

namespace {

// Every double-byte character, converted once by the platform.
struct Cp932Table {
  std::vector<std::string> pairs = std::vector<std::string>(0x10000);
  Cp932Table() {
#ifndef _WIN32
    iconv_t cd = iconv_open("UTF-8", "CP932");
    if (cd == (iconv_t)-1) return;
#endif
    for (unsigned lead = 0x81; lead <= 0xFC; ++lead) {
      if (!cp932_lead(static_cast<unsigned char>(lead))) continue;
      for (unsigned trail = 0x40; trail <= 0xFC; ++trail) {
        if (!cp932_trail(static_cast<unsigned char>(trail))) continue;
        char in[2] = {char(lead), char(trail)};
#ifdef _WIN32
        wchar_t w[2];
        int n = MultiByteToWideChar(932, MB_ERR_INVALID_CHARS, in, 2, w, 2);
        if (n == 1) {
          std::string u;
          append_utf8(u, unsigned(w[0]));
          pairs[(lead << 8) | trail] = u;
        }
#else
        char out[8];
        char* ip = in;
        char* op = out;
        size_t il = 2, ol = sizeof out;
        iconv(cd, nullptr, nullptr, nullptr, nullptr);
        if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && il == 0)
          pairs[(lead << 8) | trail].assign(out, size_t(op - out));
#endif
      }
    }
#ifndef _WIN32
    iconv_close(cd);
#endif
  }
};

}  // namespace

std::string_view cp932_char_to_utf8(unsigned char lead, unsigned char trail) {
  static const std::array<std::string, 256> singles = [] {
    std::array<std::string, 256> a;
    for (unsigned c = 0; c < 0x80; ++c) a[c] = std::string(1, char(c));
    for (unsigned c = 0xA1; c <= 0xDF; ++c) append_utf8(a[c], 0xFF61 + (c - 0xA1));  // half-width katakana
    return a;
  }();
  if (lead < 0x80 || (lead >= 0xA1 && lead <= 0xDF)) return singles[lead];
  if (!cp932_lead(lead) || !cp932_trail(trail)) return {};
  static const Cp932Table table;
  return table.pairs[(unsigned(lead) << 8) | trail];
}

Expected<std::string> cp932_to_utf8(const std::string& bytes) {
  size_t bad = first_invalid_cp932(bytes);
  if (bad != std::string::npos)
    return make_error(ErrorKind::Encoding, "Shift_JIS（CP932）として読めません（" + std::to_string(bad) + " バイト目）",
                      "not Shift_JIS (CP932) at byte " + std::to_string(bad));
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);
  for (size_t i = 0; i < bytes.size();) {
    auto lead = static_cast<unsigned char>(bytes[i]);
    bool pair = cp932_lead(lead);  // first_invalid_cp932 has checked its trail byte is there
    std::string_view ch = cp932_char_to_utf8(lead, pair ? static_cast<unsigned char>(bytes[i + 1]) : 0);
    if (ch.empty())
      return make_error(ErrorKind::Encoding, "Shift_JIS（CP932）から変換できない文字があります（" + std::to_string(i) + " バイト目）",
                        "a character has no conversion from Shift_JIS (CP932) at byte " + std::to_string(i));
    out += ch;
    i += pair ? 2 : 1;
  }
  return out;
}

}  // namespace caora
