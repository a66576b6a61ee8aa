// String helpers that know nothing of Caora.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace caora {

std::string trim(const std::string& s);
std::string to_upper_ascii(std::string s);
std::string to_lower_ascii(std::string s);
// Full-width ASCII (U+FF01..U+FF5E) and the ideographic space to plain ASCII;
// everything else is left as is. Input must be UTF-8.
std::string fold_full_width(const std::string& s);
std::vector<std::string> split_ws(const std::string& s);
std::string join(const std::vector<std::string>& parts, const std::string& sep);
// `v` with `digits` decimals, whatever the locale ("%.*f").
std::string fixed(double v, int digits);
std::vector<std::string> utf8_chars(const std::string& s);
// Levenshtein distance over UTF-8 characters.
size_t edit_distance(const std::string& a, const std::string& b);
bool starts_with(const std::string& s, const std::string& prefix);
bool ends_with(const std::string& s, const std::string& suffix);
// A count typed by a person: decimal digits only (full-width ones too), no sign,
// no spaces, no 0x; "040" is forty. nullopt for anything else or above `max`.
std::optional<long> parse_decimal(const std::string& s, long max);
// At most `max_bytes` of `s`, cut on a character boundary, with "…" when cut:
// what an error message may echo of a person's input.
std::string truncate_for_echo(const std::string& s, size_t max_bytes);

}  // namespace caora
