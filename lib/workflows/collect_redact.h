// Redaction of personal data in a support bundle, applied to bytes on their way
// into the zip so nothing unredacted is written. Text is decoded (UTF-8,
// CP932, UTF-16 with a BOM) before matching and the result written back in its
// own encoding: only the matched spans change, every other byte stays as it was.
// A value is replaced by a token from an HMAC under the bundle's salt, so the
// same value always reads the same ([NAME-3f09a2]) and the token says nothing of
// it; the token → original map is for the support desk and never goes in the bundle.
// Kept on purpose, because they are the evidence: unit serials, error and detail
// codes, versions, IP addresses, timestamps, paths.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace caora {

enum class RedactKind { MyNumber, VerificationB, BirthDate, Name, InsurerNumber, InsuredNumber, Secret };
const char* redact_kind_name(RedactKind k);  // "my_number", … (JSON keys and counts)

// How a stream of text is encoded; decided from its first MiB (what follows is
// taken to be written the same way).
enum class TextForm { Utf8, Cp932, Utf16Le, Utf16Be, Bytes };
TextForm detect_text_form(std::string_view text);
const char* text_form_name(TextForm f);

using RedactCounts = std::map<std::string, uint64_t>;

struct RedactMapEntry {
  std::string kind;
  std::string original;  // UTF-8
};

// The 12-digit My Number check digit (個人番号の検査用数字), over ASCII digits.
bool my_number_valid(const std::string& digits12);

class Redactor {
 public:
  explicit Redactor(std::string salt);
  // Pass one: values after their keys (names, insured numbers, …), to be replaced
  // wherever else they occur. Thread-safe.
  void learn(const std::string& chunk, TextForm form);
  // Pass two: the chunk with every match replaced, in `form`; counts added to `counts`.
  // Thread-safe; chunks should end at a line end (a field never spans chunks).
  // Taken by value: a chunk with nothing to replace (most) is handed back, not copied.
  std::string redact(std::string chunk, TextForm form, RedactCounts& counts);
  std::map<std::string, RedactMapEntry> map() const;
  size_t learned_count() const;

 private:
  struct Match {
    size_t begin, end;  // in the decoded UTF-8
    RedactKind kind;
    std::string value;  // normalised value the token is made from
  };
  std::vector<Match> scan(std::string_view u, bool learning) const;
  std::string token(RedactKind kind, const std::string& value);
  std::string salt_;
  mutable std::mutex mu_;
  std::map<std::string, RedactKind> learned_;  // literal UTF-8 → kind
  std::map<std::string, RedactMapEntry> map_;
  // learned_ for the pass-two scan, longest first: values of three bytes or more
  // listed by a hash of their first three bytes (a kanji is three: listed by
  // first byte, every name would share a handful of lists), shorter ones by their
  // first byte. A list holds a value or two, compared where they stand; a bit per
  // finer hash says where no list need be looked at (most places: it stays in cache).
  struct Learned {
    std::string_view text;
    RedactKind kind;
  };
  std::vector<std::vector<Learned>> learned_by_prefix_, learned_by_first_;
  std::vector<bool> learned_prefix_seen_;
  std::array<bool, 256> learned_first_{};
  bool index_built_ = false;
  void build_index();
};

}  // namespace caora
