#include "diag/recipe_pack.h"

#include <cstdint>

namespace caora {

using nlohmann::json;

namespace {

// Raised when a field is added to one of the recipe records, to remind that it be
// added to its fields() below; the layout is only checked where it is known (64-bit libstdc++).
#if defined(__GLIBCXX__) && defined(__x86_64__)
static_assert(sizeof(Condition) == 48 && sizeof(Check) == 200 && sizeof(Question) == 96 && sizeof(Detect) == 144 &&
                  sizeof(WaitFor) == 104 && sizeof(Step) == 296 && sizeof(Cause) == 408 && sizeof(DetailCode) == 96 && sizeof(NoProbe) == 64 &&
                  sizeof(Recipe) == 808 && sizeof(Contact) == 192 && sizeof(Conflict) == 88,
              "a recipe record changed: add the new field to its fields() in diag/recipe_pack.cc");
#endif

// Bumped with every change of the layout below.
constexpr char kMagic[] = "caora-recipes/3";

// Each record's fields, in the order they are stored: the one list both the writer
// and the reader walk, so that the two cannot disagree.
#define CAORA_PACKED_FIELDS(Type, ...)  \
  template <class A>                    \
  void fields(A& a, Type& x) {          \
    a.each(__VA_ARGS__);                \
  }
CAORA_PACKED_FIELDS(Text, x.ja, x.en)
CAORA_PACKED_FIELDS(Condition, x.op, x.operand)
CAORA_PACKED_FIELDS(Check, x.probe, x.present_if, x.unknown_if, x.why)
CAORA_PACKED_FIELDS(Question, x.id, x.text)
CAORA_PACKED_FIELDS(Detect, x.checks, x.match_all, x.question, x.from_detail)
CAORA_PACKED_FIELDS(WaitFor, x.seconds, x.probe, x.until, x.timeout_s)
CAORA_PACKED_FIELDS(Step, x.type, x.action, x.params, x.text, x.wait_for, x.to, x.fields, x.advice)
CAORA_PACKED_FIELDS(Cause, x.id, x.title, x.details, x.detect, x.resolve, x.verify_checks, x.advice, x.no_probe)
CAORA_PACKED_FIELDS(NoProbe, x.reason, x.note)
CAORA_PACKED_FIELDS(DetailCode, x.code, x.title)
CAORA_PACKED_FIELDS(Conflict, x.about, x.texts)
CAORA_PACKED_FIELDS(Recipe, x.id, x.kind, x.audience, x.source_document, x.source_item, x.codes, x.screen_texts,
                    x.details, x.title, x.summary, x.keywords_ja, x.keywords_en, x.causes, x.steps, x.escalate, x.conflicts, x.origin)
CAORA_PACKED_FIELDS(Contact, x.name, x.phone, x.mail, x.hours)
#undef CAORA_PACKED_FIELDS

// The field lists call each() on the writer and the reader alike.
template <class Archive>
struct Fields {
  template <class... T>
  void each(T&... v) {
    (static_cast<Archive&>(*this)(v), ...);
  }
};

// Most steps have no parameters: an empty string (never a JSON text) instead of "{}" to parse.
bool empty_object(const json& j) { return j.is_object() && j.empty(); }

class Writer : public Fields<Writer> {
 public:
  void operator()(std::string& v) { put(v); }
  void operator()(bool v) { u(v); }
  void operator()(int v) { u(static_cast<uint64_t>(static_cast<int64_t>(v))); }
  void operator()(Step::Type v) { u(static_cast<uint64_t>(v)); }
  void operator()(json& v) { put(empty_object(v) ? std::string() : v.dump()); }
  template <class T>
  void operator()(std::vector<T>& v) {
    u(v.size());
    for (auto& x : v) (*this)(x);
  }
  template <class T>
  void operator()(std::optional<T>& v) {
    u(v ? 1 : 0);
    if (v) (*this)(*v);
  }
  template <class T>
  void operator()(std::map<std::string, T>& v) {
    u(v.size());
    for (auto& kv : v) put(kv.first), (*this)(kv.second);
  }
  template <class T>
  void operator()(T& v) {
    fields(*this, v);
  }
  std::string take() { return std::move(out_); }

 private:
  void u(uint64_t v) {
    for (; v >= 0x80; v >>= 7) out_.push_back(static_cast<char>(v | 0x80));
    out_.push_back(static_cast<char>(v));
  }
  void put(std::string_view v) {
    u(v.size());
    out_ += v;
  }
  std::string out_;
};

// Thrown inside the reader only, turned into an Error at its edge.
struct Damaged {};

class Reader : public Fields<Reader> {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  void operator()(std::string& v) {
    size_t n = count();
    v.assign(in_.substr(pos_, n));
    pos_ += n;
  }
  void operator()(bool& v) { v = u() != 0; }
  void operator()(int& v) { v = static_cast<int>(static_cast<int64_t>(u())); }
  void operator()(Step::Type& v) {
    uint64_t t = u();
    if (t > static_cast<uint64_t>(Step::Type::Escalate)) throw Damaged{};
    v = static_cast<Step::Type>(t);
  }
  void operator()(json& v) {
    std::string text;
    (*this)(text);
    v = text.empty() ? json::object() : json::parse(text);
  }
  template <class T>
  void operator()(std::vector<T>& v) {
    v.resize(count());
    for (auto& x : v) (*this)(x);
  }
  template <class T>
  void operator()(std::optional<T>& v) {
    if (u() == 0) return v.reset();
    (*this)(v.emplace());
  }
  template <class T>
  void operator()(std::map<std::string, T>& v) {
    for (size_t n = count(); n > 0; --n) {
      std::string key;
      (*this)(key);
      (*this)(v[key]);
    }
  }
  template <class T>
  void operator()(T& v) {
    fields(*this, v);
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  uint64_t u() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) throw Damaged{};
      auto byte = static_cast<unsigned char>(in_[pos_++]);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    throw Damaged{};
  }
  // A string's bytes, and every element of a list, take at least one byte each: a
  // count beyond the bytes left is damage, found before anything is allocated for it.
  size_t count() {
    uint64_t n = u();
    if (n > in_.size() - pos_) throw Damaged{};
    return static_cast<size_t>(n);
  }
  std::string_view in_;
  size_t pos_ = 0;
};

std::string_view g_pack;

}  // namespace

std::string pack_recipe_set(const RecipeSet& set) {
  // Copies, so that one fields() list serves both directions (packing is a build step).
  std::vector<Recipe> recipes = set.recipes();
  std::map<std::string, Contact> contacts = set.contacts();
  std::string magic = kMagic;
  Writer w;
  w(magic);
  w(recipes);
  w(contacts);
  return w.take();
}

Expected<RecipeSet> unpack_recipe_set(std::string_view bytes) {
  try {
    Reader r(bytes);
    std::string magic;
    r(magic);
    if (magic != kMagic) throw Damaged{};
    std::vector<Recipe> recipes;
    std::map<std::string, Contact> contacts;
    r(recipes);
    r(contacts);
    if (!r.done()) throw Damaged{};
    return RecipeSet::from_checked(std::move(recipes), std::move(contacts));
  } catch (const Damaged&) {
  } catch (const json::exception&) {
  }
  return make_error(ErrorKind::Internal, "内蔵のレシピ（ビルド時に変換したもの）が壊れています",
                    "the built-in recipes (converted at build time) are damaged");
}

bool register_recipe_pack(std::string_view bytes) {
  g_pack = bytes;
  return true;
}

std::string_view registered_recipe_pack() { return g_pack; }

}  // namespace caora
