#include "host/host.h"

#include <spdlog/spdlog.h>

#include "core/stopwatch.h"
#include "core/strings.h"
#include "host/vocabulary.h"

namespace caora {

Text not_on_this_backend(const std::string& backend) {
  return {"この方法（" + backend + "）では読み取れません", "not available on this backend (" + backend + ")"};
}

Error cannot_reverse(const std::string& action, const std::string& backend) {
  return Error{ErrorKind::Unsupported, {action + " はこの方法（" + backend + "）では元に戻せません",
                                        action + " cannot be reversed on this backend (" + backend + ")"}};
}

Expected<std::vector<std::string>> Host::reverse(const JournalEntry& entry) { return cannot_reverse(entry.action, backend()); }

std::string LayeredHost::backend() const {
  std::string names;
  for (const auto& l : layers_) names += (names.empty() ? "" : "+") + l->backend();
  return names.empty() ? "none" : names;
}

ProbeResult LayeredHost::probe(const std::string& name) {
  auto cached = cache_.find(name);
  if (cached != cache_.end()) return cached->second;
  ProbeResult result;
  auto started = std::chrono::steady_clock::now();
  std::string answered_by = "none";
  if (find_probe_spec(name) == nullptr) {
    result = ProbeResult::unknown({"未定義のプローブです: " + name, "no such probe: " + name});
  } else {
    result = ProbeResult::unknown(not_on_this_backend(backend()));
    for (const auto& layer : layers_) {
      if (!layer->provides_probe(name)) continue;
      // A probe must never take the run down: a throwing backend is an unknown.
      answered_by = layer->backend();
      try {
        result = layer->probe(name);
      } catch (const std::exception& e) {
        result = ProbeResult::unknown({std::string("読み取り中にエラー: ") + e.what(), std::string("failed: ") + e.what()});
      }
      break;
    }
  }
  // One line per probe read for -v / --log-file: what support asks first.
  if (result.known)
    spdlog::debug("probe {} = {} [{}, {:.1f} ms]{}", name, result.value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  answered_by, ms_since(started), result.evidence.empty() ? "" : " from " + join(result.evidence, "; "));
  else
    spdlog::debug("probe {} unknown: {} [{}, {:.1f} ms]", name, result.reason.en, answered_by, ms_since(started));
  cache_[name] = result;
  return result;
}

void LayeredHost::forget() {
  cache_.clear();
  for (const auto& layer : layers_) layer->forget();
}

Host* LayeredHost::for_action(const std::string& name) {
  for (const auto& layer : layers_)
    if (layer->provides_action(name)) return layer.get();
  return nullptr;
}

ActionPlan LayeredHost::plan(const std::string& action, const nlohmann::json& params) {
  Host* h = for_action(action);
  if (h == nullptr) {
    ActionPlan p;
    p.summary = not_on_this_backend(backend());
    return p;
  }
  return h->plan(action, params);
}

Expected<ActionOutcome> LayeredHost::apply(const std::string& action, const nlohmann::json& params, Journal& journal) {
  Host* h = for_action(action);
  if (h == nullptr) return Error{ErrorKind::Unsupported, not_on_this_backend(backend())};
  auto outcome = h->apply(action, params, journal);
  forget();  // what was read before the change no longer holds
  return outcome;
}

}  // namespace caora
