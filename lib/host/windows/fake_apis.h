// In-memory stand-ins for the parts of Windows that this machine (and Wine)
// cannot have: a terminal's device tree, its services, its power scheme and
// session. Tests build a terminal from these and run the real WindowsHost
// logic over it; each fake records what was asked of it.
#pragma once

#include <map>
#include <set>

#include "host/windows/windows_host.h"

namespace caora::win::fake {

class Registry : public win::Registry {
 public:
  struct Value {
    bool dword = false;
    uint32_t number = 0;
    std::string text;
  };
  std::map<std::string, std::map<std::string, Value>> keys;  // key → value name → value
  std::set<std::string> denied;                             // keys that answer "access denied"

  void set_dword(const std::string& k, const std::string& v, uint32_t n) { keys[k][v] = {true, n, ""}; }
  void set_string(const std::string& k, const std::string& v, const std::string& s) { keys[k][v] = {false, 0, s}; }

  Expected<std::optional<uint32_t>> read_dword(const std::string& k, const std::string& v) override {
    if (denied.count(k)) return deny(k);
    auto value = find(k, v);
    if (!value) return std::optional<uint32_t>();
    if (!value->dword) return make_error(ErrorKind::Parse, "REG_DWORD ではありません", "not a REG_DWORD");
    return std::optional<uint32_t>(value->number);
  }
  Expected<std::optional<std::string>> read_string(const std::string& k, const std::string& v) override {
    if (denied.count(k)) return deny(k);
    auto value = find(k, v);
    if (!value) return std::optional<std::string>();
    return std::optional<std::string>(value->dword ? std::to_string(value->number) : value->text);
  }
  Expected<bool> key_exists(const std::string& k) override {
    if (denied.count(k)) return deny(k);
    return keys.count(k) > 0;
  }
  Expected<bool> value_exists(const std::string& k, const std::string& v) override {
    if (denied.count(k)) return deny(k);
    return find(k, v) != nullptr;
  }
  Status write_dword(const std::string& k, const std::string& v, uint32_t n) override {
    if (denied.count(k)) return deny(k);
    set_dword(k, v, n);
    return ok_status();
  }
  Status write_string(const std::string& k, const std::string& v, const std::string& s) override {
    if (denied.count(k)) return deny(k);
    set_string(k, v, s);
    return ok_status();
  }
  Status delete_value(const std::string& k, const std::string& v) override {
    if (keys.count(k)) keys[k].erase(v);
    return ok_status();
  }

 private:
  static Error deny(const std::string& k) {
    return make_error(ErrorKind::Permission, k + " を開けません: 管理者として実行してください",
                      "cannot open " + k + ": access denied (run caora as administrator)");
  }
  const Value* find(const std::string& k, const std::string& v) const {
    auto key = keys.find(k);
    if (key == keys.end()) return nullptr;
    auto value = key->second.find(v);
    return value == key->second.end() ? nullptr : &value->second;
  }
};

class Devices : public win::DeviceManager {
 public:
  std::vector<DeviceNode> usb, net, biometric;
  std::vector<std::string> calls;  // "enable X", "disable X", "uninstall X", "rescan"
  bool uninstall_needs_restart = false;
  // What an uninstall + rescan brings back (Windows detecting the unit again).
  std::function<void(Devices&)> on_rescan;

  Expected<std::vector<DeviceNode>> list(DeviceClass cls) override {
    return cls == DeviceClass::Usb ? usb : cls == DeviceClass::Net ? net : biometric;
  }
  Status enable(const std::string& id) override { return set_disabled(id, false, "enable "); }
  Status disable(const std::string& id) override { return set_disabled(id, true, "disable "); }
  Expected<bool> uninstall(const std::string& id) override {
    calls.push_back("uninstall " + id);
    for (auto* list : {&usb, &net, &biometric})
      for (auto it = list->begin(); it != list->end(); ++it)
        if (it->instance_id == id) {
          list->erase(it);
          return uninstall_needs_restart;
        }
    return make_error(ErrorKind::NotFound, id + " がありません", "no device " + id);
  }
  Status rescan() override {
    calls.push_back("rescan");
    if (on_rescan) on_rescan(*this);
    return ok_status();
  }

