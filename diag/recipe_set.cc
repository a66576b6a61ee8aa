#include "diag/recipe_set.h"
#include "core/json_util.h"

#include <algorithm>

#include "core/embedded.h"
#include "core/strings.h"
#include "diag/recipe_pack.h"

namespace caora {

using nlohmann::json;

static Expected<std::map<std::string, Contact>> parse_contacts(const std::string& text, const std::string& origin) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return make_error(ErrorKind::Parse, origin + ": JSONとして読めません", origin + ": not valid JSON");
  std::map<std::string, Contact> out;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const json& c = it.value();
    if (!c.is_object() || !c.contains("name") || !c["name"].is_object())
      return make_error(ErrorKind::Parse, origin + " (/" + it.key() + "): name がありません", origin + " (/" + it.key() + "): missing name");
    Contact contact;
    contact.name = {json_string(c["name"], "ja"), json_string(c["name"], "en")};
    contact.phone = json_string(c, "phone");
    contact.mail = json_string(c, "mail");
    if (c.contains("hours") && c["hours"].is_object()) contact.hours = {json_string(c["hours"], "ja"), json_string(c["hours"], "en")};
    out[it.key()] = contact;
  }
  return out;
}

Expected<RecipeSet> RecipeSet::from_files(const std::vector<std::pair<std::string, std::string>>& files) {
  RecipeSet set;
  bool have_contacts = false;
  for (const auto& f : files) {
    const std::string& name = f.first;
    if (ends_with(name, "contacts.json")) {
      auto c = parse_contacts(f.second, name);
      if (!c) return c.error();
      set.contacts_ = *c;
      have_contacts = true;
      continue;
    }
    if (ends_with(name, ".schema.json") || !ends_with(name, ".json")) continue;
    auto r = parse_recipe(f.second, name);
    if (!r) return r.error();
    if (set.by_id(r->id))
      return make_error(ErrorKind::Parse, name + ": レシピID " + r->id + " が重複しています（" + set.by_id(r->id)->origin + "）",
                        name + ": recipe id " + r->id + " is also used by " + set.by_id(r->id)->origin);
    for (const auto& code : r->codes)
      if (const Recipe* other = set.by_code(code))
        return make_error(ErrorKind::Parse, name + ": コード " + code + " は " + other->origin + " にもあります",
                          name + ": code " + code + " is also claimed by " + other->origin);
    set.recipes_.push_back(std::move(r.value()));
  }
  if (!have_contacts)
    return make_error(ErrorKind::Parse, "contacts.json がありません", "contacts.json is missing from the recipe set");
  for (const auto& r : set.recipes_) {
    auto check = [&](const Step& s) -> Status {
      if (s.type == Step::Type::Escalate && !set.contacts_.count(s.to))
        return make_error(ErrorKind::Parse, r.origin + ": 連絡先 " + s.to + " が contacts.json にありません",
                          r.origin + ": contact " + s.to + " is not in contacts.json");
      return ok_status();
    };
    std::vector<const Step*> all;
    for (const auto& c : r.causes)
      for (const auto& s : c.resolve) all.push_back(&s);
    for (const auto& s : r.steps) all.push_back(&s);
    if (r.escalate) all.push_back(&*r.escalate);
    for (const Step* s : all) {
      Status st = check(*s);
      if (!st) return st.error();
    }
  }
  return set;
}

Expected<RecipeSet> RecipeSet::embedded() {
  std::string_view pack = registered_recipe_pack();
  return pack.empty() ? embedded_json() : unpack_recipe_set(pack);
}

Expected<RecipeSet> RecipeSet::embedded_json() {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& path : embedded_paths("recipes/")) files.emplace_back(path, embedded_file(path));
  return from_files(files);
}

Expected<RecipeSet> RecipeSet::from_dir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return make_error(ErrorKind::NotFound, "レシピフォルダがありません: " + display_path(dir), "no recipe folder at " + display_path(dir));
  std::vector<std::pair<std::string, std::string>> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file() || it->path().extension() != ".json") continue;
    auto text = read_file(it->path());
    if (!text) return text.error();
    files.emplace_back(display_path(it->path()), *text);
  }
  if (ec) return fs_error(ec, dir, "レシピフォルダを読み込み", "read the recipe folder");
  std::sort(files.begin(), files.end());
  return from_files(files);
}

RecipeSet RecipeSet::from_checked(std::vector<Recipe> recipes, std::map<std::string, Contact> contacts) {
  RecipeSet set;
  set.recipes_ = std::move(recipes);
  set.contacts_ = std::move(contacts);
  return set;
}

const Recipe* RecipeSet::by_id(const std::string& id) const {
  for (const auto& r : recipes_)
    if (r.id == id) return &r;
  return nullptr;
}

const Recipe* RecipeSet::by_code(const std::string& code) const {
  for (const auto& r : recipes_)
    if (r.has_code(code)) return &r;
  return nullptr;
}

std::vector<const Recipe*> RecipeSet::by_detail(const std::string& detail) const {
  std::vector<const Recipe*> out;
  for (const auto& r : recipes_)
    if (r.find_detail(detail)) out.push_back(&r);
  return out;
}

const Contact* RecipeSet::contact(const std::string& id) const {
  auto it = contacts_.find(id);
  return it == contacts_.end() ? nullptr : &it->second;
}

}  // namespace caora
