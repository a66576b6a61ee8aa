#include "workflows/rndis_reset.h"

#include <algorithm>
#include <sstream>

#include "core/strings.h"
#include "host/records.h"
#include "workflows/watch.h"

namespace caora {

using nlohmann::json;

const char* rndis_reset_status_name(RndisResetStatus s) {
  switch (s) {
    case RndisResetStatus::Planned: return "planned";
    case RndisResetStatus::Done: return "done";
    case RndisResetStatus::TimedOut: return "timed-out";
    case RndisResetStatus::NeedsRestart: return "needs-restart";
    case RndisResetStatus::RestartScheduled: return "restart-scheduled";
    case RndisResetStatus::NoUnit: return "no-unit";
    case RndisResetStatus::NotPossible: return "not-possible";
    case RndisResetStatus::Failed: return "failed";
  }
  return "?";
}

namespace {

json action_params(const RndisResetOptions& opts) {
  json p = json::object();
  if (opts.serial) p["serial"] = *opts.serial;
  // The backend may wait this long for the adapter to reappear before it returns.
  p["settle_s"] = opts.timeout_s;
  return p;
}

std::vector<std::string> strings(const ProbeResult& r) {
  std::vector<std::string> out;
  if (r.known && r.value.is_array())
    for (const auto& e : r.value)
      if (e.is_string()) out.push_back(e.get<std::string>());
  return out;
}

std::string label(const RndisResetTarget& t) {
  if (t.port_path.empty()) return t.serial.value_or("?");
  return t.serial ? *t.serial + " (" + t.port_path + ")" : t.port_path;
}

}  // namespace

RndisResetResult prepare_rndis_reset(Host& host, const RndisResetOptions& opts) {
  RndisResetResult r;
  r.timeout_s = opts.timeout_s;
  host.forget();
  ProbeResult units = host.probe("usb.units.detail");
  if (units.known) {
    for (const auto& u : unit_records(units)) {
      RndisResetTarget t{u.port, u.serial && !u.serial->empty() ? u.serial : std::nullopt};
      if (opts.serial && t.serial != opts.serial) continue;
      r.targets.push_back(t);
    }
  } else if (ProbeResult serials = host.probe("usb.units.serials"); serials.known) {
    // A snapshot from before the per-unit probes: the serials are all there is.
    for (const auto& s : strings(serials))
      if (!opts.serial || s == *opts.serial) r.targets.push_back({"", s});
  } else {
    r.status = RndisResetStatus::NotPossible;
    r.message = {"Caoraを探せません: " + units.reason.ja, "cannot look for the units: " + units.reason.en};
    return r;
  }
  if (r.targets.empty()) {
    r.status = RndisResetStatus::NoUnit;
    r.message = opts.serial ? Text{"シリアル番号 " + *opts.serial + " のCaoraがUSBに見えません",
                                   "no unit with serial number " + *opts.serial + " on USB"}
                            : Text{"USBにCaoraが見えません", "no unit on USB"};
    return r;
  }
  r.plan = host.plan("rndis.reset", action_params(opts));
  if (r.plan.replay_only) {
    r.status = RndisResetStatus::Planned;
    r.message = r.plan.summary;
  } else if (!r.plan.applicable) {
    r.status = RndisResetStatus::NotPossible;
    r.message = r.plan.summary;
  }
  return r;
}

void run_rndis_reset(Host& host, Journal& journal, const RndisResetOptions& opts, RndisResetResult& r,
                     const std::function<void(const Text&)>& progress) {
  SteadyClock own_clock;
  Clock& clock = opts.clock ? *opts.clock : own_clock;
  auto start = clock.now();
  progress({"RNDISアダプターを作り直しています", "resetting the RNDIS adapter"});
  auto outcome = host.apply("rndis.reset", action_params(opts), journal);
  if (!outcome) {
    r.status = RndisResetStatus::Failed;
    r.message = outcome.error().message;
    return;
  }
  r.journal = outcome->journal_id;
  r.changes = outcome->changes;
  if (outcome->needs_restart) {
    r.status = RndisResetStatus::NeedsRestart;
    r.message = {"アダプターは資格確認端末を再起動するまで戻りません", "the adapter will not come back until the terminal restarts"};
    if (opts.reboot) {
      auto restart = host.apply("host.restart.schedule", json::object(), journal);
      if (restart) {
        r.status = RndisResetStatus::RestartScheduled;
        r.restart_journal = restart->journal_id;
        for (const auto& c : restart->changes) r.changes.push_back(c);
        r.message = {"資格確認端末の再起動を予約しました。再起動後に caora pair で確認してください",
                     "a restart of the terminal is scheduled; check with caora pair after it"};
      } else {
        r.message = {r.message.ja + "（再起動の予約にも失敗: " + restart.error().message.ja + "）",
                     r.message.en + " (and scheduling the restart failed: " + restart.error().message.en + ")"};
      }
    }
    return;
  }
  // Watch until every reset unit has an enabled adapter with an IPv4 address.
  WatchLoop loop;
  loop.clock = &clock;
  loop.timeout_s = std::max(0.0, opts.timeout_s - seconds_between(start, loop.clock->now()));
  loop.poll_ms = opts.poll_ms;
  loop.look = [&] {
    host.forget();
    ProbeResult adapters = host.probe("net.rndis.adapters");
    r.seen.clear();
    size_t ready = 0;
    for (const auto& t : r.targets) {
      std::string state;
      bool ok = false;
      if (adapters.known) {
        for (const auto& a : adapter_records(adapters)) {
          if (a.port != t.port_path) continue;
          bool address = !a.ipv4.empty();
          ok = ok || (a.enabled && address);
          state += (state.empty() ? "" : "; ") + a.name + (a.enabled ? "" : " disabled") +
                   (address ? " " + join(a.ipv4, ",") : " without an IPv4 address");
        }
        if (state.empty()) state = "no adapter";
      } else {
        state = "adapters cannot be read: " + adapters.reason.en;
      }
      r.seen.push_back(label(t) + ": " + state);
      if (ok) ++ready;
    }
    return ready == r.targets.size();
  };
  loop.tick = [&](double) {
    progress({"アダプターが戻るのを待っています（最大 " + std::to_string(opts.timeout_s) + " 秒）",
              "waiting for the adapter to come back (up to " + std::to_string(opts.timeout_s) + " s)"});
    return true;
  };
  WatchResult w = watch_until(loop);
  r.waited_s = seconds_between(start, loop.clock->now());
  if (w.end == WatchEnd::Seen) {
    r.status = RndisResetStatus::Done;
    r.message = {"RNDISアダプターが戻り、IPv4アドレスがあることを確認しました", "the RNDIS adapter is back and has its IPv4 address"};
    return;
  }
  r.status = RndisResetStatus::TimedOut;
  r.message = {std::to_string(opts.timeout_s) + " 秒待ちましたが、アダプターがアドレス付きで戻りません。USBケーブルを抜き差しするか、端末を再起動してください",
               "waited " + std::to_string(opts.timeout_s) +
                   " s and the adapter did not come back with its address: replug the USB cable or restart the terminal"};
}

json rndis_reset_json(const RndisResetResult& r) {
  json targets = json::array();
  for (const auto& t : r.targets)
    targets.push_back({{"port_path", t.port_path.empty() ? json(nullptr) : json(t.port_path)},
                       {"serial", t.serial ? json(*t.serial) : json(nullptr)}});
  return {{"schema", "caora.rndis-reset/1"},
          {"status", rndis_reset_status_name(r.status)},
          {"units", targets},
          {"plan", {{"applicable", r.plan.applicable},
                    {"summary", {{"ja", r.plan.summary.ja}, {"en", r.plan.summary.en}}},
                    {"changes", r.plan.changes}}},
          {"journal", r.journal.empty() ? json(nullptr) : json(r.journal)},
          {"changes", r.changes},
          {"seen", r.seen},
          {"waited_s", r.waited_s},
          {"timeout_s", r.timeout_s},
          {"restart", {{"scheduled", r.status == RndisResetStatus::RestartScheduled},
                       {"journal", r.restart_journal ? json(*r.restart_journal) : json(nullptr)}}},
          {"message", {{"ja", r.message.ja}, {"en", r.message.en}}}};
}

std::string rndis_reset_text(const RndisResetResult& r, Lang lang) {
  bool ja = lang == Lang::Ja;
  std::ostringstream o;
  if (!r.targets.empty()) {
    o << (ja ? "対象: " : "units: ");
    for (size_t i = 0; i < r.targets.size(); ++i) o << (i ? ", " : "") << label(r.targets[i]);
    o << "\n";
  }
  if (r.status == RndisResetStatus::Planned || r.status == RndisResetStatus::NotPossible) {
    if (!r.plan.summary.en.empty() && r.plan.summary.en != r.message.en) o << r.plan.summary.in(lang) << "\n";
    for (const auto& c : r.plan.changes) o << "  - " << c << "\n";
  }
  for (const auto& c : r.changes) o << "  " << c << "\n";
  for (const auto& s : r.seen) o << (ja ? "  確認: " : "  seen: ") << s << "\n";
  const char* mark = r.status == RndisResetStatus::Done ? "✓ " : r.status == RndisResetStatus::Planned ? "" : "✗ ";
  o << mark << r.message.in(lang) << "\n";
  if (!r.journal.empty()) o << (ja ? "ジャーナル: " : "journal: ") << r.journal << "\n";
  return o.str();
}

}  // namespace caora
