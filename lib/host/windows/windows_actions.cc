// The Windows backend's actions, one table entry each. Each is prepared from
// the terminal as it is now: a plan (what would change, or why it cannot), the
// record the journal keeps before anything changes (the targets and the values
// they replace, and how to put them back), the act, and a verification that
// reads the terminal again before the journal calls the change applied.
//
// `caora undo` restores files; these changes live in the registry, the power
// scheme, the SCM and Device Manager, so the journal entry says how to put
// each one back and holds the value it replaced.
#include <cctype>
#include <functional>

#include "core/strings.h"
#include "host/windows/windows_host.h"

namespace caora {

using nlohmann::json;

namespace {

constexpr uint32_t kServiceDisabled = 4;
constexpr const char* kArpOffload = "*PMARPOffload";

std::string label(const win::DeviceNode& n) {
  return n.instance_id + (n.description.empty() ? "" : " (" + n.description + ")");
}

Text read_failed(const Error& e) {
  return {"現在の状態を読めないため変更できません: " + e.message.ja,
          "cannot change it: the current state cannot be read: " + e.message.en};
}

Error verify_failed(const std::string& what_ja, const std::string& what_en) {
  return make_error(ErrorKind::Io, "変更後の確認で元のままでした: " + what_ja, "after the change it still reads the same: " + what_en);
}

// Verifies with the probe that detects the problem: after the change it reads false.
std::function<Status(ActionOutcome&)> probe_reads_false(Host* host, std::string probe, Text what, std::string verified) {
  return [host, probe, what, verified](ActionOutcome& out) -> Status {
    host->forget();
    ProbeResult now = host->probe(probe);
    if (!now.known || now.value != false) return verify_failed(what.ja, what.en);
    out.changes.push_back(verified);
    return ok_status();
  };
}

Error damaged(const JournalEntry& entry) {
  return make_error(ErrorKind::Parse, "ジャーナルの記録 " + entry.id + " に元の値がないため戻せません",
                    "journal entry " + entry.id + " does not hold the value it replaced, so it cannot be undone");
}

// The journal keeps the parameters an action was given, and what it found.
PreparedAction start(const json& params) {
  PreparedAction p;
  p.record = params.is_object() ? params : json::object();
  return p;
}

// The plan is complete: the journal keeps its lines too.
PreparedAction ready(PreparedAction p, Text summary) {
  p.plan.applicable = true;
  p.plan.summary = std::move(summary);
  p.record["changes"] = p.plan.changes;
  return p;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& u : parts) s += (s.empty() ? "" : "; ") + u;
  return s;
}

// A device node an action works on, and which unit it belongs to.
struct DeviceTarget {
  std::string instance, unit, what;
};

}  // namespace

// Nested in WindowsHost for its views and APIs; one pair of functions per action.
struct WindowsHost::Actions {
  WindowsHost& h;

  PreparedAction rdp_disable(const json& params);
  PreparedAction sleep_disable(const json& params);
  PreparedAction screen_lock_disable(const json& params);
  PreparedAction certpropsvc_disable(const json& params);
  PreparedAction biometric_disable(const json& params);
  PreparedAction arp_offload_disable(const json& params);
  PreparedAction rndis(const json& params, bool enable);
  PreparedAction restart_schedule(const json& params);

  Expected<std::vector<std::string>> undo_rdp(const JournalEntry& entry);
  Expected<std::vector<std::string>> undo_sleep(const JournalEntry& entry);
  Expected<std::vector<std::string>> undo_screen_lock(const JournalEntry& entry);
  Expected<std::vector<std::string>> undo_certpropsvc(const JournalEntry& entry);
  Expected<std::vector<std::string>> undo_devices(const JournalEntry& entry);
  Expected<std::vector<std::string>> undo_arp_offload(const JournalEntry& entry);
  Expected<std::vector<std::string>> undo_restart(const JournalEntry& entry);

 private:
  static std::string unit_name(const UnitAdapter& a);
  std::vector<DeviceTarget> disabled_adapters(const std::vector<UnitAdapter>& adapters, std::vector<std::string>& changes);
  std::vector<DeviceTarget> reset_targets(const std::vector<UnitAdapter>& adapters, const UsbView& uv,
                                          std::vector<std::string>& changes);
  PreparedAction enable_adapters(PreparedAction p, std::vector<DeviceTarget> targets);
  PreparedAction reinstall_adapters(PreparedAction p, std::vector<DeviceTarget> targets);
};

