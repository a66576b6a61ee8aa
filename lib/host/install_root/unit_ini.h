// CJKA<serial>.ini: the per-unit settings file of the Caora application. The
// application recreates it at the next start when it is missing, which is the
// vendor's fix for a corrupt one (FUJ906 xxxxC02-4). A file is corrupt when it
// is empty, holds NUL bytes (a write cut short by a power loss), is not text,
// or has a line that is neither a [section], key=value, comment nor blank.
#pragma once

#include <map>
#include <string>

#include "core/result.h"

namespace caora {

struct UnitIni {
  // section -> key -> value (keys as written; sections "" for keys before any header)
  std::map<std::string, std::map<std::string, std::string>> sections;
  const std::string* find(const std::string& key) const;
};

Expected<UnitIni> parse_unit_ini(const std::string& bytes);

}  // namespace caora
