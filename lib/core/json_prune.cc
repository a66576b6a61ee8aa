#include "core/json_prune.h"

#include <array>

namespace caora {

namespace {

using nlohmann::json;

// Bytes a string's fast path stops at: the quote, the backslash, control
// characters (not allowed raw) and the lead bytes of multi-byte UTF-8.
constexpr std::array<bool, 256> make_string_stops() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  for (int c = 0x80; c < 0x100; ++c) t[c] = true;
  t['"'] = t['\\'] = true;
  return t;
}
constexpr std::array<bool, 256> kStringStops = make_string_stops();

// Members are built by recursion this deep at most: a kept subtree deeper
// than this is handed to nlohmann; a rule that descends deeper is refused.
constexpr int kMaxDescend = 64;

class Scanner {
 public:
  Scanner(std::string_view text, const PruneRule& rule)
      : rule_(rule), begin_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}

  bool document(json& out) {
    // A UTF-8 byte order mark, as Windows tools write one, is skipped (nlohmann does too).
    if (end_ - p_ >= 3 && std::string_view(p_, 3) == "\xEF\xBB\xBF") p_ += 3;
    std::vector<std::string> path;
    if (!build(path, Prune::Descend, out)) return false;
    ws();
    return p_ == end_ || fail();
  }
  size_t error_at() const { return fail_at_; }