ActionTable WindowsHost::action_table() {
  ActionTable t(backend(), [](const std::string& name) { return !starts_with(name, "site."); },
                [this](const std::string&) { return cannot(not_on_this_backend(backend())); });
  using Prepare = PreparedAction (Actions::*)(const json&);
  using Undo = Expected<std::vector<std::string>> (Actions::*)(const JournalEntry&);
  auto prepare = [this](Prepare f) {
    return [this, f](const json& params) { return (Actions{*this}.*f)(params); };
  };
  // A reversal reads the terminal afresh afterwards.
  auto undo = [this](Undo f) {
    return [this, f](const JournalEntry& entry) {
      auto done = (Actions{*this}.*f)(entry);
      if (done) forget();
      return done;
    };
  };
  t.add("host.rdp.disable", prepare(&Actions::rdp_disable), undo(&Actions::undo_rdp));
  t.add("host.sleep.disable", prepare(&Actions::sleep_disable), undo(&Actions::undo_sleep));
  t.add("host.screen_lock.disable", prepare(&Actions::screen_lock_disable), undo(&Actions::undo_screen_lock));
  t.add("host.certpropsvc.disable", prepare(&Actions::certpropsvc_disable), undo(&Actions::undo_certpropsvc));
  t.add("host.biometric.disable", prepare(&Actions::biometric_disable), undo(&Actions::undo_devices));
  t.add("host.nic.arp_offload.disable", prepare(&Actions::arp_offload_disable), undo(&Actions::undo_arp_offload));
  t.add("rndis.enable", [this](const json& params) { return Actions{*this}.rndis(params, true); }, undo(&Actions::undo_devices));
  // Nothing to reverse a reset with: Windows puts the adapter back itself.
  t.add("rndis.reset", [this](const json& params) { return Actions{*this}.rndis(params, false); });
  t.add("host.restart.schedule", prepare(&Actions::restart_schedule), undo(&Actions::undo_restart));
  return t;
}

// ---- Remote Desktop -----------------------------------------------------------

PreparedAction WindowsHost::Actions::rdp_disable(const json& params) {
  const std::string key = winreg::kTerminalServer;
  auto before = h.reg().read_dword(key, "fDenyTSConnections");
  if (!before) return cannot(read_failed(before.error()));
  PreparedAction p = start(params);
  std::string was = before->has_value() ? std::to_string(**before) : "not set";
  p.plan.changes.push_back("set " + key + " fDenyTSConnections = 1 (REG_DWORD; was " + was + ")");
  p.record["registry"] = {{"key", key}, {"value", "fDenyTSConnections"},
                          {"before", before->has_value() ? json(**before) : json(nullptr)}};
  p.record["undo"] = before->has_value() ? "by hand: reg add \"" + key + "\" /v fDenyTSConnections /t REG_DWORD /d " + was + " /f"
                                         : "by hand: reg delete \"" + key + "\" /v fDenyTSConnections /f";
  WindowsHost* host = &h;
  p.act = [host, key](ActionOutcome&, SystemChange*) { return host->reg().write_dword(key, "fDenyTSConnections", 1); };
  p.verify = [host, key](ActionOutcome& out) -> Status {
    auto now = host->reg().read_dword(key, "fDenyTSConnections");
    if (!now || now->value_or(0) != 1) return verify_failed("fDenyTSConnections", "fDenyTSConnections");
    out.changes.push_back(key + " fDenyTSConnections = 1 (verified)");
    return ok_status();
  };
  return ready(std::move(p), {"リモートデスクトップ接続を無効にします（新しい接続を受け付けなくなります）",
                              "disable Remote Desktop connections (no new connections are accepted)"});
}

// Each value is written as it was (a value that was not set is deleted again).
Expected<std::vector<std::string>> WindowsHost::Actions::undo_rdp(const JournalEntry& entry) {
  const json& r = entry.params;
  if (!r.contains("registry") || !r["registry"].is_object()) return damaged(entry);
  const json& g = r["registry"];
  std::string key = g.value("key", ""), value = g.value("value", "");
  if (key.empty() || value.empty() || !g.contains("before")) return damaged(entry);
  TRY(g["before"].is_number() ? h.reg().write_dword(key, value, g["before"].get<uint32_t>()) : h.reg().delete_value(key, value));
  return std::vector<std::string>{key + " " + value +
                                  (g["before"].is_number() ? " = " + std::to_string(g["before"].get<uint32_t>()) : " removed")};
}

