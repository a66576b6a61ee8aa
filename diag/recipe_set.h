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
  static Expected<RecipeSet> embedded();
  static Expected<RecipeSet> from_dir(const fs::path& dir);
  // From (path, text) pairs; the contacts file is recognised by its name.
  static Expected<RecipeSet> from_files(const std::vector<std::pair<std::string, std::string>>& files);

  const std::vector<Recipe>& recipes() const { return recipes_; }
  const Recipe* by_id(const std::string& id) const;
  const Recipe* by_code(const std::string& code) const;
  std::vector<const Recipe*> by_detail(const std::string& detail) const;
  const Contact* contact(const std::string& id) const;

 private:
  std::vector<Recipe> recipes_;
  std::map<std::string, Contact> contacts_;
};

}  // namespace caora
