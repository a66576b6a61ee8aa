// Reading JSON that came from outside (snapshots, profiles, journals) without
// letting a wrong type throw: a missing or mistyped field reads as the fallback.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace caora {

inline std::string json_string(const nlohmann::json& j, const char* key, const std::string& fallback = "") {
  if (!j.is_object()) return fallback;
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace caora