// ---- sleep ------------------------------------------------------------------

PreparedAction WindowsHost::Actions::sleep_disable(const json& params) {
  auto before = h.apis_.system->standby_timeout_ac();
  if (!before) return cannot(read_failed(before.error()));
  PreparedAction p = start(params);
  p.plan.changes.push_back("set the active power scheme's sleep after (AC) to never (was " +
                           (*before == 0 ? std::string("never") : std::to_string(*before) + " s") + ")");
  p.record["standby_timeout_ac_before_s"] = *before;
  p.record["undo"] = "by hand: powercfg /change standby-timeout-ac " + std::to_string(*before / 60);
  WindowsHost* host = &h;
  p.act = [host](ActionOutcome&, SystemChange*) { return host->apis_.system->set_standby_timeout_ac(0); };
  p.verify = [host](ActionOutcome& out) -> Status {
    auto now = host->apis_.system->standby_timeout_ac();
    if (!now || *now != 0) return verify_failed("スリープ", "the sleep timeout");
    out.changes.push_back("sleep after (AC): never (verified)");
    return ok_status();
  };
  return ready(std::move(p), {"スリープしないようにします（電源プランの「スリープ」を「なし」に）",
                              "never sleep on AC power (the power plan's sleep set to never)"});
}

Expected<std::vector<std::string>> WindowsHost::Actions::undo_sleep(const JournalEntry& entry) {
  const json& r = entry.params;
  if (!r.contains("standby_timeout_ac_before_s") || !r["standby_timeout_ac_before_s"].is_number()) return damaged(entry);
  uint32_t before = r["standby_timeout_ac_before_s"].get<uint32_t>();
  TRY(h.apis_.system->set_standby_timeout_ac(before));
  auto now = h.apis_.system->standby_timeout_ac();
  if (!now || *now != before) return verify_failed("スリープ", "the sleep timeout");
  return std::vector<std::string>{"sleep after (AC): " + std::to_string(before) + " s (verified)"};
}

// ---- screen lock ------------------------------------------------------------

PreparedAction WindowsHost::Actions::screen_lock_disable(const json& params) {
  auto secure = h.reg().read_string(winreg::kDesktop, "ScreenSaverIsSecure");
  if (!secure) return cannot(read_failed(secure.error()));
  auto inactivity = h.reg().read_dword(winreg::kSystemPolicies, "InactivityTimeoutSecs");
  if (!inactivity) return cannot(read_failed(inactivity.error()));
  bool saver = secure->value_or("0") == "1";
  bool policy = inactivity->value_or(0) > 0;
  if (!saver && !policy)
    return cannot({"画面ロックの設定（パスワード付きスクリーンセーバー、非アクティブ時の制限）はすでにありません",
                   "nothing to change: no password-protected screen saver and no inactivity limit is set"});
  PreparedAction p = start(params);
  json before = json::object();
  std::vector<std::string> undo;
  if (saver) {
    p.plan.changes.push_back(std::string("set ") + winreg::kDesktop + " ScreenSaverIsSecure = \"0\" (was \"1\")");
    before["ScreenSaverIsSecure"] = "1";
    undo.push_back(std::string("reg add \"") + winreg::kDesktop + "\" /v ScreenSaverIsSecure /t REG_SZ /d 1 /f");
  }
  if (policy) {
    p.plan.changes.push_back(std::string("set ") + winreg::kSystemPolicies + " InactivityTimeoutSecs = 0 (was " +
                             std::to_string(**inactivity) + ")");
    before["InactivityTimeoutSecs"] = **inactivity;
    undo.push_back(std::string("reg add \"") + winreg::kSystemPolicies + "\" /v InactivityTimeoutSecs /t REG_DWORD /d " +
                   std::to_string(**inactivity) + " /f");
  }
  p.record["before"] = before;
  p.record["undo"] = "by hand: " + joined(undo);
  WindowsHost* host = &h;
  p.act = [host, saver, policy](ActionOutcome& out, SystemChange*) -> Status {
    if (saver) {
      TRY(host->reg().write_string(winreg::kDesktop, "ScreenSaverIsSecure", "0"));
      out.changes.push_back(std::string(winreg::kDesktop) + " ScreenSaverIsSecure = \"0\"");
    }
    if (policy) {
      TRY(host->reg().write_dword(winreg::kSystemPolicies, "InactivityTimeoutSecs", 0));
      out.changes.push_back(std::string(winreg::kSystemPolicies) + " InactivityTimeoutSecs = 0");
    }
    return ok_status();
  };
  p.verify = probe_reads_false(host, "host.screen_lock.enabled", {"画面ロック", "the screen lock"}, "screen lock: off (verified)");
  return ready(std::move(p), {"自動の画面ロックを切ります", "turn off the automatic screen lock"});
}

