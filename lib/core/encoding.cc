#include "core/encoding.h"

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

Expected<std::string> cp932_to_utf8(const std::string& bytes) {
  size_t bad = first_invalid_cp932(bytes);
  if (bad != std::string::npos)
    return make_error(ErrorKind::Encoding, "Shift_JIS（CP932）として読めません（" + std::to_string(bad) + " バイト目）",
                      "not Shift_JIS (CP932) at byte " + std::to_string(bad));
  if (bytes.empty()) return std::string();
  auto failed = [] {
    return make_error(ErrorKind::Encoding, "Shift_JIS（CP932）から変換できない文字があります",
                      "a character has no conversion from Shift_JIS (CP932)");
  };
#ifdef _WIN32
  int n = MultiByteToWideChar(932, MB_ERR_INVALID_CHARS, bytes.data(), static_cast<int>(bytes.size()), nullptr, 0);
  if (n <= 0) return failed();
  std::wstring wide(static_cast<size_t>(n), L'\0');
  MultiByteToWideChar(932, MB_ERR_INVALID_CHARS, bytes.data(), static_cast<int>(bytes.size()), &wide[0], n);
  int m = WideCharToMultiByte(CP_UTF8, 0, wide.data(), n, nullptr, 0, nullptr, nullptr);
  if (m <= 0) return failed();
  std::string out(static_cast<size_t>(m), '\0');
  WideCharToMultiByte(CP_UTF8, 0, wide.data(), n, &out[0], m, nullptr, nullptr);
  return out;
#else
  iconv_t cd = iconv_open("UTF-8", "CP932");
  if (cd == reinterpret_cast<iconv_t>(-1))
    return make_error(ErrorKind::Unsupported, "この環境には CP932 の変換がありません", "this system has no CP932 converter");
  std::string out(bytes.size() * 3 + 4, '\0');  // a CP932 byte becomes at most three UTF-8 bytes
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size(), out_left = out.size();
  char* dst = &out[0];
  size_t rc = iconv(cd, &in, &in_left, &dst, &out_left);
  iconv_close(cd);
  if (rc == static_cast<size_t>(-1) || in_left != 0) return failed();
  out.resize(out.size() - out_left);
  return out;
#endif
}

}  // namespace caora
