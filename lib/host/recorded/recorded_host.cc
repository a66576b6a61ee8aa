#include "host/recorded/recorded_host.h"
#include "core/json_util.h"

#include <spdlog/spdlog.h>

#include "host/recorded/snapshot_v1.h"
#include "host/vocabulary.h"

namespace caora {

using nlohmann::json;

namespace {

constexpr const char* kSnapshotV1 = "caora.snapshot/1";

// A /1 value in the /2 form: the per-unit lines become records.
json upgraded_v1(const std::string& probe, const json& value) {
  auto up = v1_upgrades().find(probe);
  return up == v1_upgrades().end() ? value : up->second(value);
}

}  // namespace

static Text text_of(const json& j) {
  if (j.is_object()) return {json_string(j, "ja"), json_string(j, "en")};
  if (j.is_string()) return {j.get<std::string>(), j.get<std::string>()};
  return {};
}

Expected<RecordedHost> RecordedHost::parse(const std::string& text, const std::string& name) {
  auto bad = [&](const std::string& where, const std::string& ja, const std::string& en) {
    return make_error(ErrorKind::Parse, name + where + ": " + ja, name + where + ": " + en);
  };
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return bad(" (byte " + std::to_string(e.byte) + ")", "JSONとして読めません", "not valid JSON");
  } catch (const json::exception& e) {
    // e.g. a number too large for a double (out_of_range 406): found by fuzz_snapshot.
    return bad("", std::string("JSONとして読めません: ") + e.what(), std::string("not valid JSON: ") + e.what());
  }
  std::string schema = json_string(j, "schema");
  if (!j.is_object() || (schema != kSnapshotSchema && schema != kSnapshotV1))
    return bad("", std::string(kSnapshotSchema) + "（または /1）のスナップショットではありません",
               std::string("not a ") + kSnapshotSchema + " (or /1) document");
  bool v1 = schema == kSnapshotV1;
  if (!j.contains("probes") || !j["probes"].is_object()) return bad(" /probes", "probes がありません", "no probes object");
  RecordedHost host;
  for (auto it = j["probes"].begin(); it != j["probes"].end(); ++it) {
    std::string where = " /probes/" + it.key();
    const ProbeSpec* spec = find_probe_spec(it.key());
    // A snapshot from a newer caora may hold probes this one does not know: skip them, but say so.
    if (spec == nullptr) {
      spdlog::warn("{}: probe {} is not known to this caora; ignored", name, it.key());
      continue;
    }
    const json& p = it.value();
    if (!p.is_object() || !p.contains("known"))
      return bad(where, "known（true/false）がありません", "missing 'known' (true/false)");
    if (!p["known"].is_boolean()) return bad(where + "/known", "true か false が必要です", "'known' must be true or false");
    std::vector<std::string> evidence;
    if (p.contains("evidence")) {
      if (!p["evidence"].is_array()) return bad(where + "/evidence", "配列ではありません", "not an array");
      for (const auto& e : p["evidence"])
        if (e.is_string()) evidence.push_back(e.get<std::string>());
    }
    if (p["known"].get<bool>()) {
      json value = p.contains("value") ? p["value"] : json();
      if (v1) value = upgraded_v1(it.key(), value);
      if (!p.contains("value") || !value_has_type(*spec, value))
        return bad(where + "/value", std::string("値の型が ") + value_type_name(spec->type) + " ではありません",
                   std::string("value is not of type ") + value_type_name(spec->type));
      host.probes_[it.key()] = ProbeResult::of(value, evidence);
    } else {
      host.probes_[it.key()] = ProbeResult::unknown(text_of(p.contains("reason") ? p["reason"] : json()), evidence);
    }
  }
  host.meta_ = j.contains("meta") && j["meta"].is_object() ? j["meta"] : json::object();
  return host;
}

ActionPlan RecordedHost::plan(const std::string&, const json&) {
  ActionPlan p;
  p.replay_only = true;
  p.summary = {"記録されたサイトのため計画のみ（実行しません）", "recorded site: planned only, not applied"};
  return p;
}

Expected<ActionOutcome> RecordedHost::apply(const std::string& action, const json& params, Journal&) {
  return Error{ErrorKind::Unsupported, plan(action, params).summary};
}

json take_snapshot(Host& host, const json& meta) {
  json probes = json::object();
  for (const auto& spec : probe_specs()) {
    ProbeResult r = host.probe(spec.name);
    json p = {{"known", r.known}};
    if (r.known) p["value"] = r.value;
    else p["reason"] = {{"ja", r.reason.ja}, {"en", r.reason.en}};
    if (!r.evidence.empty()) p["evidence"] = r.evidence;
    probes[spec.name] = p;
  }
  return {{"schema", kSnapshotSchema}, {"meta", meta}, {"probes", probes}};
}

}  // namespace caora