Expected<std::vector<std::string>> WindowsHost::Actions::undo_screen_lock(const JournalEntry& entry) {
  const json& r = entry.params;
  if (!r.contains("before") || !r["before"].is_object()) return damaged(entry);
  const json& b = r["before"];
  std::vector<std::string> done;
  if (b.contains("ScreenSaverIsSecure")) {
    TRY(h.reg().write_string(winreg::kDesktop, "ScreenSaverIsSecure", "1"));
    done.push_back(std::string(winreg::kDesktop) + " ScreenSaverIsSecure = \"1\"");
  }
  if (b.contains("InactivityTimeoutSecs") && b["InactivityTimeoutSecs"].is_number()) {
    uint32_t secs = b["InactivityTimeoutSecs"].get<uint32_t>();
    TRY(h.reg().write_dword(winreg::kSystemPolicies, "InactivityTimeoutSecs", secs));
    done.push_back(std::string(winreg::kSystemPolicies) + " InactivityTimeoutSecs = " + std::to_string(secs));
  }
  return done;
}

// ---- CertPropSvc --------------------------------------------------------------

PreparedAction WindowsHost::Actions::certpropsvc_disable(const json& params) {
  auto s = h.apis_.services->query("CertPropSvc");
  if (!s) return cannot(read_failed(s.error()));
  if (!s->exists) return cannot({"CertPropSvc というサービスはありません", "there is no CertPropSvc service"});
  PreparedAction p = start(params);
  if (s->running) p.plan.changes.push_back("stop the service CertPropSvc");
  p.plan.changes.push_back(std::string("set CertPropSvc's start type to disabled (was ") + win::start_type_name(s->start_type) + ")");
  p.record["before"] = {{"running", s->running}, {"start_type", s->start_type}};
  p.record["undo"] = std::string("by hand: sc config CertPropSvc start= ") +
                     (s->start_type == 2 ? "auto" : s->start_type == 4 ? "disabled" : "demand") +
                     (s->running ? " && sc start CertPropSvc" : "");
  WindowsHost* host = &h;
  bool running = s->running;
  p.act = [host, running](ActionOutcome& out, SystemChange*) -> Status {
    if (running) {
      TRY(host->apis_.services->stop("CertPropSvc"));
      out.changes.push_back("CertPropSvc stopped");
    }
    return host->apis_.services->set_start_type("CertPropSvc", kServiceDisabled);
  };
  p.verify = [host](ActionOutcome& out) -> Status {
    auto now = host->apis_.services->query("CertPropSvc");
    if (!now || now->running || now->start_type != kServiceDisabled) return verify_failed("CertPropSvc", "CertPropSvc");
    out.changes.push_back("CertPropSvc: stopped, start type disabled (verified)");
    return ok_status();
  };
  return ready(std::move(p), {"証明書伝達サービス（CertPropSvc）を停止し、無効にします",
                              "stop the Certificate Propagation service and disable it"});
}

Expected<std::vector<std::string>> WindowsHost::Actions::undo_certpropsvc(const JournalEntry& entry) {
  const json& r = entry.params;
  if (!r.contains("before") || !r["before"].contains("start_type") || !r["before"]["start_type"].is_number())
    return damaged(entry);
  uint32_t start_type = r["before"]["start_type"].get<uint32_t>();
  TRY(h.apis_.services->set_start_type("CertPropSvc", start_type));
  std::vector<std::string> done{std::string("CertPropSvc start type ") + win::start_type_name(start_type)};
  if (r["before"].value("running", false)) {
    TRY(h.apis_.services->start("CertPropSvc"));
    done.push_back("CertPropSvc started");
  }
  return done;
}

