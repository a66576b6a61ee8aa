// Reading a few fields out of a large JSON document. nlohmann's parser builds
// (and lexes byte by byte) everything; when a caller needs a handful of keys
// out of tens of kilobytes, most of the time goes into parts it then throws
// away. parse_json_pruned checks the whole text as strictly as nlohmann does
// (the same grammar, UTF-8, surrogate pairs, numbers a double can hold) but
// builds only the subtrees the caller keeps; the rest is skipped by a scanner
// that does not allocate. One difference: a NUL byte outside a string is
// refused, where nlohmann stops reading at it and accepts what came before.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace caora {

enum class Prune {
  Skip,     // checked, not built
  Keep,     // built whole
  Descend,  // an object or array whose members are asked about one by one
};

// `path` holds the object keys from the document down to the member asked
// about; an array element appears as "[]". The document itself is always
// descended into. A Descend on a value that is neither object nor array keeps
// it whole.
using PruneRule = std::function<Prune(const std::vector<std::string>& path)>;

// Parse errors carry the byte offset, in both languages.
Expected<nlohmann::json> parse_json_pruned(std::string_view text, const PruneRule& rule);

}  // namespace caora
