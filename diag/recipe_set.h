// All recipes plus the escalation contacts: the embedded set, or a folder
// given with --recipes DIR (same layout as recipes/ in the source tree).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "diag/recipe.h"

namespace caora {

struct Contact {
  Text name;
  std::string phone;
  std::string mail;
  Text hours;
};

class RecipeSet {
 public:
  // The built-in recipes: pre-parsed at build time when the program carries them so
  // (diag/recipe_pack.h), else parsed from the embedded JSON.
  static Expected<RecipeSet> embedded();
  // The embedded JSON parsed, whatever the program carries (the packer; the tests).
  static Expected<RecipeSet> embedded_json();
  static Expected<RecipeSet> from_dir(const fs::path& dir);
  // From (path, text) pairs; the contacts file is recognised by its name.
  static Expected<RecipeSet> from_files(const std::vector<std::pair<std::string, std::string>>& files);

  const std::vector<Recipe>& recipes() const { return recipes_; }
  const Recipe* by_id(const std::string& id) const;
  const Recipe* by_code(const std::string& code) const;
  std::vector<const Recipe*> by_detail(const std::string& detail) const;
  const Contact* contact(const std::string& id) const;
  const std::map<std::string, Contact>& contacts() const { return contacts_; }
  // Recipes and contacts from_files() has already checked (diag/recipe_pack.cc).
  static RecipeSet from_checked(std::vector<Recipe> recipes, std::map<std::string, Contact> contacts);

 private:
  std::vector<Recipe> recipes_;
  std::map<std::string, Contact> contacts_;
};

}  // namespace caora
