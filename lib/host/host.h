// The Host interface: every probe and action of the vocabulary goes through
// it, so the engine runs the same against a live terminal, a recorded snapshot
// or an install root, and tests can swap the real thing out.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/journal.h"
#include "core/result.h"
#include "core/text.h"

namespace caora {

// A fact read from a location the vendor's documents don't give (a site-profile
// entry marked "assumed"): `id` is the entry, `fact` what was taken from it.
struct AssumedFact {
  std::string id;
  Text fact;
};

struct ProbeResult {
  bool known = false;
  nlohmann::json value;               // typed as the vocabulary says
  Text reason;                        // why it is unknown
  std::vector<std::string> evidence;  // what the value was read from
  // The assumed locations the value rests on (DESIGN.md, Safety): an action on
  // a finding made from them waits for the person to confirm the fact.
  std::vector<AssumedFact> assumed;

  static ProbeResult of(nlohmann::json value, std::vector<std::string> evidence = {}) {
    ProbeResult r;
    r.known = true;
    r.value = std::move(value);
    r.evidence = std::move(evidence);
    return r;
  }
  static ProbeResult unknown(Text reason, std::vector<std::string> evidence = {}) {
    ProbeResult r;
    r.reason = std::move(reason);
    r.evidence = std::move(evidence);
    return r;
  }
};

struct ActionPlan {
  bool applicable = false;           // this backend can carry it out now
  bool replay_only = false;          // a recorded site: the plan is all there is to show
  Text summary;                      // what would happen, or why it cannot
  std::vector<std::string> changes;  // concrete changes, one line each
};

struct ActionOutcome {
  std::string journal_id;
  std::vector<std::string> changes;
  bool needs_restart = false;
};

class Host {
 public:
  virtual ~Host() = default;
  virtual std::string backend() const = 0;
  // Whether this backend answers for the probe (layered hosts ask in order).
  virtual bool provides_probe(const std::string& name) const = 0;
  virtual bool provides_action(const std::string& name) const = 0;
  virtual ProbeResult probe(const std::string& name) = 0;
  virtual ActionPlan plan(const std::string& action, const nlohmann::json& params) = 0;
  virtual Expected<ActionOutcome> apply(const std::string& action, const nlohmann::json& params,
                                        Journal& journal) = 0;
  // Drops cached probe values, so the next reads see the terminal as it is now.
  virtual void forget() {}
  // Reverses a journaled change that is not a file change (the journal puts
  // files back itself): a scheduled restart is cancelled, an enabled adapter
  // taken down again. Says what it did; by default there is nothing to reverse with.
  virtual Expected<std::vector<std::string>> reverse(const JournalEntry& entry);
};

Text not_on_this_backend(const std::string& backend);
// An action this backend has nothing to reverse with.
Error cannot_reverse(const std::string& action, const std::string& backend);

// Asks each layer in order; the first that provides a probe or action answers.
// Probe results are cached until the next apply, so a recipe that names a
// probe in several causes reads it once.
class LayeredHost : public Host {
 public:
  void add(std::unique_ptr<Host> layer) { layers_.push_back(std::move(layer)); }
  std::string backend() const override;
  bool provides_probe(const std::string&) const override { return true; }
  bool provides_action(const std::string&) const override { return true; }
  ProbeResult probe(const std::string& name) override;
  ActionPlan plan(const std::string& action, const nlohmann::json& params) override;
  Expected<ActionOutcome> apply(const std::string& action, const nlohmann::json& params, Journal& journal) override;
  void forget() override;
  Expected<std::vector<std::string>> reverse(const JournalEntry& entry) override {
    Host* h = for_action(entry.action);
    if (h == nullptr) return Host::reverse(entry);
    auto done = h->reverse(entry);
    forget();
    return done;
  }

 private:
  Host* for_action(const std::string& name);
  std::vector<std::unique_ptr<Host>> layers_;
  std::map<std::string, ProbeResult> cache_;
};

}  // namespace caora