 private:
  bool fail() {
    if (fail_at_ == npos) fail_at_ = static_cast<size_t>(p_ - begin_);
    return false;
  }
  bool at(char c) const { return p_ < end_ && *p_ == c; }
  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  // After "\u": four hex digits.
  bool code_unit(unsigned& cu) {
    if (end_ - p_ < 4) return fail();
    cu = 0;
    for (int i = 0; i < 4; ++i, ++p_) {
      int h = hex(*p_);
      if (h < 0) return fail();
      cu = cu * 16 + static_cast<unsigned>(h);
    }
    return true;
  }
  bool escape() {  // at the backslash
    if (++p_ >= end_) return fail();
    char c = *p_++;
    if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't') return true;
    if (c != 'u') return --p_, fail();
    unsigned cu;
    if (!code_unit(cu)) return false;
    if (cu >= 0xDC00 && cu <= 0xDFFF) return fail();  // a low surrogate alone
    if (cu >= 0xD800 && cu <= 0xDBFF) {
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return fail();
      p_ += 2;
      if (!code_unit(cu)) return false;
      if (cu < 0xDC00 || cu > 0xDFFF) return fail();
    }
    return true;
  }
  // One UTF-8 sequence of two to four bytes (RFC 3629: no overlongs, no
  // surrogates, nothing past U+10FFFF).
  bool utf8() {
    auto c = static_cast<unsigned char>(*p_);
    int more;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) more = 1;
    else if (c == 0xE0) more = 2, lo = 0xA0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) more = 2;
    else if (c == 0xED) more = 2, hi = 0x9F;
    else if (c == 0xF0) more = 3, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) more = 3;
    else if (c == 0xF4) more = 3, hi = 0x8F;
    else return fail();
    ++p_;
    for (int i = 0; i < more; ++i, ++p_) {
      if (p_ >= end_) return fail();
      auto b = static_cast<unsigned char>(*p_);
      if (b < lo || b > hi) return fail();
      lo = 0x80, hi = 0xBF;
    }
    return true;
  }
  bool string() {  // at the opening quote; escaped_ says whether it had escapes
    ++p_;
    escaped_ = false;
    for (;;) {
      while (p_ < end_ && !kStringStops[static_cast<unsigned char>(*p_)]) ++p_;
      if (p_ >= end_) return fail();
      auto c = static_cast<unsigned char>(*p_);
      if (c == '"') return ++p_, true;
      if (c == '\\') {
        escaped_ = true;
        if (!escape()) return false;
      } else if (c < 0x20) {
        return fail();
      } else if (!utf8()) {
        return false;
      }
    }
  }
  bool digits() {
    const char* s = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ > s || fail();
  }
  // plain_: an integer short enough for int64 (no question of range).
  bool number() {
    const char* s = p_;
    if (at('-')) ++p_;
    if (at('0')) ++p_;
    else if (!digits()) return false;
    bool plain = p_ - s <= 18;
    if (at('.')) {
      ++p_, plain = false;
      if (!digits()) return false;
    }
    if (at('e') || at('E')) {
      ++p_, plain = false;
      if (at('+') || at('-')) ++p_;
      if (!digits()) return false;
    }
    // nlohmann refuses a number no double holds (out_of_range 406); only a
    // long or non-integer number can be one, so only those are asked.
    plain_ = plain;
    if (!plain && json::parse(std::string_view(s, static_cast<size_t>(p_ - s)), nullptr, false).is_discarded()) {
      p_ = s;
      return fail();
    }
    return true;
  }
  bool literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::string_view(p_, word.size()) != word) return fail();
    p_ += word.size();
    return true;
  }

  // Checks one value and steps past it, nesting kept on a stack of brackets
  // rather than by recursion, so depth costs a byte per level.
  bool skip() {
    stack_.clear();
    bool want_key = false;
    for (;;) {
      ws();
      if (p_ >= end_) return fail();
      if (want_key) {
        if (*p_ != '"' || !string()) return fail();
        ws();
        if (!at(':')) return fail();
        ++p_;
        want_key = false;
        continue;
      }
      char c = *p_;
      bool done = true;  // a whole value was read
      if (c == '{' || c == '[') {
        ++p_;
        ws();
        if (at(c == '{' ? '}' : ']')) {
          ++p_;
        } else {
          stack_.push_back(c);
          want_key = c == '{';
          done = false;
        }
      } else if (c == '"') {
        if (!string()) return false;
      } else if (c == '-' || (c >= '0' && c <= '9')) {
        if (!number()) return false;
      } else if (c == 't') {
        if (!literal("true")) return false;
      } else if (c == 'f') {
        if (!literal("false")) return false;
      } else if (c == 'n') {
        if (!literal("null")) return false;
      } else {
        return fail();
      }
      // After a value: a comma, or the end of one or more containers.
      while (done) {
        if (stack_.empty()) return true;
        ws();
        if (at(',')) {
          ++p_;
          want_key = stack_.back() == '{';
          break;
        }
        if (at(stack_.back() == '{' ? '}' : ']')) {
          ++p_;
          stack_.pop_back();
          continue;
        }
        return fail();
      }
    }
  }

  // A kept subtree too deep to build by recursion goes to nlohmann, whose
  // parser keeps its own stack.
  bool keep_deep(json& out) {
    const char* s = p_;
    return skip() && from_nlohmann(s, out);
  }

  // The text from `s` to here, already checked, built by nlohmann.
  bool from_nlohmann(const char* s, json& out) {
    out = json::parse(std::string_view(s, static_cast<size_t>(p_ - s)), nullptr, false);
    return !out.is_discarded() || fail();
  }

  // A scalar is made directly: most kept values are short strings, and a
  // parser set up for each would cost more than the rest of the document.
  bool scalar(json& out) {
    const char* s = p_;
    char c = *p_;
    if (c == '"') {
      if (!string()) return false;
      if (!escaped_) {
        out = std::string(s + 1, static_cast<size_t>(p_ - s - 2));
        return true;
      }
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      if (!number()) return false;
      if (plain_) {
        // As nlohmann types them: unsigned unless negative.
        if (c == '-') out = std::stoll(std::string(s, p_));
        else out = static_cast<uint64_t>(std::stoull(std::string(s, p_)));
        return true;
      }
    } else if (c == 't') {
      return literal("true") && (out = true, true);
    } else if (c == 'f') {
      return literal("false") && (out = false, true);
    } else if (c == 'n') {
      return literal("null") && (out = nullptr, true);
    } else {
      return fail();
    }
    return from_nlohmann(s, out);
  }

  bool build(std::vector<std::string>& path, Prune how, json& out) {
    ws();
    if (how == Prune::Skip) return skip();
    if (p_ >= end_) return fail();
    bool object = at('{');
    if (!object && !at('[')) return scalar(out);
    if (static_cast<int>(path.size()) >= kMaxDescend) return how == Prune::Keep ? keep_deep(out) : fail();
    ++p_;
    out = object ? json::object() : json::array();
    ws();
    if (at(object ? '}' : ']')) return ++p_, true;
    for (;;) {
      ws();
      if (object) {
        const char* k = p_;
        if (!at('"') || !string()) return fail();
        std::string_view raw(k + 1, static_cast<size_t>(p_ - k - 2));
        // A key written with escapes is decoded before it is compared.
        path.push_back(raw.find('\\') == std::string_view::npos
                           ? std::string(raw)
                           : json::parse(std::string_view(k, static_cast<size_t>(p_ - k))).get<std::string>());
        ws();
        if (!at(':')) return fail();
        ++p_;
      } else {
        path.push_back("[]");
      }
      Prune child_how = how == Prune::Keep ? Prune::Keep : rule_(path);
      json child;
      if (!build(path, child_how, child)) return false;
      if (child_how != Prune::Skip) {
        if (object) out[path.back()] = std::move(child);
        else out.push_back(std::move(child));
      }
      path.pop_back();
      ws();
      if (at(',')) {
        ++p_;
        continue;
      }
      if (at(object ? '}' : ']')) return ++p_, true;
      return fail();
    }
  }

 private:
  static constexpr size_t npos = static_cast<size_t>(-1);
  const PruneRule& rule_;
  const char* begin_;
  const char* p_;
  const char* end_;
  size_t fail_at_ = npos;
  std::string stack_;
  bool escaped_ = false, plain_ = false;
};

}  // namespace

Expected<json> parse_json_pruned(std::string_view text, const PruneRule& rule) {
  Scanner scanner(text, rule);
  json out;
  if (!scanner.document(out)) {
    // Counted from 1, as an editor's byte position (and nlohmann's) is.
    std::string at = std::to_string(scanner.error_at() + 1);
    return make_error(ErrorKind::Parse, "JSONとして読めません（" + at + " バイト目）", "not JSON (at byte " + at + ")");
  }
  return out;
}

}  // namespace caora
