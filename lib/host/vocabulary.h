// The probe and action vocabulary: every fact caora can read about a site and
// every change it can make, declared once. Backends implement subsets of it;
// recipes may only name what is declared here (a test enforces that).
#pragma once

#include <string>
#include <vector>

#include "core/text.h"

namespace caora {

enum class ValueType { Bool, Int, String, Version, StringList };

const char* value_type_name(ValueType type);

// Where a probe or action can have a live implementation.
enum Platform : unsigned { kLinux = 1u, kWindows = 2u, kAnyPlatform = kLinux | kWindows };

struct ProbeSpec {
  const char* name;
  ValueType type;
  Text description;
  unsigned platforms;
  // Slow probes (USB, network, PC/SC enumeration) run last in `doctor`.
  bool slow;
};

struct ActionSpec {
  const char* name;
  Text description;
  unsigned platforms;
  // An action that needs the terminal restarted before it takes effect.
  bool needs_restart;
};

const std::vector<ProbeSpec>& probe_specs();
const std::vector<ActionSpec>& action_specs();
const ProbeSpec* find_probe_spec(const std::string& name);
const ActionSpec* find_action_spec(const std::string& name);

}  // namespace caora
