#include "diag/recipe_pack.h"

#include <cstdint>

namespace caora {

using nlohmann::json;

namespace {

// Raised when a field is added to one of the recipe records and not to the packer
// below; the layout is only checked where it is known (64-bit libstdc++).
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(Condition) == 48 && sizeof(Check) == 80 && sizeof(Question) == 96 && sizeof(Detect) == 144 &&
                  sizeof(WaitFor) == 104 && sizeof(Step) == 288 && sizeof(Cause) == 328 && sizeof(DetailCode) == 96 &&
                  sizeof(Recipe) == 776 && sizeof(Contact) == 192,
              "a recipe record changed: pack and unpack the new field in diag/recipe_pack.cc");
#endif

// Bumped with every change of the layout below.
constexpr char kMagic[] = "caora-recipes/1";

class Writer {
 public:
  void u(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void s(const std::string& v) {
    u(v.size());
    out_ += v;
  }
  void t(const Text& v) {
    s(v.ja);
    s(v.en);
  }
  void j(const json& v) { s(v.dump()); }
  void strings(const std::vector<std::string>& v) {
    u(v.size());
    for (const auto& x : v) s(x);
  }
  template <typename T, typename F>
  void list(const std::vector<T>& v, F each) {
    u(v.size());
    for (const auto& x : v) each(x);
  }
  template <typename T, typename F>
  void opt(const std::optional<T>& v, F each) {
    u(v ? 1 : 0);
    if (v) each(*v);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Thrown inside the reader only, turned into an Error at its edge.
struct Truncated {};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint64_t u() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) throw Truncated{};
      auto byte = static_cast<unsigned char>(in_[pos_++]);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    throw Truncated{};
  }
  std::string s() {
    uint64_t n = u();
    if (n > in_.size() - pos_) throw Truncated{};
    std::string v(in_.substr(pos_, n));
    pos_ += n;
    return v;
  }
  Text t() {
    Text v;
    v.ja = s();
    v.en = s();
    return v;
  }
  json j() { return json::parse(s()); }
  std::vector<std::string> strings() {
    std::vector<std::string> v(count());
    for (auto& x : v) x = s();
    return v;
  }
  template <typename T, typename F>
  std::vector<T> list(F each) {
    std::vector<T> v;
    size_t n = count();
    v.reserve(n);
    for (; n > 0; --n) v.push_back(each());
    return v;
  }
  template <typename T, typename F>
  std::optional<T> opt(F each) {
    if (u() == 0) return std::nullopt;
    return each();
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  // Every element takes at least one byte: a count beyond the bytes left is damage.
  size_t count() {
    uint64_t n = u();
    if (n > in_.size() - pos_) throw Truncated{};
    return static_cast<size_t>(n);
  }
  std::string_view in_;
  size_t pos_ = 0;
};

void put_condition(Writer& w, const Condition& c) {
  w.s(c.op);
  w.j(c.operand);
}

Condition get_condition(Reader& r) {
  Condition c;
  c.op = r.s();
  c.operand = r.j();
  return c;
}

void put_checks(Writer& w, const std::vector<Check>& checks) {
  w.list(checks, [&](const Check& c) {
    w.s(c.probe);
    put_condition(w, c.present_if);
  });
}

std::vector<Check> get_checks(Reader& r) {
  return r.list<Check>([&] {
    Check c;
    c.probe = r.s();
    c.present_if = get_condition(r);
    return c;
  });
}

void put_step(Writer& w, const Step& s) {
  w.u(static_cast<uint64_t>(s.type));
  w.s(s.action);
  // Most steps have no parameters: an empty record instead of "{}" to parse.
  w.s(s.params.empty() && s.params.is_object() ? std::string() : s.params.dump());
  w.t(s.text);
  w.opt(s.wait_for, [&](const WaitFor& f) {
    w.u(static_cast<uint64_t>(f.seconds));
    w.s(f.probe);
    w.opt(f.until, [&](const Condition& c) { put_condition(w, c); });
    w.u(static_cast<uint64_t>(f.timeout_s));
  });
  w.s(s.to);
  w.strings(s.fields);
}

Step get_step(Reader& r) {
  Step s;
  uint64_t type = r.u();
  if (type > static_cast<uint64_t>(Step::Type::Escalate)) throw Truncated{};
  s.type = static_cast<Step::Type>(type);
  s.action = r.s();
  std::string params = r.s();
  if (!params.empty()) s.params = json::parse(params);
  s.text = r.t();
  s.wait_for = r.opt<WaitFor>([&] {
    WaitFor f;
    f.seconds = static_cast<int>(r.u());
    f.probe = r.s();
    f.until = r.opt<Condition>([&] { return get_condition(r); });
    f.timeout_s = static_cast<int>(r.u());
    return f;
  });
  s.to = r.s();
  s.fields = r.strings();
  return s;
}

void put_steps(Writer& w, const std::vector<Step>& steps) {
  w.list(steps, [&](const Step& s) { put_step(w, s); });
}

std::vector<Step> get_steps(Reader& r) {
  return r.list<Step>([&] { return get_step(r); });
}

void put_recipe(Writer& w, const Recipe& x) {
  w.s(x.id);
  w.s(x.kind);
  w.strings(x.audience);
  w.s(x.source_document);
  w.s(x.source_item);
  w.strings(x.codes);
  w.strings(x.screen_texts);
  w.list(x.details, [&](const DetailCode& d) {
    w.s(d.code);
    w.t(d.title);
  });
  w.t(x.title);
  w.t(x.summary);
  w.strings(x.keywords_ja);
  w.strings(x.keywords_en);
  w.list(x.causes, [&](const Cause& c) {
    w.s(c.id);
    w.t(c.title);
    w.strings(c.details);
    w.opt(c.detect, [&](const Detect& d) {
      put_checks(w, d.checks);
      w.u(d.match_all);
      w.opt(d.question, [&](const Question& q) {
        w.s(q.id);
        w.t(q.text);
      });
      w.u(d.from_detail);
    });
    put_steps(w, c.resolve);
    w.opt(c.verify_checks, [&](const std::vector<Check>& v) { put_checks(w, v); });
  });
  put_steps(w, x.steps);
  w.opt(x.escalate, [&](const Step& s) { put_step(w, s); });
  w.s(x.origin);
}

Recipe get_recipe(Reader& r) {
  Recipe x;
  x.id = r.s();
  x.kind = r.s();
  x.audience = r.strings();
  x.source_document = r.s();
  x.source_item = r.s();
  x.codes = r.strings();
  x.screen_texts = r.strings();
  x.details = r.list<DetailCode>([&] {
    DetailCode d;
    d.code = r.s();
    d.title = r.t();
    return d;
  });
  x.title = r.t();
  x.summary = r.t();
  x.keywords_ja = r.strings();
  x.keywords_en = r.strings();
  x.causes = r.list<Cause>([&] {
    Cause c;
    c.id = r.s();
    c.title = r.t();
    c.details = r.strings();
    c.detect = r.opt<Detect>([&] {
      Detect d;
      d.checks = get_checks(r);
      d.match_all = r.u() != 0;
      d.question = r.opt<Question>([&] {
        Question q;
        q.id = r.s();
        q.text = r.t();
        return q;
      });
      d.from_detail = r.u() != 0;
      return d;
    });
    c.resolve = get_steps(r);
    c.verify_checks = r.opt<std::vector<Check>>([&] { return get_checks(r); });
    return c;
  });
  x.steps = get_steps(r);
  x.escalate = r.opt<Step>([&] { return get_step(r); });
  x.origin = r.s();
  return x;
}

std::string_view g_pack;

}  // namespace

std::string pack_recipe_set(const RecipeSet& set) {
  Writer w;
  w.s(kMagic);
  w.list(set.recipes(), [&](const Recipe& x) { put_recipe(w, x); });
  w.u(set.contacts().size());
  for (const auto& kv : set.contacts()) {
    w.s(kv.first);
    w.t(kv.second.name);
    w.s(kv.second.phone);
    w.s(kv.second.mail);
    w.t(kv.second.hours);
  }
  return w.take();
}

Expected<RecipeSet> unpack_recipe_set(std::string_view bytes) {
  auto damaged = [] {
    return make_error(ErrorKind::Internal, "内蔵のレシピ（ビルド時に変換したもの）が壊れています",
                      "the built-in recipes (converted at build time) are damaged");
  };
  try {
    Reader r(bytes);
    if (r.s() != kMagic) return damaged();
    std::vector<Recipe> recipes = r.list<Recipe>([&] { return get_recipe(r); });
    std::map<std::string, Contact> contacts;
    for (uint64_t n = r.u(); n > 0; --n) {
      std::string id = r.s();
      Contact& c = contacts[id];
      c.name = r.t();
      c.phone = r.s();
      c.mail = r.s();
      c.hours = r.t();
    }
    if (!r.done()) return damaged();
    return RecipeSet::from_checked(std::move(recipes), std::move(contacts));
  } catch (const Truncated&) {
    return damaged();
  } catch (const json::exception&) {
    return damaged();
  }
}

bool register_recipe_pack(std::string_view bytes) {
  g_pack = bytes;
  return true;
}

std::string_view registered_recipe_pack() { return g_pack; }

}  // namespace caora
