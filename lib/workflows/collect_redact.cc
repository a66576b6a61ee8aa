#include "workflows/collect_redact.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cstring>

#include "core/encoding.h"
#include "core/sha256.h"

namespace caora {

const char* redact_kind_name(RedactKind k) {
  switch (k) {
    case RedactKind::MyNumber: return "my_number";
    case RedactKind::VerificationB: return "verification_number_b";
    case RedactKind::BirthDate: return "birth_date";
    case RedactKind::Name: return "name";
    case RedactKind::InsurerNumber: return "insurer_number";
    case RedactKind::InsuredNumber: return "insured_number";
    case RedactKind::Secret: return "secret";
  }
  return "?";
}

static const char* token_prefix(RedactKind k) {
  switch (k) {
    case RedactKind::MyNumber: return "MYNUMBER";
    case RedactKind::VerificationB: return "VNB";
    case RedactKind::BirthDate: return "BIRTH";
    case RedactKind::Name: return "NAME";
    case RedactKind::InsurerNumber: return "INSURER";
    case RedactKind::InsuredNumber: return "INSURED";
    case RedactKind::Secret: return "SECRET";
  }
  return "X";
}

const char* text_form_name(TextForm f) {
  switch (f) {
    case TextForm::Utf8: return "utf-8";
    case TextForm::Cp932: return "cp932";
    case TextForm::Utf16Le: return "utf-16le";
    case TextForm::Utf16Be: return "utf-16be";
    case TextForm::Bytes: return "bytes";
  }
  return "?";
}

TextForm detect_text_form(std::string_view text) {
  std::string_view head = text.substr(0, size_t{1} << 20);
  if (head.size() >= 2 && (unsigned char)head[0] == 0xFF && (unsigned char)head[1] == 0xFE) return TextForm::Utf16Le;
  if (head.size() >= 2 && (unsigned char)head[0] == 0xFE && (unsigned char)head[1] == 0xFF) return TextForm::Utf16Be;
  // A chunk may end inside a character; judge on what is complete.
  std::string_view body = head.size() > 4 ? head.substr(0, head.size() - 4) : head;
  if (body.find('\0') != std::string_view::npos) return TextForm::Bytes;
  if (first_invalid_utf8(body) == std::string::npos) return TextForm::Utf8;
  if (first_invalid_cp932(body) == std::string::npos) return TextForm::Cp932;
  return TextForm::Bytes;
}

bool my_number_valid(const std::string& d) {
  if (d.size() != 12) return false;
  int sum = 0;
  for (int n = 1; n <= 11; ++n) {
    int p = d[11 - n] - '0';
    int q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  int r = sum % 11;
  int check = r <= 1 ? 0 : 11 - r;
  return d[11] - '0' == check;
}

namespace {

// The decoded text and, when it is not the input itself, where each of its
// bytes came from (valid at character starts; one past the end at the end).
struct Decoded {
  std::string_view input;
  std::string u;               // the decoded text, unless it is the input itself
  std::vector<uint32_t> from;  // filled only with_map, and not for the input itself
  bool identity = false;
  bool with_map = true;  // learning needs only the text, not where it came from
  std::string_view text() const { return identity ? input : std::string_view(u); }
  // The input byte a text offset came from (a character start, or the end).
  size_t source(size_t at) const { return identity ? at : from[at]; }
  void mark(size_t at) {
    if (with_map) from.push_back(uint32_t(at));
  }
};

// Appends `ch`, which came from input byte `at`.
void push(Decoded& d, std::string_view ch, size_t at) {
  d.u.append(ch);
  if (d.with_map) d.from.insert(d.from.end(), ch.size(), uint32_t(at));
}

// Appends the input's bytes [i, j) as they are.
void copy_run(std::string_view s, size_t i, size_t j, Decoded& d) {
  d.u.append(s.substr(i, j - i));
  if (d.with_map)
    for (size_t k = i; k < j; ++k) d.from.push_back(uint32_t(k));
}

void decode_utf8_lenient(std::string_view s, Decoded& d) {
  if (d.with_map) d.from.reserve(s.size() + 1);
  size_t i = 0;
  while (i < s.size()) {
    size_t bad = first_invalid_utf8(s.substr(i));
    size_t end = bad == std::string_view::npos ? s.size() : i + bad;
    copy_run(s, i, end, d);
    if (end == s.size()) break;
    push(d, "\xEF\xBF\xBD", end);
    i = end + 1;
  }
  d.mark(s.size());
}

Decoded decode(const std::string& s, TextForm form, bool with_map = true) {
  Decoded d;
  d.input = s;
  d.with_map = with_map;
  // Valid UTF-8, the common case, is scanned where it lies.
  d.identity = form == TextForm::Utf8 && first_invalid_utf8(s) == std::string::npos;
  if (d.identity) return d;
  if (form == TextForm::Utf8 || form == TextForm::Bytes) {
    decode_utf8_lenient(s, d);
    return d;
  }
  d.u.reserve(s.size() + s.size() / 2);
  if (d.with_map) d.from.reserve(s.size() + s.size() / 2 + 1);
  if (form == TextForm::Cp932) {
    size_t i = 0;
    while (i < s.size()) {
      unsigned char c = s[i];
      if (c < 0x80) {
        size_t j = ascii_run_end(s, i);
        copy_run(s, i, j, d);
        i = j;
        continue;
      }
      bool single = c >= 0xA1 && c <= 0xDF;
      std::string_view ch = single || i + 1 < s.size() ? cp932_char_to_utf8(c, single ? 0 : static_cast<unsigned char>(s[i + 1]))
                                                       : std::string_view();
      push(d, ch.empty() ? "\xEF\xBF\xBD" : ch, i);
      i += ch.empty() || single ? 1 : 2;
    }
  } else {
    bool le = form == TextForm::Utf16Le;
    size_t i = 0;
    auto unit = [&](size_t at) -> unsigned {
      unsigned a = static_cast<unsigned char>(s[at]), b = static_cast<unsigned char>(s[at + 1]);
      return le ? (a | (b << 8)) : ((a << 8) | b);
    };
    while (i + 1 < s.size()) {
      unsigned cp = unit(i);
      size_t len = 2;
      if (cp >= 0xD800 && cp <= 0xDBFF && i + 3 < s.size()) {
        unsigned lo = unit(i + 2);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          len = 4;
        }
      }
      if (cp < 0x80) {
        d.u.push_back(char(cp));
        d.mark(i);
        i += 2;
        continue;
      }
      if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;
      size_t before = d.u.size();
      append_utf8(d.u, cp);
      if (d.with_map) d.from.insert(d.from.end(), d.u.size() - before, uint32_t(i));
      i += len;
    }
    if (i < s.size()) push(d, "\xEF\xBF\xBD", i);
  }
  d.mark(s.size());
  return d;
}

void encode_ascii(std::string& out, const std::string& token, TextForm form) {
  for (char c : token) {
    if (form == TextForm::Utf16Be) out.push_back('\0');
    out.push_back(c);
    if (form == TextForm::Utf16Le) out.push_back('\0');
  }
}

// The code point at u[i] and its length (1 for a stray byte).
unsigned cp_at(std::string_view u, size_t i, size_t* len) {
  unsigned char c = u[i];
  if (c < 0x80) { *len = 1; return c; }
  if ((c & 0xE0) == 0xC0 && i + 1 < u.size()) { *len = 2; return ((c & 0x1F) << 6) | (u[i + 1] & 0x3F); }
  if ((c & 0xF0) == 0xE0 && i + 2 < u.size()) {
    *len = 3;
    return ((c & 0x0F) << 12) | ((u[i + 1] & 0x3F) << 6) | (u[i + 2] & 0x3F);
  }
  if ((c & 0xF8) == 0xF0 && i + 3 < u.size()) {
    *len = 4;
    return ((c & 0x07) << 18) | ((u[i + 1] & 0x3F) << 12) | ((u[i + 2] & 0x3F) << 6) | (u[i + 3] & 0x3F);
  }
  *len = 1;
  return c;
}

// A hash of the three bytes at u[i]: its top kSeenBits bits say whether any learned
// value starts so, its top kPrefixBits which list holds them.
constexpr int kPrefixBits = 12, kSeenBits = 16;
uint32_t prefix_hash(std::string_view u, size_t i) {
  uint32_t p = (uint32_t{static_cast<unsigned char>(u[i])} << 16) | (uint32_t{static_cast<unsigned char>(u[i + 1])} << 8) |
               static_cast<unsigned char>(u[i + 2]);
  return p * 2654435761u;
}

unsigned cp_before(std::string_view u, size_t i) {
  if (i == 0) return 0;
  size_t j = i - 1;
  while (j > 0 && (static_cast<unsigned char>(u[j]) & 0xC0) == 0x80 && i - j < 4) --j;
  size_t len;
  return cp_at(u, j, &len);
}

int digit_value(unsigned cp) {
  if (cp >= '0' && cp <= '9') return int(cp - '0');
  if (cp >= 0xFF10 && cp <= 0xFF19) return int(cp - 0xFF10);
  return -1;
}
bool ascii_word(unsigned cp) {
  return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
}
bool is_space(unsigned cp) { return cp == ' ' || cp == 0x3000; }
bool group_sep(unsigned cp) { return cp == ' ' || cp == '-' || cp == 0x3000 || cp == 0xFF0D || cp == 0x2010 || cp == 0x2212; }
bool value_delim(unsigned cp) {
  switch (cp) {
    case '\r': case '\n': case '\t': case ',': case ';': case '&': case '<': case '>': case '"': case '\'':
    case '}': case ']': case ')': case '|': case 0x3001: case 0x300D: case 0xFF0C: case 0: return true;
    default: return false;
  }
}

struct Key {
  std::string_view text;  // UTF-8; ASCII ones in lower case
  RedactKind kind;
  bool ascii;
};

// Longest first, so 被保険者番号 wins over 保険者番号 and 記号・番号 over 記号.
std::vector<Key> make_keys() {
  std::vector<Key> k = {
      {"氏名", RedactKind::Name, false}, {"名前", RedactKind::Name, false}, {"患者名", RedactKind::Name, false},
      {"患者氏名", RedactKind::Name, false}, {"カナ", RedactKind::Name, false}, {"カナ氏名", RedactKind::Name, false},
      {"氏名カナ", RedactKind::Name, false}, {"氏名（カナ）", RedactKind::Name, false},
      {"フリガナ", RedactKind::Name, false}, {"ふりがな", RedactKind::Name, false},
      {"name", RedactKind::Name, true}, {"patient_name", RedactKind::Name, true},
      {"patientname", RedactKind::Name, true}, {"full_name", RedactKind::Name, true},
      {"fullname", RedactKind::Name, true}, {"kana", RedactKind::Name, true}, {"kana_name", RedactKind::Name, true},
      {"kananame", RedactKind::Name, true}, {"first_name", RedactKind::Name, true},
      {"last_name", RedactKind::Name, true}, {"firstname", RedactKind::Name, true},
      {"lastname", RedactKind::Name, true},
      {"生年月日", RedactKind::BirthDate, false}, {"birth", RedactKind::BirthDate, true},
      {"birthday", RedactKind::BirthDate, true}, {"birth_date", RedactKind::BirthDate, true},
      {"birthdate", RedactKind::BirthDate, true}, {"date_of_birth", RedactKind::BirthDate, true},
      {"dob", RedactKind::BirthDate, true},
      {"保険者番号", RedactKind::InsurerNumber, false}, {"insurer_number", RedactKind::InsurerNumber, true},
      {"insurernumber", RedactKind::InsurerNumber, true}, {"insurer_no", RedactKind::InsurerNumber, true},
      {"被保険者番号", RedactKind::InsuredNumber, false}, {"記号・番号", RedactKind::InsuredNumber, false},
      {"記号番号", RedactKind::InsuredNumber, false}, {"記号", RedactKind::InsuredNumber, false},
      {"被保険者記号", RedactKind::InsuredNumber, false}, {"insured_number", RedactKind::InsuredNumber, true},
      {"insurednumber", RedactKind::InsuredNumber, true}, {"insured_no", RedactKind::InsuredNumber, true},
      {"照合番号b", RedactKind::VerificationB, false}, {"照合番号B", RedactKind::VerificationB, false},
      {"照合番号Ｂ", RedactKind::VerificationB, false}, {"verification_number_b", RedactKind::VerificationB, true},
      {"verificationnumberb", RedactKind::VerificationB, true},
      {"個人番号", RedactKind::MyNumber, false}, {"マイナンバー", RedactKind::MyNumber, false},
      {"my_number", RedactKind::MyNumber, true}, {"mynumber", RedactKind::MyNumber, true},
      {"パスワード", RedactKind::Secret, false}, {"暗証番号", RedactKind::Secret, false},
      {"password", RedactKind::Secret, true}, {"passwd", RedactKind::Secret, true}, {"pwd", RedactKind::Secret, true},
      {"secret", RedactKind::Secret, true}, {"client_secret", RedactKind::Secret, true},
      {"api_key", RedactKind::Secret, true}, {"apikey", RedactKind::Secret, true},
      {"access_token", RedactKind::Secret, true}, {"token", RedactKind::Secret, true},
      {"pin", RedactKind::Secret, true},
  };
  std::stable_sort(k.begin(), k.end(), [](const Key& a, const Key& b) { return a.text.size() > b.text.size(); });
  return k;
}

const std::vector<Key>& keys() {
  static const std::vector<Key> k = make_keys();
  return k;
}

// The keys that can start with each byte (ASCII ones under both cases), longest first.
const std::vector<std::vector<const Key*>>& keys_by_first() {
  static const std::vector<std::vector<const Key*>> t = [] {
    std::vector<std::vector<const Key*>> v(256);
    for (const Key& k : keys()) {
      unsigned char c = k.text[0];
      v[c].push_back(&k);
      if (k.ascii && std::toupper(c) != c) v[static_cast<unsigned char>(std::toupper(c))].push_back(&k);
    }
    return v;
  }();
  return t;
}

// The keys' first two bytes, ASCII ones in lower case: most places where a key's
// first byte stands (a letter, a kanji's lead byte) hold no key, and one look says so.
const std::bitset<0x10000>& key_pairs() {
  static const std::bitset<0x10000> t = [] {
    std::bitset<0x10000> b;
    for (const Key& k : keys()) b.set((static_cast<unsigned char>(k.text[0]) << 8) | static_cast<unsigned char>(k.text[1]));
    return b;
  }();
  return t;
}

const unsigned char* lower_table() {
  static const auto t = [] {
    std::array<unsigned char, 256> a{};
    for (int i = 0; i < 256; ++i) a[i] = (i >= 'A' && i <= 'Z') ? (unsigned char)(i + 32) : (unsigned char)i;
    return a;
  }();
  return t.data();
}

bool key_at(std::string_view u, size_t i, const Key& k, size_t n) {
  if (i + n > u.size()) return false;
  if (!k.ascii) return std::memcmp(u.data() + i, k.text.data(), n) == 0;
  const unsigned char* lo = lower_table();
  for (size_t j = 0; j < n; ++j)
    if (lo[static_cast<unsigned char>(u[i + j])] != static_cast<unsigned char>(k.text[j])) return false;
  return true;
}

bool placeholder(const std::string& v) {
  static const char* const ph[] = {"null", "none", "(none)", "-", "--", "***", "********", "n/a", "true", "false",
                                   "(fill in)", "（記入）", "redacted"};
  std::string low;
  for (char c : v) low.push_back(char(std::tolower(static_cast<unsigned char>(c))));
  for (const char* p : ph)
    if (low == p) return true;
  if (v.size() >= 2 && v.front() == '[' && v.back() == ']') return true;  // a token already
  if (v.find_first_not_of("*x") == std::string::npos) return true;        // masked already
  return false;
}

std::string digits_only(const std::string& u) {
  std::string d;
  for (size_t i = 0; i < u.size();) {
    size_t len;
    unsigned cp = cp_at(u, i, &len);
    int v = digit_value(cp);
    if (v >= 0) d.push_back(char('0' + v));
    i += len;
  }
  return d;
}

bool looks_like_timestamp12(const std::string& d) {
  int y = std::stoi(d.substr(0, 4)), mo = std::stoi(d.substr(4, 2)), da = std::stoi(d.substr(6, 2)),
      h = std::stoi(d.substr(8, 2)), mi = std::stoi(d.substr(10, 2));
  return y >= 1990 && y <= 2099 && mo >= 1 && mo <= 12 && da >= 1 && da <= 31 && h < 24 && mi < 60;
}

// The normalised form a token is made from: the same value written differently
// (full-width, grouped, spaced) gets the same token.
std::string normalise(RedactKind kind, const std::string& v) {
  if (kind == RedactKind::MyNumber || kind == RedactKind::VerificationB) return digits_only(v);
  std::string out;
  for (size_t i = 0; i < v.size();) {
    size_t len;
    unsigned cp = cp_at(v, i, &len);
    int dv = digit_value(cp);
    if (dv >= 0) out.push_back(char('0' + dv));
    else if (!is_space(cp)) out.append(v, i, len);
    i += len;
  }
  return out;
}

size_t cp_count(const std::string& v) {
  size_t n = 0;
  for (unsigned char c : v)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace

Redactor::Redactor(std::string salt) : salt_(std::move(salt)) {}

std::vector<Redactor::Match> Redactor::scan(std::string_view u, bool learning) const {
  std::vector<Match> out;
  const auto& by_first = keys_by_first();
  const auto& pairs = key_pairs();
  const unsigned char* lo = lower_table();
  // Bytes at which something can start: a key, a learned value, a digit (a
  // My Number; 0xEF leads the full-width ones). Everything else is stepped
  // over without the checks below, which would all come to nothing there.
  std::array<bool, 256> starts{};
  for (int b = 0; b < 256; ++b) {
    starts[b] = !by_first[b].empty();
    if (!learning) starts[b] = starts[b] || (index_built_ && learned_first_[b]) || (b >= '0' && b <= '9') || b == 0xEF;
  }
  size_t i = 0, n = u.size();
  while (i < n) {
    while (i < n && !starts[static_cast<unsigned char>(u[i])]) ++i;
    if (i >= n) break;
    unsigned char c = u[i];
    // Nothing starts inside an ASCII word or number (no key, no learned value, no
    // My Number), the common case in logs: the rest of it is stepped over at once.
    if (c < 0x80 && i > 0 && ascii_word(static_cast<unsigned char>(u[i - 1]))) {
      ++i;
      if (ascii_word(c))
        while (i < n && ascii_word(static_cast<unsigned char>(u[i]))) ++i;
      continue;
    }
    // A field: key, separator, value.
    if (!by_first[c].empty() && i + 1 < n && pairs[(lo[c] << 8) | lo[static_cast<unsigned char>(u[i + 1])]]) {
      unsigned prev = cp_before(u, i);
      for (const Key* kp : by_first[c]) {
        const Key& k = *kp;
        size_t klen = k.text.size();
        if (!key_at(u, i, k, klen)) continue;
        if (k.ascii) {
          if (ascii_word(prev) || prev == '-' || prev == '.') break;
          if (i + klen < n && ascii_word(static_cast<unsigned char>(u[i + klen]))) continue;
        }
        size_t j = i + klen, len;
        unsigned cp;
        auto peek = [&]() { cp = j < n ? cp_at(u, j, &len) : 0; if (j >= n) len = 0; };
        peek();
        if (cp == '"' || cp == '\'') { j += len; peek(); }
        while (is_space(cp)) { j += len; peek(); }
        bool sep = cp == ':' || cp == '=' || cp == 0xFF1A || cp == 0xFF1D || (cp == '>' && prev == '<');
        if (!sep) continue;
        j += len;
        peek();
        while (is_space(cp)) { j += len; peek(); }
        unsigned quote = 0;
        if (cp == '"' || cp == '\'') { quote = cp; j += len; }
        else if (cp == 0x300C) { quote = 0x300D; j += len; }
        size_t vb = j, ve = j;
        // Unquoted, only a name may hold a space: one, between family and given name.
        int spaces = 0;
        while (j < n) {
          peek();
          if (quote ? (cp == quote || cp == '\n' || cp == '\r') : value_delim(cp)) break;
          if (!quote && is_space(cp)) {
            if (k.kind != RedactKind::Name || spaces++ > 0) break;
            // A space continues the value unless the next word is another field.
            size_t w = j + len, l2;
            unsigned c2 = w < n ? cp_at(u, w, &l2) : 0;
            if (w >= n || is_space(c2) || value_delim(c2)) break;
            bool field = false;
            while (w < n) {
              c2 = cp_at(u, w, &l2);
              if (is_space(c2) || value_delim(c2)) break;
              if (c2 == '=' || c2 == ':' || c2 == 0xFF1A) { field = true; break; }
              w += l2;
            }
            if (field) break;
          }
          j += len;
          if (!is_space(cp)) ve = j;
        }
        std::string value(u.substr(vb, ve - vb));
        bool has_digit = !digits_only(value).empty();
        bool wanted = !value.empty() && !placeholder(value);
        if (k.kind == RedactKind::Name) wanted = wanted && digits_only(value).size() < cp_count(value);
        else if (k.kind != RedactKind::Secret) wanted = wanted && has_digit;
        if (wanted) out.push_back({vb, ve, k.kind, value});
        i = wanted ? ve : j;
        goto next;
      }
    }
    if (!learning) {
      // A value learned from a field elsewhere in the bundle (on a word or number
      // boundary: inside one was stepped over above).
      if (index_built_ && learned_first_[c]) {
        static const std::vector<Learned> kNone;
        const std::vector<Learned>* by_prefix = &kNone;
        if (i + 3 <= n) {
          uint32_t h = prefix_hash(u, i);
          if (learned_prefix_seen_[h >> (32 - kSeenBits)]) by_prefix = &learned_by_prefix_[h >> (32 - kPrefixBits)];
        }
        for (const auto* list : {by_prefix, &learned_by_first_[c]})
        for (const Learned& hit : *list) {
          size_t len = hit.text.size();
          if (i + len > n || std::memcmp(u.data() + i, hit.text.data(), len) != 0) continue;
          size_t l;
          unsigned after = i + len < n ? cp_at(u, i + len, &l) : 0;
          unsigned before = cp_before(u, i);
          unsigned firstcp = static_cast<unsigned char>(hit.text[0]);
          if (firstcp >= 0x80) firstcp = 0x80;
          if (digit_value(firstcp) >= 0 && (digit_value(before) >= 0 || digit_value(after) >= 0)) continue;
          if (ascii_word(firstcp) && (ascii_word(before) || ascii_word(after))) continue;
          out.push_back({i, i + len, hit.kind, std::string(hit.text)});
          i += len;
          goto next;
        }
      }
      // A My Number standing alone: 12 digits, plain or 4-4-4, with a valid check digit.
      size_t len;
      unsigned cp = cp_at(u, i, &len);
      if (digit_value(cp) >= 0) {
        unsigned prev = cp_before(u, i);
        if (digit_value(prev) < 0 && !ascii_word(prev)) {
          std::string d;
          size_t j = i, l;
          bool grouped = false;
          for (int group = 0; group < 3; ++group) {
            if (group > 0) {
              unsigned s = j < n ? cp_at(u, j, &l) : 0;
              if (d.size() == 4 * size_t(group) && j < n && group_sep(s)) {
                if (group == 1) grouped = true;
                else if (!grouped) break;
                j += l;
              } else if (grouped) {
                break;
              }
            }
            size_t want = grouped || group == 0 ? 4 : 4;
            for (size_t k = 0; k < want && j < n; ++k) {
              unsigned dc = cp_at(u, j, &l);
              int dv = digit_value(dc);
              if (dv < 0) break;
              d.push_back(char('0' + dv));
              j += l;
            }
          }
          if (d.size() == 12) {
            unsigned after = j < n ? cp_at(u, j, &l) : 0;
            bool more = digit_value(after) >= 0 || ascii_word(after);
            if (!more && grouped && group_sep(after) && j + l < n) {
              size_t l3;
              more = digit_value(cp_at(u, j + l, &l3)) >= 0;
            }
            if (!more && my_number_valid(d) && (grouped || !looks_like_timestamp12(d))) {
              out.push_back({i, j, RedactKind::MyNumber, d});
              i = j;
              continue;
            }
          }
          // Skip the rest of this digit run: a My Number starts only after a non-digit.
          while (i < n) {
            if (u[i] >= '0' && u[i] <= '9') {
              ++i;
              continue;
            }
            unsigned dc = cp_at(u, i, &l);
            if (digit_value(dc) < 0) break;
            i += l;
          }
          continue;
        }
      }
    }
    ++i;
  next:;
  }
  return out;
}

std::string Redactor::token(RedactKind kind, const std::string& value) {
  std::string norm = normalise(kind, value);
  std::string h = hmac_sha256_hex(salt_, std::string(redact_kind_name(kind)) + ":" + norm);
  return std::string("[") + token_prefix(kind) + "-" + h.substr(0, 6) + "]";
}

void Redactor::learn(const std::string& chunk, TextForm form) {
  Decoded d = decode(chunk, form, /*with_map=*/false);
  auto found = scan(d.text(), true);
  if (found.empty()) return;
  // A log repeats its values: one insertion per distinct value, under the lock once.
  std::map<std::string, RedactKind> distinct;
  for (const Match& m : found) distinct.emplace(m.value, m.kind);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [v, kind] : distinct) {
    Match m{0, 0, kind, v};
    bool numeric = m.kind != RedactKind::Name && m.kind != RedactKind::Secret;
    // Short values would hit unrelated text everywhere.
    if (numeric ? digits_only(v).size() < 6 : (cp_count(v) < 2 || (v.size() == cp_count(v) && v.size() < 4))) continue;
    learned_.emplace(v, m.kind);
    std::string squeezed = normalise(m.kind, v);
    if (squeezed != v && cp_count(squeezed) >= 2) learned_.emplace(squeezed, m.kind);
  }
  index_built_ = false;
}

void Redactor::build_index() {
  learned_by_first_.assign(256, {});
  learned_by_prefix_.assign(size_t{1} << kPrefixBits, {});
  learned_prefix_seen_.assign(size_t{1} << kSeenBits, false);
  learned_first_.fill(false);
  for (const auto& [lit, kind] : learned_) {
    learned_first_[static_cast<unsigned char>(lit[0])] = true;
    if (lit.size() >= 3) {
      uint32_t h = prefix_hash(lit, 0);
      learned_prefix_seen_[h >> (32 - kSeenBits)] = true;
      learned_by_prefix_[h >> (32 - kPrefixBits)].push_back({lit, kind});
    } else {
      learned_by_first_[static_cast<unsigned char>(lit[0])].push_back({lit, kind});
    }
  }
  auto longest_first = [](const Learned& a, const Learned& b) { return a.text.size() > b.text.size(); };
  for (auto& v : learned_by_first_) std::stable_sort(v.begin(), v.end(), longest_first);
  for (auto& v : learned_by_prefix_) std::stable_sort(v.begin(), v.end(), longest_first);
  index_built_ = true;
}

size_t Redactor::learned_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return learned_.size();
}

std::string Redactor::redact(std::string chunk, TextForm form, RedactCounts& counts) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!index_built_) build_index();
  }
  Decoded d = decode(chunk, form);
  auto found = scan(d.text(), false);
  if (found.empty()) return chunk;
  std::string out;
  out.reserve(chunk.size());
  size_t prev = 0;
  std::map<std::string, RedactMapEntry> local;
  std::map<std::pair<RedactKind, std::string>, std::string> tokens;  // an HMAC per distinct value
  for (const Match& m : found) {
    size_t b = d.source(m.begin), e = d.source(m.end);
    out.append(chunk, prev, b - prev);
    auto key = std::make_pair(m.kind, m.value);
    auto cached = tokens.find(key);
    if (cached == tokens.end()) cached = tokens.emplace(key, token(m.kind, m.value)).first;
    const std::string& t = cached->second;
    encode_ascii(out, t, form);
    prev = e;
    ++counts[redact_kind_name(m.kind)];
    if (local.count(t) == 0) local.emplace(t, RedactMapEntry{redact_kind_name(m.kind), m.value});
  }
  out.append(chunk, prev, std::string::npos);
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [t, e] : local) map_.emplace(t, std::move(e));
  return out;
}

std::map<std::string, RedactMapEntry> Redactor::map() const {
  std::lock_guard<std::mutex> lock(mu_);
  return map_;
}

}  // namespace caora
