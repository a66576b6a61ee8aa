// The Windows backend's actions. Each is prepared from the terminal as it is
// now: a plan (what would change, or why it cannot), the record the journal
// keeps before anything changes (the targets and the values they replace, and
// how to put them back), and the steps, which end by reading the terminal
// again to verify.
//
// `caora undo` restores files; these changes live in the registry, the power
// scheme, the SCM and Device Manager, so the journal entry says how to put
// each one back and holds the value it replaced.
#include <cctype>
#include <functional>

#include "host/windows/windows_host.h"

namespace caora {

using nlohmann::json;

struct WindowsHost::PreparedAction {
  ActionPlan plan;
  json record = json::object();
  std::function<Expected<ActionOutcome>()> run;
};

namespace {

constexpr uint32_t kServiceDisabled = 4;
constexpr const char* kArpOffload = "*PMARPOffload";

std::string param_string(const json& params, const char* key) {
  return params.is_object() && params.contains(key) && params[key].is_string() ? params[key].get<std::string>() : "";
}

int param_int(const json& params, const char* key, int fallback, int lo, int hi) {
  if (!params.is_object() || !params.contains(key) || !params[key].is_number()) return fallback;
  double v = params[key].get<double>();
  return v < lo ? lo : v > hi ? hi : static_cast<int>(v);
}

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

}  // namespace

WindowsHost::PreparedAction WindowsHost::prepare(const std::string& action, const json& params) {
  PreparedAction p;
  p.record = params.is_object() ? params : json::object();
  auto cannot = [&](Text why) {
    p.plan.applicable = false;
    p.plan.summary = std::move(why);
    return std::move(p);
  };
  auto ready = [&](Text summary) {
    p.plan.applicable = true;
    p.plan.summary = std::move(summary);
  };

  if (action == "host.rdp.disable") {
    const std::string key = winreg::kTerminalServer;
    auto before = reg().read_dword(key, "fDenyTSConnections");
    if (!before) return cannot(read_failed(before.error()));
    std::string was = before->has_value() ? std::to_string(**before) : "not set";
    p.plan.changes.push_back("set " + key + " fDenyTSConnections = 1 (REG_DWORD; was " + was + ")");
    p.record["registry"] = {{"key", key}, {"value", "fDenyTSConnections"},
                            {"before", before->has_value() ? json(**before) : json(nullptr)}};
    p.record["undo"] = before->has_value() ? "by hand: reg add \"" + key + "\" /v fDenyTSConnections /t REG_DWORD /d " + was + " /f"
                                           : "by hand: reg delete \"" + key + "\" /v fDenyTSConnections /f";
    ready({"リモートデスクトップ接続を無効にします（新しい接続を受け付けなくなります）",
           "disable Remote Desktop connections (no new connections are accepted)"});
    p.run = [this, key] {
      Status w = reg().write_dword(key, "fDenyTSConnections", 1);
      if (!w) return Expected<ActionOutcome>(w.error());
      auto now = reg().read_dword(key, "fDenyTSConnections");
      if (!now || now->value_or(0) != 1) return Expected<ActionOutcome>(verify_failed("fDenyTSConnections", "fDenyTSConnections"));
      ActionOutcome out;
      out.changes.push_back(key + " fDenyTSConnections = 1 (verified)");
      return Expected<ActionOutcome>(out);
    };
    return p;
  }

  if (action == "host.sleep.disable") {
    auto before = apis_.system->standby_timeout_ac();
    if (!before) return cannot(read_failed(before.error()));
    p.plan.changes.push_back("set the active power scheme's sleep after (AC) to never (was " +
                             (*before == 0 ? std::string("never") : std::to_string(*before) + " s") + ")");
    p.record["standby_timeout_ac_before_s"] = *before;
    p.record["undo"] = "by hand: powercfg /change standby-timeout-ac " + std::to_string(*before / 60);
    ready({"スリープしないようにします（電源プランの「スリープ」を「なし」に）", "never sleep on AC power (the power plan's sleep set to never)"});
    p.run = [this] {
      Status w = apis_.system->set_standby_timeout_ac(0);
      if (!w) return Expected<ActionOutcome>(w.error());
      auto now = apis_.system->standby_timeout_ac();
      if (!now || *now != 0) return Expected<ActionOutcome>(verify_failed("スリープ", "the sleep timeout"));
      ActionOutcome out;
      out.changes.push_back("sleep after (AC): never (verified)");
      return Expected<ActionOutcome>(out);
    };
    return p;
  }

  if (action == "host.screen_lock.disable") {
    auto secure = reg().read_string(winreg::kDesktop, "ScreenSaverIsSecure");
    if (!secure) return cannot(read_failed(secure.error()));
    auto inactivity = reg().read_dword(winreg::kSystemPolicies, "InactivityTimeoutSecs");
    if (!inactivity) return cannot(read_failed(inactivity.error()));
    bool saver = secure->value_or("0") == "1";
    bool policy = inactivity->value_or(0) > 0;
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
    if (!saver && !policy)
      return cannot({"画面ロックの設定（パスワード付きスクリーンセーバー、非アクティブ時の制限）はすでにありません",
                     "nothing to change: no password-protected screen saver and no inactivity limit is set"});
    p.record["before"] = before;
    p.record["undo"] = "by hand: " + [&] {
      std::string s;
      for (const auto& u : undo) s += (s.empty() ? "" : "; ") + u;
      return s;
    }();
    ready({"自動の画面ロックを切ります", "turn off the automatic screen lock"});
    p.run = [this, saver, policy] {
      ActionOutcome out;
      if (saver) {
        Status w = reg().write_string(winreg::kDesktop, "ScreenSaverIsSecure", "0");
        if (!w) return Expected<ActionOutcome>(w.error());
        out.changes.push_back(std::string(winreg::kDesktop) + " ScreenSaverIsSecure = \"0\"");
      }
      if (policy) {
        Status w = reg().write_dword(winreg::kSystemPolicies, "InactivityTimeoutSecs", 0);
        if (!w) return Expected<ActionOutcome>(w.error());
        out.changes.push_back(std::string(winreg::kSystemPolicies) + " InactivityTimeoutSecs = 0");
      }
      forget();
      ProbeResult now = probe("host.screen_lock.enabled");
      if (!now.known || now.value != false) return Expected<ActionOutcome>(verify_failed("画面ロック", "the screen lock"));
      out.changes.push_back("screen lock: off (verified)");
      return Expected<ActionOutcome>(out);
    };
    return p;
  }

  if (action == "host.certpropsvc.disable") {
    auto s = apis_.services->query("CertPropSvc");
    if (!s) return cannot(read_failed(s.error()));
    if (!s->exists) return cannot({"CertPropSvc というサービスはありません", "there is no CertPropSvc service"});
    if (s->running) p.plan.changes.push_back("stop the service CertPropSvc");
    p.plan.changes.push_back(std::string("set CertPropSvc's start type to disabled (was ") + win::start_type_name(s->start_type) + ")");
    p.record["before"] = {{"running", s->running}, {"start_type", s->start_type}};
    p.record["undo"] = std::string("by hand: sc config CertPropSvc start= ") +
                       (s->start_type == 2 ? "auto" : s->start_type == 4 ? "disabled" : "demand") +
                       (s->running ? " && sc start CertPropSvc" : "");
    ready({"証明書伝達サービス（CertPropSvc）を停止し、無効にします", "stop the Certificate Propagation service and disable it"});
    bool running = s->running;
    p.run = [this, running] {
      ActionOutcome out;
      if (running) {
        Status st = apis_.services->stop("CertPropSvc");
        if (!st) return Expected<ActionOutcome>(st.error());
        out.changes.push_back("CertPropSvc stopped");
      }
      Status d = apis_.services->set_start_type("CertPropSvc", kServiceDisabled);
      if (!d) return Expected<ActionOutcome>(d.error());
      auto now = apis_.services->query("CertPropSvc");
      if (!now || now->running || now->start_type != kServiceDisabled)
        return Expected<ActionOutcome>(verify_failed("CertPropSvc", "CertPropSvc"));
      out.changes.push_back("CertPropSvc: stopped, start type disabled (verified)");
      return Expected<ActionOutcome>(out);
    };
    return p;
  }

  if (action == "host.biometric.disable") {
    auto nodes = apis_.devices->list(win::DeviceClass::Biometric);
    if (!nodes) return cannot(read_failed(nodes.error()));
    std::vector<std::string> targets;
    for (const auto& n : *nodes)
      if (!n.disabled) {
        targets.push_back(n.instance_id);
        p.plan.changes.push_back("disable " + label(n) + " (Device Manager: disable device; kept across restarts)");
      }
    if (targets.empty()) return cannot({"有効な生体認証デバイスはありません", "no biometric device is enabled"});
    p.record["devices"] = targets;
    p.record["undo"] = "by hand: Device Manager → Biometric devices → Enable device (pnputil /enable-device \"<id>\")";
    ready({"生体認証デバイス（指紋センサーなど）を無効にします", "disable the biometric devices (fingerprint sensors etc.)"});
    p.run = [this, targets] {
      ActionOutcome out;
      for (const auto& id : targets) {
        Status d = apis_.devices->disable(id);
        if (!d) return Expected<ActionOutcome>(d.error());
        out.changes.push_back("disabled " + id);
      }
      forget();
      ProbeResult now = probe("host.biometric.present");
      if (!now.known || now.value != false) return Expected<ActionOutcome>(verify_failed("生体認証デバイス", "the biometric devices"));
      out.changes.push_back("no biometric device enabled (verified)");
      return Expected<ActionOutcome>(out);
    };
    return p;
  }

  if (action == "host.nic.arp_offload.disable") {
    const NetView& n = net_view();
    if (n.error) return cannot(read_failed(*n.error));
    struct Target {
      std::string instance, key, before;
    };
    std::vector<Target> targets;
    for (const auto* nic : uplink_nics()) {
      if (nic->driver_key.empty()) continue;
      std::string key = std::string(winreg::kClassRoot) + "\\" + nic->driver_key;
      auto v = reg().read_string(key, kArpOffload);
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
    ready({"NICのARPオフロードを無効にします（アダプターを再起動します）", "disable ARP offload on the NIC (the adapter restarts)"});
    p.run = [this, targets] {
      ActionOutcome out;
      for (const auto& t : targets) {
        Status w = reg().write_string(t.key, kArpOffload, "0");
        if (!w) return Expected<ActionOutcome>(w.error());
        out.changes.push_back(t.key + " " + kArpOffload + " = \"0\"");
        // The driver reads its keywords when it starts.
        Status off = apis_.devices->disable(t.instance);
        Status on = off ? apis_.devices->enable(t.instance) : off;
        if (!on) {
          out.needs_restart = true;
          out.changes.push_back(t.instance + ": could not restart the adapter (" + on.error().message.en +
                                "); the setting applies after a restart");
        } else {
          out.changes.push_back(t.instance + ": adapter restarted");
        }
        auto now = reg().read_string(t.key, kArpOffload);
        if (!now || now->value_or("") != "0") return Expected<ActionOutcome>(verify_failed(kArpOffload, kArpOffload));
      }
      forget();
      return Expected<ActionOutcome>(out);
    };
    return p;
  }

  if (action == "rndis.enable" || action == "rndis.reset") {
    const UsbView& uv = usb_view();
    if (uv.error) return cannot(read_failed(*uv.error));
    const NetView& nv = net_view();
    if (nv.error) return cannot(read_failed(*nv.error));
    std::string serial = param_string(params, "serial");
    std::vector<usb::Unit> units = uv.units;  // copies: the views are refreshed while acting
    std::vector<UnitAdapter> adapters = unit_adapters(units, serial);
    if (adapters.empty())
      return cannot(serial.empty() ? Text{"USBにCaoraが見えません", "no unit on USB"}
                                   : Text{"シリアル番号 " + serial + " のCaoraがUSBに見えません", "no unit with serial number " + serial + " on USB"});
    struct Target {
      std::string instance, unit, what;
    };
    std::vector<Target> targets;
    for (const auto& a : adapters) {
      std::string unit = (a.unit->device.serial.value ? "unit " + *a.unit->device.serial.value : std::string("unit")) + " on " +
                         a.unit->device.port_path();
      if (action == "rndis.enable") {
        if (a.node && a.node->disabled) {
          targets.push_back({a.node->instance_id, unit, label(*a.node)});
          p.plan.changes.push_back("enable " + label(*a.node) + " (" + unit + ")");
        }
        continue;
      }
      if (a.node) {
        targets.push_back({a.node->instance_id, unit, label(*a.node)});
        p.plan.changes.push_back("uninstall " + label(*a.node) + " (" + unit + ")");
      } else {
        // No adapter node: the whole USB device is removed and detected again.
        auto inst = uv.instance_of_port.find(a.unit->device.port_path());
        if (inst == uv.instance_of_port.end()) continue;
        targets.push_back({inst->second, unit, inst->second});
        p.plan.changes.push_back("uninstall the USB device " + inst->second + " (" + unit + ", which has no adapter)");
      }
    }
    if (targets.empty())
      return cannot(action == "rndis.enable"
                        ? Text{"無効になっているCaoraのRNDISアダプターはありません", "no unit's RNDIS adapter is disabled"}
                        : Text{"CaoraのデバイスをWindowsのデバイス一覧で見つけられません", "the unit's device node cannot be found in Windows' device list"});
    p.record["targets"] = json::array();
    for (const auto& t : targets) p.record["targets"].push_back({{"device", t.instance}, {"unit", t.unit}});
    if (action == "rndis.enable") {
      p.record["undo"] = "by hand: Device Manager → Network adapters → the unit's adapter → Disable device";
      ready({"無効なCaoraのRNDISアダプターを有効にします", "enable the units' disabled RNDIS adapters"});
      p.run = [this, targets] {
        ActionOutcome out;
        for (const auto& t : targets) {
          Status e = apis_.devices->enable(t.instance);
          if (!e) return Expected<ActionOutcome>(e.error());
          out.changes.push_back("enabled " + t.what + " (" + t.unit + ")");
        }
        forget();
        ProbeResult now = probe("net.rndis.disabled");
        if (!now.known || now.value != false) return Expected<ActionOutcome>(verify_failed("RNDISアダプター", "the RNDIS adapter"));
        out.changes.push_back("no unit adapter disabled (verified)");
        return Expected<ActionOutcome>(out);
      };
      return p;
    }
    p.plan.changes.push_back("scan for hardware changes, so Windows detects the adapter again");
    p.record["undo"] = "nothing to put back: Windows installs the adapter again when it detects the unit";
    ready({"CaoraのRNDISアダプターを削除し、Windowsに再検出させます（" + std::to_string(targets.size()) + "件）",
           "remove the units' RNDIS adapters and let Windows detect them again (" + std::to_string(targets.size()) + ")"});
    p.run = [this, targets] {
      ActionOutcome out;
      for (const auto& t : targets) {
        auto r = apis_.devices->uninstall(t.instance);
        if (!r) return Expected<ActionOutcome>(r.error());
        out.needs_restart = out.needs_restart || *r;
        out.changes.push_back("uninstalled " + t.what + " (" + t.unit + ")" + (*r ? ": Windows asks for a restart" : ""));
      }
      Status s = apis_.devices->rescan();
      if (!s) return Expected<ActionOutcome>(s.error());
      out.changes.push_back("scanned for hardware changes");
      forget();
      return Expected<ActionOutcome>(out);
    };
    return p;
  }

  if (action == "host.restart.schedule") {
    int minutes = param_int(params, "minutes", 2, 0, 1440);
    p.plan.changes.push_back("InitiateShutdownW: restart in " + std::to_string(minutes) + " minute(s) (cancel with: shutdown /a)");
    p.record["minutes"] = minutes;
    p.record["undo"] = "by hand: shutdown /a";
    ready({std::to_string(minutes) + "分後に資格確認端末を再起動します（Caoraの電源は入れたまま）",
           "restart the terminal in " + std::to_string(minutes) + " minute(s) (leave the unit powered on)"});
    p.run = [this, minutes] {
      Status s = apis_.system->schedule_restart(static_cast<unsigned>(minutes) * 60,
                                                "caora: 資格確認端末を再起動します / restarting the terminal for the Caora unit");
      if (!s) return Expected<ActionOutcome>(s.error());
      restart_scheduled_ = "InitiateShutdownW accepted a restart in " + std::to_string(minutes) + " minute(s) (this run)";
      ActionOutcome out;
      out.changes.push_back(*restart_scheduled_);
      return Expected<ActionOutcome>(out);
    };
    return p;
  }

  return cannot(not_on_this_backend(backend()));
}

// Puts back what an entry recorded. Each value is written as it was (a value
// that was not set is deleted again), then read back.
Expected<std::vector<std::string>> WindowsHost::reverse(const JournalEntry& entry) {
  const json& r = entry.params;
  std::vector<std::string> done;
  auto damaged = [&] {
    return make_error(ErrorKind::Parse, "ジャーナルの記録 " + entry.id + " に元の値がないため戻せません",
                      "journal entry " + entry.id + " does not hold the value it replaced, so it cannot be undone");
  };
  const std::string& a = entry.action;
  if (a == "host.rdp.disable") {
    if (!r.contains("registry") || !r["registry"].is_object()) return damaged();
    const json& g = r["registry"];
    std::string key = g.value("key", ""), value = g.value("value", "");
    if (key.empty() || value.empty() || !g.contains("before")) return damaged();
    Status s = g["before"].is_number() ? reg().write_dword(key, value, g["before"].get<uint32_t>()) : reg().delete_value(key, value);
    if (!s) return s.error();
    done.push_back(key + " " + value + (g["before"].is_number() ? " = " + std::to_string(g["before"].get<uint32_t>()) : " removed"));
  } else if (a == "host.sleep.disable") {
    if (!r.contains("standby_timeout_ac_before_s") || !r["standby_timeout_ac_before_s"].is_number()) return damaged();
    uint32_t before = r["standby_timeout_ac_before_s"].get<uint32_t>();
    Status s = apis_.system->set_standby_timeout_ac(before);
    if (!s) return s.error();
    auto now = apis_.system->standby_timeout_ac();
    if (!now || *now != before) return verify_failed("スリープ", "the sleep timeout");
    done.push_back("sleep after (AC): " + std::to_string(before) + " s (verified)");
  } else if (a == "host.screen_lock.disable") {
    if (!r.contains("before") || !r["before"].is_object()) return damaged();
    const json& b = r["before"];
    if (b.contains("ScreenSaverIsSecure")) {
      Status s = reg().write_string(winreg::kDesktop, "ScreenSaverIsSecure", "1");
      if (!s) return s.error();
      done.push_back(std::string(winreg::kDesktop) + " ScreenSaverIsSecure = \"1\"");
    }
    if (b.contains("InactivityTimeoutSecs") && b["InactivityTimeoutSecs"].is_number()) {
      Status s = reg().write_dword(winreg::kSystemPolicies, "InactivityTimeoutSecs", b["InactivityTimeoutSecs"].get<uint32_t>());
      if (!s) return s.error();
      done.push_back(std::string(winreg::kSystemPolicies) + " InactivityTimeoutSecs = " +
                     std::to_string(b["InactivityTimeoutSecs"].get<uint32_t>()));
    }
  } else if (a == "host.certpropsvc.disable") {
    if (!r.contains("before") || !r["before"].contains("start_type") || !r["before"]["start_type"].is_number()) return damaged();
    Status s = apis_.services->set_start_type("CertPropSvc", r["before"]["start_type"].get<uint32_t>());
    if (!s) return s.error();
    done.push_back(std::string("CertPropSvc start type ") + win::start_type_name(r["before"]["start_type"].get<uint32_t>()));
    if (r["before"].value("running", false)) {
      Status st = apis_.services->start("CertPropSvc");
      if (!st) return st.error();
      done.push_back("CertPropSvc started");
    }
  } else if (a == "host.biometric.disable" || a == "rndis.enable") {
    const char* field = a == "rndis.enable" ? "targets" : "devices";
    if (!r.contains(field) || !r[field].is_array()) return damaged();
    for (const auto& d : r[field]) {
      std::string id = d.is_string() ? d.get<std::string>() : d.value("device", "");
      if (id.empty()) return damaged();
      Status s = a == "rndis.enable" ? apis_.devices->disable(id) : apis_.devices->enable(id);
      if (!s) return s.error();
      done.push_back((a == "rndis.enable" ? "disabled " : "enabled ") + id);
    }
  } else if (a == "host.nic.arp_offload.disable") {
    if (!r.contains("nics") || !r["nics"].is_array()) return damaged();
    for (const auto& n : r["nics"]) {
      std::string key = n.value("key", ""), before = n.value("before", ""), id = n.value("device", "");
      if (key.empty() || before.empty()) return damaged();
      Status s = reg().write_string(key, kArpOffload, before);
      if (!s) return s.error();
      done.push_back(key + " " + kArpOffload + " = \"" + before + "\"");
      if (!id.empty() && apis_.devices->disable(id) && apis_.devices->enable(id)) done.push_back(id + ": adapter restarted");
    }
  } else if (a == "host.restart.schedule") {
    Status s = apis_.system->cancel_restart();
    if (!s) return s.error();
    restart_scheduled_.reset();
    done.push_back("the scheduled restart is cancelled (AbortSystemShutdownW)");
  } else {
    return Host::reverse(entry);  // rndis.reset: Windows put the adapter back itself
  }
  forget();
  return done;
}

ActionPlan WindowsHost::plan(const std::string& action, const json& params) { return prepare(action, params).plan; }

Expected<ActionOutcome> WindowsHost::apply(const std::string& action, const json& params, Journal& journal) {
  PreparedAction p = prepare(action, params);
  if (!p.plan.applicable || !p.run) return Error{ErrorKind::Unsupported, p.plan.summary};
  p.record["changes"] = p.plan.changes;
  auto change = SystemChange::begin(journal, action, p.record);
  if (!change) return change.error();
  auto out = p.run();
  if (!out) return out.error();  // the entry is marked failed
  Status recorded = change->done();
  if (!recorded) return recorded.error();
  out->journal_id = change->id();
  return out;
}

}  // namespace caora