// ---- biometric devices --------------------------------------------------------

PreparedAction WindowsHost::Actions::biometric_disable(const json& params) {
  auto nodes = h.apis_.devices->list(win::DeviceClass::Biometric);
  if (!nodes) return cannot(read_failed(nodes.error()));
  PreparedAction p = start(params);
  std::vector<std::string> targets;
  for (const auto& n : *nodes)
    if (!n.disabled) {
      targets.push_back(n.instance_id);
      p.plan.changes.push_back("disable " + label(n) + " (Device Manager: disable device; kept across restarts)");
    }
  if (targets.empty()) return cannot({"有効な生体認証デバイスはありません", "no biometric device is enabled"});
  p.record["devices"] = targets;
  p.record["undo"] = "by hand: Device Manager → Biometric devices → Enable device (pnputil /enable-device \"<id>\")";
  WindowsHost* host = &h;
  p.act = [host, targets](ActionOutcome& out, SystemChange*) -> Status {
    for (const auto& id : targets) {
      TRY(host->apis_.devices->disable(id));
      out.changes.push_back("disabled " + id);
    }
    return ok_status();
  };
  p.verify = probe_reads_false(host, "host.biometric.present", {"生体認証デバイス", "the biometric devices"},
                               "no biometric device enabled (verified)");
  return ready(std::move(p), {"生体認証デバイス（指紋センサーなど）を無効にします", "disable the biometric devices (fingerprint sensors etc.)"});
}

// host.biometric.disable and rndis.enable: each recorded device back as it was.
Expected<std::vector<std::string>> WindowsHost::Actions::undo_devices(const JournalEntry& entry) {
  const json& r = entry.params;
  const bool adapters = entry.action == "rndis.enable";
  const char* field = adapters ? "targets" : "devices";
  if (!r.contains(field) || !r[field].is_array()) return damaged(entry);
  std::vector<std::string> done;
  for (const auto& d : r[field]) {
    std::string id = d.is_string() ? d.get<std::string>() : d.value("device", "");
    if (id.empty()) return damaged(entry);
    TRY(adapters ? h.apis_.devices->disable(id) : h.apis_.devices->enable(id));
    done.push_back((adapters ? "disabled " : "enabled ") + id);
  }
  return done;
}

// ---- ARP offload --------------------------------------------------------------

PreparedAction WindowsHost::Actions::arp_offload_disable(const json& params) {
  const NetView& n = h.net_view();
  if (n.error) return cannot(read_failed(*n.error));
  struct Target {
    std::string instance, key, before;
  };
  PreparedAction p = start(params);
  std::vector<Target> targets;
  for (const auto* nic : h.uplink_nics()) {
    if (nic->driver_key.empty()) continue;
    std::string key = std::string(winreg::kClassRoot) + "\\" + nic->driver_key;
    auto v = h.reg().read_string(key, kArpOffload);
    if (!v) return cannot(read_failed(v.error()));
    if (!v->has_value() || **v == "0") continue;
    targets.push_back({nic->instance_id, key, **v});
    p.plan.changes.push_back("set " + key + " " + kArpOffload + " = \"0\" (was \"" + **v + "\"), then restart the adapter " +
                             label(*nic) + " (a few seconds offline)");
  }
  if (targets.empty()) return cannot({"ARPオフロードが有効なNICはありません", "no NIC has ARP offload enabled"});
  p.record["nics"] = json::array();
  for (const auto& t : targets) p.record["nics"].push_back({{"device", t.instance}, {"key", t.key}, {"before", t.before}});
  p.record["undo"] = "by hand: Device Manager → the adapter → Advanced → ARP Offload → Enabled";
  WindowsHost* host = &h;
  // Each NIC's value is read back before the next NIC is touched.
  p.act = [host, targets](ActionOutcome& out, SystemChange*) -> Status {
    for (const auto& t : targets) {
      TRY(host->reg().write_string(t.key, kArpOffload, "0"));
      out.changes.push_back(t.key + " " + kArpOffload + " = \"0\"");
      // The driver reads its keywords when it starts.
      Status off = host->apis_.devices->disable(t.instance);
      Status on = off ? host->apis_.devices->enable(t.instance) : off;
      if (!on) {
        out.needs_restart = true;
        out.changes.push_back(t.instance + ": could not restart the adapter (" + on.error().message.en +
                              "); the setting applies after a restart");
      } else {
        out.changes.push_back(t.instance + ": adapter restarted");
      }
      auto now = host->reg().read_string(t.key, kArpOffload);
      if (!now || now->value_or("") != "0") return verify_failed(kArpOffload, kArpOffload);
    }
    host->forget();
    return ok_status();
  };
  return ready(std::move(p), {"NICのARPオフロードを無効にします（アダプターを再起動します）", "disable ARP offload on the NIC (the adapter restarts)"});
}

