#include "diag/recipe.h"

#include <algorithm>
#include <set>

#include "host/vocabulary.h"

namespace caora {

using nlohmann::json;

bool Cause::applies_to(const std::optional<std::string>& detail) const {
  if (!detail || details.empty()) return true;
  for (const auto& d : details)
    if (d == *detail) return true;
  return false;
}

bool Recipe::has_code(const std::string& code) const {
  for (const auto& c : codes)
    if (c == code) return true;
  return false;
}

const DetailCode* Recipe::find_detail(const std::string& detail) const {
  for (const auto& d : details)
    if (d.code == detail) return &d;
  return nullptr;
}

const std::vector<std::string>& no_probe_reasons() {
  static const std::vector<std::string> r = {
      "person-sees",   // only a person at the counter sees it: the card, a hand, the face, the phone, the unit's screen
      "physical",      // the unit's hardware, cleanliness, power or cables, invisible to the terminal
      "surroundings",  // the room: light, where the unit stands, devices nearby
      "practice",      // what staff do or did, of which nothing keeps a record
      "remote",        // held by the online qualification system, Mynaportal, J-LIS, the vendor or the site's router
      "account",       // a secret caora must not read
      "no-reference",  // readable, but nothing says what the right value is
      "unspecified",   // the vendor's catch-all
  };
  return r;
}

namespace {

// Thrown inside the parser only, turned into an Error at its edge.
struct RecipeError {
  std::string pointer;
  std::string ja, en;
};

[[noreturn]] void fail(const std::string& ptr, const std::string& ja, const std::string& en) {
  throw RecipeError{ptr, ja, en};
}

const json& need(const json& j, const std::string& ptr, const char* key) {
  if (!j.is_object()) fail(ptr, "オブジェクトが必要です", "an object is required");
  auto it = j.find(key);
  if (it == j.end()) fail(ptr, std::string(key) + " がありません", std::string("missing '") + key + "'");
  return *it;
}

std::string str(const json& j, const std::string& ptr) {
  if (!j.is_string() || j.get<std::string>().empty()) fail(ptr, "空でない文字列が必要です", "a non-empty string is required");
  return j.get<std::string>();
}

std::string need_str(const json& j, const std::string& ptr, const char* key) {
  return str(need(j, ptr, key), ptr + "/" + key);
}

Text text(const json& j, const std::string& ptr) {
  if (!j.is_object()) fail(ptr, "{\"ja\":…, \"en\":…} が必要です", "a {\"ja\":…, \"en\":…} text is required");
  return {need_str(j, ptr, "ja"), need_str(j, ptr, "en")};
}

std::vector<std::string> strings(const json& j, const std::string& ptr) {
  if (!j.is_array()) fail(ptr, "文字列の配列が必要です", "an array of strings is required");
  std::vector<std::string> out;
  for (size_t i = 0; i < j.size(); ++i) out.push_back(str(j[i], ptr + "/" + std::to_string(i)));
  return out;
}

Condition condition(const json& j, const std::string& ptr) {
  static const std::set<std::string> ops = {"eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "empty"};
  if (!j.is_object() || j.size() != 1) fail(ptr, "条件は演算子を1つだけ持つオブジェクトです", "a condition is an object with exactly one operator");
  Condition c{j.begin().key(), j.begin().value()};
  if (!ops.count(c.op)) fail(ptr + "/" + c.op, "未知の演算子です", "unknown operator");
  if ((c.op == "in" || c.op == "not_in") && !c.operand.is_array()) fail(ptr + "/" + c.op, "配列が必要です", "an array is required");
  if (c.op == "empty" && !c.operand.is_boolean()) fail(ptr + "/empty", "true/false が必要です", "true or false is required");
  return c;
}

std::string probe_name(const json& j, const std::string& ptr) {
  std::string name = str(j, ptr);
  if (find_probe_spec(name) == nullptr) fail(ptr, "未定義のプローブです: " + name, "unknown probe: " + name);
  return name;
}

std::vector<Check> checks(const json& j, const std::string& ptr) {
  if (!j.is_array() || j.empty()) fail(ptr, "チェックの配列が必要です", "a non-empty array of checks is required");
  std::vector<Check> out;
  for (size_t i = 0; i < j.size(); ++i) {
    std::string p = ptr + "/" + std::to_string(i);
    Check c{probe_name(need(j[i], p, "probe"), p + "/probe"), condition(need(j[i], p, "present_if"), p + "/present_if"), std::nullopt, {}};
    if (j[i].contains("unknown_if")) {
      c.unknown_if = condition(j[i]["unknown_if"], p + "/unknown_if");
      c.why = text(need(j[i], p, "why"), p + "/why");
    } else if (j[i].contains("why")) {
      fail(p + "/why", "why は unknown_if と一緒に書きます", "why goes with unknown_if");
    }
    out.push_back(std::move(c));
  }
  return out;
}

const std::set<std::string>& contacts() {
  static const std::set<std::string> c = {"vendor-support", "ons-call-centre", "terminal-vendor", "fund", "municipality", "site-network-admin"};
  return c;
}

bool advice_flag(const json& j, const std::string& ptr) {
  if (!j.contains("advice")) return false;
  if (!j["advice"].is_boolean() || !j["advice"].get<bool>()) fail(ptr + "/advice", "true だけが書けます", "only true is allowed");
  return true;
}

Step step(const json& j, const std::string& ptr) {
  Step s;
  std::string type = need_str(j, ptr, "type");
  s.advice = advice_flag(j, ptr);
  if (type == "action") {
    s.type = Step::Type::Action;
    s.action = need_str(j, ptr, "action");
    if (find_action_spec(s.action) == nullptr) fail(ptr + "/action", "未定義のアクションです: " + s.action, "unknown action: " + s.action);
    if (j.contains("params")) {
      if (!j["params"].is_object()) fail(ptr + "/params", "オブジェクトが必要です", "an object is required");
      s.params = j["params"];
    }
    s.text = text(need(j, ptr, "text"), ptr + "/text");
  } else if (type == "manual" || type == "info") {
    s.type = type == "manual" ? Step::Type::Manual : Step::Type::Info;
    s.text = text(need(j, ptr, "text"), ptr + "/text");
    if (j.contains("wait_for")) {
      if (s.type != Step::Type::Manual) fail(ptr + "/wait_for", "wait_for は manual だけに書けます", "wait_for belongs to manual steps only");
      const json& w = j["wait_for"];
      std::string wp = ptr + "/wait_for";
      WaitFor wf;
      if (w.is_object() && w.contains("seconds")) {
        if (!w["seconds"].is_number_integer() || w["seconds"].get<int>() < 1 || w["seconds"].get<int>() > 3600)
          fail(wp + "/seconds", "1〜3600 の整数が必要です", "an integer 1..3600 is required");
        wf.seconds = w["seconds"].get<int>();
      } else {
        wf.probe = probe_name(need(w, wp, "probe"), wp + "/probe");
        wf.until = condition(need(w, wp, "until"), wp + "/until");
        if (w.contains("timeout_s")) {
          if (!w["timeout_s"].is_number_integer() || w["timeout_s"].get<int>() < 1)
            fail(wp + "/timeout_s", "正の整数が必要です", "a positive integer is required");
          wf.timeout_s = w["timeout_s"].get<int>();
        }
      }
      s.wait_for = wf;
    }
  } else if (type == "escalate") {
    s.type = Step::Type::Escalate;
    s.to = need_str(j, ptr, "to");
    if (!contacts().count(s.to)) fail(ptr + "/to", "未知の連絡先です: " + s.to, "unknown contact: " + s.to);
    if (j.contains("text")) s.text = text(j["text"], ptr + "/text");
    if (j.contains("fields")) s.fields = strings(j["fields"], ptr + "/fields");
  } else {
    fail(ptr + "/type", "type は action/manual/info/escalate のいずれかです", "type must be action, manual, info or escalate");
  }
  return s;
}

std::vector<Step> steps(const json& j, const std::string& ptr) {
  if (!j.is_array()) fail(ptr, "手順の配列が必要です", "an array of steps is required");
  std::vector<Step> out;
  for (size_t i = 0; i < j.size(); ++i) out.push_back(step(j[i], ptr + "/" + std::to_string(i)));
  return out;
}

Recipe recipe_from(const json& j) {
  if (!j.is_object()) fail("", "レシピはJSONオブジェクトです", "a recipe is a JSON object");
  Recipe r;
  r.id = need_str(j, "", "id");
  r.kind = need_str(j, "", "kind");
  if (r.kind != "error" && r.kind != "screen" && r.kind != "qa" && r.kind != "faq")
    fail("/kind", "kind は error/screen/qa/faq のいずれかです", "kind must be error, screen, qa or faq");
  r.audience = strings(need(j, "", "audience"), "/audience");
  const json& src = need(j, "", "source");
  r.source_document = need_str(src, "/source", "document");
  r.source_item = need_str(src, "/source", "item");
  if (j.contains("codes")) r.codes = strings(j["codes"], "/codes");
  if (j.contains("screen_texts")) r.screen_texts = strings(j["screen_texts"], "/screen_texts");
  if (j.contains("details")) {
    const json& d = j["details"];
    if (!d.is_array()) fail("/details", "配列が必要です", "an array is required");
    for (size_t i = 0; i < d.size(); ++i) {
      std::string p = "/details/" + std::to_string(i);
      r.details.push_back({need_str(d[i], p, "code"), text(need(d[i], p, "title"), p + "/title")});
    }
  }
  r.title = text(need(j, "", "title"), "/title");
  r.summary = text(need(j, "", "summary"), "/summary");
  const json& kw = need(j, "", "keywords");
  r.keywords_ja = strings(need(kw, "/keywords", "ja"), "/keywords/ja");
  r.keywords_en = strings(need(kw, "/keywords", "en"), "/keywords/en");
  const json& cs = need(j, "", "causes");
  if (!cs.is_array()) fail("/causes", "配列が必要です", "an array is required");
  std::set<std::string> cause_ids;
  for (size_t i = 0; i < cs.size(); ++i) {
    std::string p = "/causes/" + std::to_string(i);
    Cause c;
    c.id = need_str(cs[i], p, "id");
    if (!cause_ids.insert(c.id).second) fail(p + "/id", "原因IDが重複しています: " + c.id, "duplicate cause id: " + c.id);
    c.title = text(need(cs[i], p, "title"), p + "/title");
    c.advice = advice_flag(cs[i], p);
    if (cs[i].contains("details")) {
      c.details = strings(cs[i]["details"], p + "/details");
      for (size_t k = 0; k < c.details.size(); ++k)
        if (r.find_detail(c.details[k]) == nullptr)
          fail(p + "/details/" + std::to_string(k), "レシピにない詳細コードです: " + c.details[k], "not a detail code of this recipe: " + c.details[k]);
    }
    if (cs[i].contains("detect")) {
      const json& d = cs[i]["detect"];
      Detect det;
      if (d.contains("checks")) det.checks = checks(d["checks"], p + "/detect/checks");
      if (d.contains("match")) det.match_all = str(d["match"], p + "/detect/match") == "all";
      if (d.contains("question")) {
        std::string qp = p + "/detect/question";
        det.question = Question{need_str(d["question"], qp, "id"), text(need(d["question"], qp, "text"), qp + "/text")};
      }
      if (d.contains("from_detail")) {
        if (!d["from_detail"].is_boolean() || !d["from_detail"].get<bool>())
          fail(p + "/detect/from_detail", "true だけが書けます", "only true is allowed");
        if (c.details.empty())
          fail(p + "/detect/from_detail", "from_detail には原因の details が必要です", "from_detail needs the cause's details");
        det.from_detail = true;
      }
      if (det.checks.empty() && !det.question && !det.from_detail)
        fail(p + "/detect", "checks か question か from_detail が必要です", "checks, a question or from_detail is required");
      c.detect = det;
    }
    c.resolve = steps(need(cs[i], p, "resolve"), p + "/resolve");
    if (cs[i].contains("verify") && cs[i]["verify"].is_object())
      c.verify_checks = checks(need(cs[i]["verify"], p + "/verify", "checks"), p + "/verify/checks");
    if (cs[i].contains("no_probe")) {
      const json& np = cs[i]["no_probe"];
      std::string pp = p + "/no_probe";
      NoProbe n{need_str(np, pp, "reason"), {}};
      const auto& words = no_probe_reasons();
      if (std::find(words.begin(), words.end(), n.reason) == words.end())
        fail(pp + "/reason", "未知の理由です: " + n.reason, "unknown reason: " + n.reason);
      if (np.contains("note")) n.note = str(np["note"], pp + "/note");
      if (c.detect && (!c.detect->checks.empty() || c.detect->from_detail))
        fail(pp, "プローブか詳細コードで判定する原因には書けません", "a cause decided by a probe or the detail code has no no_probe");
      c.no_probe = std::move(n);
    }
    r.causes.push_back(std::move(c));
  }
  if (j.contains("steps")) r.steps = steps(j["steps"], "/steps");
  if (j.contains("escalate")) {
    json e = j["escalate"];
    e["type"] = "escalate";
    r.escalate = step(e, "/escalate");
  }
  if (j.contains("conflicts")) {
    const json& cf = j["conflicts"];
    if (!cf.is_array()) fail("/conflicts", "配列が必要です", "an array is required");
    for (size_t i = 0; i < cf.size(); ++i) {
      std::string p = "/conflicts/" + std::to_string(i);
      Conflict c{text(need(cf[i], p, "about"), p + "/about"), strings(need(cf[i], p, "texts"), p + "/texts")};
      if (c.texts.size() < 2) fail(p + "/texts", "食い違う記載を2つ以上書いてください", "give at least two conflicting texts");
      r.conflicts.push_back(std::move(c));
    }
  }
  return r;
}

// Byte offset -> "line L, column C" (1-based, columns in bytes).
std::string position(const std::string& text, size_t byte) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < text.size() && i < byte; ++i) {
    if (text[i] == '\n') ++line, col = 1;
    else ++col;
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

}  // namespace

Expected<Recipe> parse_recipe(const std::string& text, const std::string& origin) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    std::string at = origin + ":" + position(text, e.byte > 0 ? e.byte - 1 : 0);
    return make_error(ErrorKind::Parse, at + ": JSONの構文エラーです", at + ": JSON syntax error");
  } catch (const json::exception& e) {
    // Not a syntax error but still unreadable, e.g. a number too large for a double
    // (out_of_range 406): found by fuzz_recipe.
    return make_error(ErrorKind::Parse, origin + ": " + e.what(), origin + ": " + e.what());
  }
  try {
    Recipe r = recipe_from(j);
    r.origin = origin;
    return r;
  } catch (const RecipeError& e) {
    std::string at = origin + " (" + (e.pointer.empty() ? "/" : e.pointer) + ")";
    return make_error(ErrorKind::Parse, at + ": " + e.ja, at + ": " + e.en);
  } catch (const json::exception& e) {
    return make_error(ErrorKind::Parse, origin + ": " + e.what(), origin + ": " + e.what());
  }
}

}  // namespace caora
