// The recorded backend: probe values captured by `caora snapshot` on a
// terminal, replayed offline (`--site site.json`). Actions cannot reach the
// recorded terminal, so they are only planned and printed.
#pragma once

#include "host/host.h"

namespace caora {

// What take_snapshot() writes. /2 made the per-unit probes record lists;
// parse() still reads /1 files, turning their per-unit lines into records.
inline constexpr const char* kSnapshotSchema = "caora.snapshot/2";

class RecordedHost : public Host {
 public:
  // Validates the snapshot (schema /2 or /1, probe names, value types); `name` is used in errors.
  static Expected<RecordedHost> parse(const std::string& text, const std::string& name);
  std::string backend() const override { return "recorded"; }
  bool provides_probe(const std::string& name) const override { return probes_.count(name) > 0; }
  bool provides_action(const std::string&) const override { return true; }
  ProbeResult probe(const std::string& name) override { return probes_.at(name); }
  ActionPlan plan(const std::string& action, const nlohmann::json& params) override;
  Expected<ActionOutcome> apply(const std::string& action, const nlohmann::json& params, Journal& journal) override;
  const nlohmann::json& meta() const { return meta_; }
  size_t probe_count() const { return probes_.size(); }

 private:
  std::map<std::string, ProbeResult> probes_;
  nlohmann::json meta_;
};

// Reads every probe of the vocabulary through `host` into a snapshot document.
nlohmann::json take_snapshot(Host& host, const nlohmann::json& meta);

}  // namespace caora
