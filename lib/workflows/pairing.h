// `caora pair`: the units this terminal has, built from the probes (so it works
// on a live terminal and on a recorded site alike), and what the vendor's
// installation rules say about them: connected directly (no hub), USB 2.0 high
// speed or better, an RNDIS adapter with its address and no overlapping
// subnet, a PC/SC reader per unit, no other vendor's reader, at most four
// units, one multi-unit licence per unit beyond the first, and the power-on
// order (unit first, then terminal).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "host/host.h"
#include "workflows/inventory.h"
#include "usb/usb.h"

namespace caora {

struct PairAdapter {
  std::string name, driver;
  bool enabled = true;
  std::vector<std::string> ipv4;      // "192.168.250.2/24"
  std::vector<std::string> overlaps;  // "eth0:192.168.0.20/16"
};

struct PairUnit {
  std::string port_path;
  std::optional<std::string> serial;
  std::string speed;  // "high", "full", … or "unknown"
  std::string usb_id;
  bool behind_hub = false;
  std::vector<PairAdapter> adapters;
  std::optional<std::string> reader;
  // From the inventory (a live terminal only).
  std::string first_seen, last_seen;
  std::optional<std::string> moved_from;
};

struct PairFinding {
  std::string id;        // "behind-hub", "no-reader", …
  std::string severity;  // "problem" (exit 1), "warning", "info"
  std::optional<std::string> unit;  // serial, else port path
  Text text;
};

struct PairReport {
  std::vector<PairUnit> units;
  bool units_known = false;  // USB could be read
  std::vector<std::string> readers, foreign_readers;
  bool readers_known = false;
  bool adapters_known = false;  // each unit's adapters were read
  int licences_needed = 0;
  std::optional<int> licences_bought;
  std::vector<PairFinding> findings;
  std::vector<std::pair<std::string, Text>> unknown;  // probe, why it could not be read
  bool has_problem() const;
};

// The units and every finding that needs no inventory.
PairReport build_pair_report(Host& host, const usb::UnitTable& table, std::optional<int> licences_bought);
// Records the units in the inventory and adds what it tells: new units, moved ports.
void note_inventory(PairReport& report, Inventory& inventory, const std::string& now);

nlohmann::json pair_json(const PairReport& report);
std::string pair_text(const PairReport& report, Lang lang);

}  // namespace caora