Expected<std::vector<std::string>> WindowsHost::Actions::undo_arp_offload(const JournalEntry& entry) {
  const json& r = entry.params;
  if (!r.contains("nics") || !r["nics"].is_array()) return damaged(entry);
  std::vector<std::string> done;
  for (const auto& n : r["nics"]) {
    std::string key = n.value("key", ""), before = n.value("before", ""), id = n.value("device", "");
    if (key.empty() || before.empty()) return damaged(entry);
    TRY(h.reg().write_string(key, kArpOffload, before));
    done.push_back(key + " " + kArpOffload + " = \"" + before + "\"");
    if (!id.empty() && h.apis_.devices->disable(id) && h.apis_.devices->enable(id)) done.push_back(id + ": adapter restarted");
  }
  return done;
}

// ---- the units' RNDIS adapters --------------------------------------------------

PreparedAction WindowsHost::Actions::rndis(const json& params, bool enable) {
  const UsbView& uv = h.usb_view();
  if (uv.error) return cannot(read_failed(*uv.error));
  const NetView& nv = h.net_view();
  if (nv.error) return cannot(read_failed(*nv.error));
  std::string serial = param_string(params, "serial");
  std::vector<usb::Unit> units = uv.units;  // copies: the views are refreshed while acting
  std::vector<UnitAdapter> adapters = h.unit_adapters(units, serial);
  if (adapters.empty())
    return cannot(serial.empty() ? Text{"USBにCaoraが見えません", "no unit on USB"}
                                 : Text{"シリアル番号 " + serial + " のCaoraがUSBに見えません", "no unit with serial number " + serial + " on USB"});
  PreparedAction p = start(params);
  std::vector<DeviceTarget> targets = enable ? disabled_adapters(adapters, p.plan.changes) : reset_targets(adapters, uv, p.plan.changes);
  if (targets.empty())
    return cannot(enable ? Text{"無効になっているCaoraのRNDISアダプターはありません", "no unit's RNDIS adapter is disabled"}
                         : Text{"CaoraのデバイスをWindowsのデバイス一覧で見つけられません", "the unit's device node cannot be found in Windows' device list"});
  p.record["targets"] = json::array();
  for (const auto& t : targets) p.record["targets"].push_back({{"device", t.instance}, {"unit", t.unit}});
  return enable ? enable_adapters(std::move(p), std::move(targets)) : reinstall_adapters(std::move(p), std::move(targets));
}

std::string WindowsHost::Actions::unit_name(const UnitAdapter& a) {
  return (a.unit->device.serial.value ? "unit " + *a.unit->device.serial.value : std::string("unit")) + " on " +
         a.unit->device.port_path();
}

std::vector<DeviceTarget> WindowsHost::Actions::disabled_adapters(const std::vector<UnitAdapter>& adapters,
                                                                  std::vector<std::string>& changes) {
  std::vector<DeviceTarget> targets;
  for (const auto& a : adapters)
    if (a.node && a.node->disabled) {
      targets.push_back({a.node->instance_id, unit_name(a), label(*a.node)});
      changes.push_back("enable " + label(*a.node) + " (" + unit_name(a) + ")");
    }
  return targets;
}

