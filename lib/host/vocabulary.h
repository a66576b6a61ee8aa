// The probe and action vocabulary: every fact caora can read about a site and
// every change it can make, declared once. Backends implement subsets of it;
// recipes may only name what is declared here (a test enforces that).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace caora {

// RecordList: an array of objects whose typed fields the probe declares, like
// the columns of an osquery table (one object per unit, per adapter, ...).
enum class ValueType { Bool, Int, String, Version, StringList, RecordList };

const char* value_type_name(ValueType type);

enum class FieldType { String, Int, Bool, StringList };

const char* field_type_name(FieldType type);

// A field of a record list. A field that is not required is left out of a
// record when its value is unknown.
struct FieldSpec {
  const char* name;
  FieldType type;
  Text description;
  bool required = false;
};

// Where a probe or action can have a live implementation.
enum Platform : unsigned { kLinux = 1u, kWindows = 2u, kAnyPlatform = kLinux | kWindows };

// ["linux", "windows"]: the platforms in a mask, as `list` and `doctor` print them.
std::vector<std::string> platform_names(unsigned platforms);

struct ProbeSpec {
  const char* name;
  ValueType type;
  Text description;
  // Where a backend answers it (the install root's site.* probes: anywhere).
  unsigned platforms;
  // Slow probes (USB, network, PC/SC enumeration) run last in `doctor`.
  bool slow;
  // RecordList only: each record's fields.
  std::vector<FieldSpec> fields = {};
  // The rule that turns what is read into the value is the project's (a threshold
  // the vendor's documents do not give): a finding it decides is the project's advice.
  bool advice = false;
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

// Whether a known value has the type the probe declares (for a record list:
// objects whose declared fields, where present, have their types, and whose
// required fields are there; fields this caora does not declare are allowed).
bool value_has_type(const ProbeSpec& spec, const nlohmann::json& value);

}  // namespace caora
