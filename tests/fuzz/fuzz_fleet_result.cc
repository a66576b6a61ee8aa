// A results file comes from a terminal (or whatever Ansible fetched): the
// parser must refuse with a reason in both languages, never crash, and what it
// accepts must hold the report's rules.
#include <cstdint>
#include <sstream>
#include <string>

#include "fleet/fleet_report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  auto t = caora::parse_terminal_result("host", s);
  if (!t.ok()) {
    if (t.error().message.en.empty() || t.error().message.ja.empty()) __builtin_trap();
    return 0;
  }
  if (t->status.empty() || t->schema.empty() || t->versions.size() != 2) __builtin_trap();
  if (t->status != "error" && t->exit_class != 0 && t->exit_class != 1 && t->exit_class != 3 && t->exit_class != 4) __builtin_trap();
  for (const auto& f : t->findings)
    if (f.recipe.empty() || f.cause.empty()) __builtin_trap();
  caora::FleetReport r;
  r.terminals.push_back(t.value());
  std::ostringstream out;
  caora::write_fleet_report_json(out, r);
  (void)nlohmann::json::parse(out.str());  // what it writes must read back
  (void)caora::fleet_report_html(r, caora::Lang::Ja);
  return 0;
}