 private:
  Status set_disabled(const std::string& id, bool disabled, const std::string& call) {
    calls.push_back(call + id);
    for (auto* list : {&usb, &net, &biometric})
      for (auto& n : *list)
        if (n.instance_id == id) {
          n.disabled = disabled;
          n.problem = disabled ? 22 : 0;
          return ok_status();
        }
    return make_error(ErrorKind::NotFound, id + " がありません", "no device " + id);
  }
};

class Services : public win::ServiceManager {
 public:
  std::map<std::string, ServiceState> services;
  std::vector<std::string> calls;
  Expected<ServiceState> query(const std::string& name) override {
    auto it = services.find(name);
    return it == services.end() ? ServiceState{} : it->second;
  }
  Status stop(const std::string& name) override {
    calls.push_back("stop " + name);
    services[name].running = false;
    return ok_status();
  }
  Status start(const std::string& name) override {
    calls.push_back("start " + name);
    services[name].running = true;
    return ok_status();
  }
  Status set_start_type(const std::string& name, uint32_t type) override {
    calls.push_back("start type " + name + " " + std::to_string(type));
    services[name].start_type = type;
    return ok_status();
  }
};

class System : public win::SystemApi {
 public:
  std::optional<uint32_t> standby_ac = 1800;  // nullopt: the power API fails
  SessionInfo session_info;
  std::vector<net::WindowsAdapter> adapter_list;
  std::vector<std::string> calls;
  Expected<uint32_t> standby_timeout_ac() override {
    if (!standby_ac) return make_error(ErrorKind::Unsupported, "電源プランを読めません", "the power scheme cannot be read");
    return *standby_ac;
  }
  Status set_standby_timeout_ac(uint32_t s) override {
    calls.push_back("standby " + std::to_string(s));
    standby_ac = s;
    return ok_status();
  }
  SessionInfo session() override { return session_info; }
  Status schedule_restart(unsigned seconds, const std::string&) override {
    calls.push_back("restart in " + std::to_string(seconds));
    return ok_status();
  }
  Status cancel_restart() override {
    calls.push_back("cancel restart");
    return ok_status();
  }
  Expected<std::vector<net::WindowsAdapter>> adapters() override { return adapter_list; }
  std::optional<std::vector<PersonalCertificate>> certificates = std::vector<PersonalCertificate>{};  // nullopt: the stores fail
  Expected<std::vector<PersonalCertificate>> personal_certificates() override {
    if (!certificates) return make_error(ErrorKind::Io, "証明書ストアを開けません", "the certificate store cannot be opened");
    return *certificates;
  }
  std::optional<std::vector<std::string>> processes = std::vector<std::string>{};  // nullopt: the snapshot fails
  Expected<std::vector<std::string>> process_names() override {
    if (!processes) return make_error(ErrorKind::Io, "プロセスの一覧を取れません", "the process list cannot be taken");
    return *processes;
  }
};

// libusb's view: what a UsbSource on Windows returns (no serials: it cannot open the unit).
class Libusb : public usb::UsbSource {
 public:
  std::optional<std::vector<usb::Device>> list;  // nullopt: libusb fails
  std::string name() const override { return "libusb"; }
  Expected<std::vector<usb::Device>> devices() override {
    if (!list) return make_error(ErrorKind::Io, "libusb を初期化できません", "libusb cannot be initialised");
    return *list;
  }
};

class Pcsc : public pcsc::PcscSource {
 public:
  std::vector<std::string> readers_list;
  std::map<std::string, pcsc::Hold> holds;
  std::string name() const override { return "winscard"; }
  Expected<std::vector<std::string>> readers() override { return readers_list; }
  pcsc::HoldCheck check_hold(const std::string& reader) override {
    auto it = holds.find(reader);
    pcsc::Hold h = it == holds.end() ? pcsc::Hold::Free : it->second;
    return {h, "SCardConnectA(SCARD_SHARE_SHARED) on " + reader + ": " + pcsc::hold_name(h)};
  }
};

}  // namespace caora::win::fake