std::vector<DeviceTarget> WindowsHost::Actions::reset_targets(const std::vector<UnitAdapter>& adapters, const UsbView& uv,
                                                              std::vector<std::string>& changes) {
  std::vector<DeviceTarget> targets;
  for (const auto& a : adapters) {
    std::string unit = unit_name(a);
    if (a.node) {
      targets.push_back({a.node->instance_id, unit, label(*a.node)});
      changes.push_back("uninstall " + label(*a.node) + " (" + unit + ")");
      continue;
    }
    // No adapter node: the whole USB device is removed and detected again.
    auto inst = uv.instance_of_port.find(a.unit->device.port_path());
    if (inst == uv.instance_of_port.end()) continue;
    targets.push_back({inst->second, unit, inst->second});
    changes.push_back("uninstall the USB device " + inst->second + " (" + unit + ", which has no adapter)");
  }
  return targets;
}

PreparedAction WindowsHost::Actions::enable_adapters(PreparedAction p, std::vector<DeviceTarget> targets) {
  p.record["undo"] = "by hand: Device Manager → Network adapters → the unit's adapter → Disable device";
  WindowsHost* host = &h;
  p.act = [host, targets](ActionOutcome& out, SystemChange*) -> Status {
    for (const auto& t : targets) {
      TRY(host->apis_.devices->enable(t.instance));
      out.changes.push_back("enabled " + t.what + " (" + t.unit + ")");
    }
    return ok_status();
  };
  p.verify = probe_reads_false(host, "net.rndis.disabled", {"RNDISアダプター", "the RNDIS adapter"}, "no unit adapter disabled (verified)");
  return ready(std::move(p), {"無効なCaoraのRNDISアダプターを有効にします", "enable the units' disabled RNDIS adapters"});
}

PreparedAction WindowsHost::Actions::reinstall_adapters(PreparedAction p, std::vector<DeviceTarget> targets) {
  p.plan.changes.push_back("scan for hardware changes, so Windows detects the adapter again");
  p.record["undo"] = "nothing to put back: Windows installs the adapter again when it detects the unit";
  Text summary{"CaoraのRNDISアダプターを削除し、Windowsに再検出させます（" + std::to_string(targets.size()) + "件）",
               "remove the units' RNDIS adapters and let Windows detect them again (" + std::to_string(targets.size()) + ")"};
  WindowsHost* host = &h;
  // Nothing to verify here: the adapter comes back when Windows has installed it
  // again (rndis-reset watches for it).
  p.act = [host, targets](ActionOutcome& out, SystemChange*) -> Status {
    for (const auto& t : targets) {
      TRY_ASSIGN(bool restart, host->apis_.devices->uninstall(t.instance));
      out.needs_restart = out.needs_restart || restart;
      out.changes.push_back("uninstalled " + t.what + " (" + t.unit + ")" + (restart ? ": Windows asks for a restart" : ""));
    }
    TRY(host->apis_.devices->rescan());
    out.changes.push_back("scanned for hardware changes");
    host->forget();
    return ok_status();
  };
  return ready(std::move(p), std::move(summary));
}

// ---- restart ------------------------------------------------------------------

PreparedAction WindowsHost::Actions::restart_schedule(const json& params) {
  int minutes = param_int(params, "minutes", 2, 0, 1440);
  PreparedAction p = start(params);
  p.plan.changes.push_back("InitiateShutdownW: restart in " + std::to_string(minutes) + " minute(s) (cancel with: shutdown /a)");
  p.record["minutes"] = minutes;
  p.record["undo"] = "by hand: shutdown /a";
  WindowsHost* host = &h;
  p.act = [host, minutes](ActionOutcome& out, SystemChange*) -> Status {
    TRY(host->apis_.system->schedule_restart(static_cast<unsigned>(minutes) * 60,
                                             "caora: 資格確認端末を再起動します / restarting the terminal for the Caora unit"));
    host->restart_scheduled_ = "InitiateShutdownW accepted a restart in " + std::to_string(minutes) + " minute(s) (this run)";
    out.changes.push_back(*host->restart_scheduled_);
    return ok_status();
  };
  return ready(std::move(p), {std::to_string(minutes) + "分後に資格確認端末を再起動します（Caoraの電源は入れたまま）",
                              "restart the terminal in " + std::to_string(minutes) + " minute(s) (leave the unit powered on)"});
}

Expected<std::vector<std::string>> WindowsHost::Actions::undo_restart(const JournalEntry&) {
  TRY(h.apis_.system->cancel_restart());
  h.restart_scheduled_.reset();
  return std::vector<std::string>{"the scheduled restart is cancelled (AbortSystemShutdownW)"};
}

}  // namespace caora
