// Text encodings met on Japanese Windows terminals: UTF-8 (with or without a
// BOM) and Shift_JIS / CP932. Files are edited as bytes; these helpers only
// tell which encoding a file is in and where characters begin, so an edit
// never splits a double-byte character.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace caora {

enum class TextEncoding { Ascii, Utf8, Utf8Bom, Cp932 };

const char* encoding_name(TextEncoding enc);
// Ascii if 7-bit clean, else UTF-8 (BOM or not) if valid, else CP932 if valid;
// otherwise an Encoding error naming the first bad byte offset.
Expected<TextEncoding> detect_encoding(const std::string& bytes);
// Offset of the first invalid byte, or npos if the whole buffer is valid.
size_t first_invalid_utf8(std::string_view bytes);
size_t first_invalid_cp932(std::string_view bytes);
// The end of the run of ASCII bytes starting at `from` (eight bytes at a time:
// logs are mostly ASCII).
size_t ascii_run_end(std::string_view bytes, size_t from);
// CP932 (Shift_JIS as Windows writes it) to UTF-8, a character at a time
// through cp932_char_to_utf8, so the mapping is the one Windows programs use.
// Bytes that are not CP932 are an Encoding error naming the first bad offset.
Expected<std::string> cp932_to_utf8(const std::string& bytes);
// For each byte: true where a character starts (CP932 aware).
std::vector<bool> char_starts(const std::string& bytes, TextEncoding enc);
// One CP932 character (a single byte, or a lead and trail byte) as UTF-8; empty
// when CP932 gives it no character. Table-driven after the first call (the
// platform's converter fills the table once: iconv, or MultiByteToWideChar); the
// view is into that table, valid for the program's life.
std::string_view cp932_char_to_utf8(unsigned char lead, unsigned char trail = 0);
// Appends code point `cp` as UTF-8.
void append_utf8(std::string& out, unsigned cp);

}  // namespace caora
