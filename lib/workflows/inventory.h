// The units this terminal has seen, kept in the state folder (inventory.json):
// serial, USB port path, reader name, first and last seen, and the number of
// multi-unit licences bought. `caora pair` updates it under the site lock, so
// it can say when a unit moved to another port since the last run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/fs.h"
#include "core/result.h"

namespace caora {

struct InventoryUnit {
  std::string serial;
  std::string port_path;
  std::string reader;  // empty when no reader was matched
  std::string first_seen, last_seen;
};

struct Inventory {
  std::optional<int> licences;  // multi-unit licences bought (--licences N)
  std::vector<InventoryUnit> units;
};

fs::path inventory_path(const fs::path& state_dir);
// `name` is used in error messages (the file's path).
Expected<Inventory> parse_inventory(const std::string& text, const std::string& name);
std::string inventory_text(const Inventory& inv);
// A missing file is an empty inventory; a damaged one is an error naming the file.
Expected<Inventory> load_inventory(const fs::path& state_dir);
// Written whole through a temp file and a rename.
Status save_inventory(const fs::path& state_dir, const Inventory& inv);

// One unit as seen now.
struct Sighting {
  std::string serial;
  std::string port_path;
  std::string reader;
};

struct SightingResult {
  std::string serial;
  bool first_time = false;
  std::optional<std::string> moved_from;  // the port it was last seen on
  std::string first_seen;
};

// Records what was seen at `now` and says, per unit, whether it is new or moved.
std::vector<SightingResult> record_sightings(Inventory& inv, const std::vector<Sighting>& seen, const std::string& now);

}  // namespace caora
