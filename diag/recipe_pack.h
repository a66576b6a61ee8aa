// The embedded recipes pre-parsed at build time. Parsing ~400 kB of recipe JSON was
// four fifths of the work of `caora diagnose` (and of `list`, `explain`): the build
// runs the loader once (diag/tools/pack_recipes.cc), so the recipes are validated
// before caora ships, and caora reads the resulting records back, which costs a small
// fraction of the parse. Cross builds, which cannot run the packer, parse the JSON.
#pragma once

#include <string>
#include <string_view>

#include "diag/recipe_set.h"

namespace caora {

// The records of every recipe and contact, in the set's order.
std::string pack_recipe_set(const RecipeSet& set);
// The set back; an error (Internal: the build wrote it) when the bytes are cut short or
// were written by another layout.
Expected<RecipeSet> unpack_recipe_set(std::string_view bytes);

// The generated recipe_pack.cc registers its bytes from a static initialiser, so that
// RecipeSet::embedded() reads them when the program was linked with it.
bool register_recipe_pack(std::string_view bytes);
std::string_view registered_recipe_pack();

}  // namespace caora
