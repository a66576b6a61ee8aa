// The parts of Windows the Windows backend talks to, each behind a small
// interface: the registry, device management (SetupAPI / cfgmgr32), the
// service control manager, and the system (power scheme, session, restart,
// network adapters). win32_apis.cc has the real ones; the tests bring fakes for
// what Wine cannot do (device changes, CertPropSvc, power schemes) and use the
// real registry under Wine.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "net/net_windows.h"
#include "usb/usb.h"

namespace caora::win {

// Keys are written as reg.exe writes them: "HKLM\SYSTEM\CurrentControlSet\…"
// (HKLM and HKCU). A missing key or value is nullopt, not an error; an error
// is something that stopped the read (access denied: needs administrator).
class Registry {
 public:
  virtual ~Registry() = default;
  virtual Expected<std::optional<uint32_t>> read_dword(const std::string& key, const std::string& value) = 0;
  // REG_SZ / REG_EXPAND_SZ as UTF-8; a REG_DWORD is given as its decimal digits
  // (drivers store keywords like *PMARPOffload either way).
  virtual Expected<std::optional<std::string>> read_string(const std::string& key, const std::string& value) = 0;
  virtual Expected<bool> key_exists(const std::string& key) = 0;
  virtual Expected<bool> value_exists(const std::string& key, const std::string& value) = 0;
  virtual Status write_dword(const std::string& key, const std::string& value, uint32_t data) = 0;
  virtual Status write_string(const std::string& key, const std::string& value, const std::string& data) = 0;
  virtual Status delete_value(const std::string& key, const std::string& value) = 0;
};

enum class DeviceClass { Net, Biometric, Usb };

// One device node (Device Manager's row).
struct DeviceNode {
  std::string instance_id;  // "USB\VID_04C5&PID_1526\2113001"
  std::string description;  // friendly name, else the device description (evidence only)
  std::vector<std::string> hardware_ids;
  std::vector<std::string> compatible_ids;
  // The whole USB device the node belongs to (itself, or the nearest ancestor
  // "USB\VID_…\…" that is not an interface "&MI_xx"); empty when not on USB.
  std::string usb_device;
  std::string driver_key;  // "{4d36e972-e325-11ce-bfc1-08002be10318}\0007" (SPDRP_DRIVER)
  std::string net_guid;    // network adapters: NetCfgInstanceId, the adapter's GUID
  bool disabled = false;   // DN_HAS_PROBLEM with CM_PROB_DISABLED
  unsigned problem = 0;    // the CM_PROB_* code when the node has a problem
  // USB devices: the port numbers from the root hub down (DEVPKEY_Device_LocationPaths)
  // and the speed the parent hub reports for the port.
  std::vector<uint8_t> usb_ports;
  usb::Speed speed = usb::Speed::Unknown;
};

class DeviceManager {
 public:
  virtual ~DeviceManager() = default;
  // Present devices of the class.
  virtual Expected<std::vector<DeviceNode>> list(DeviceClass cls) = 0;
  virtual Status enable(const std::string& instance_id) = 0;
  // Disabled until enabled again, across restarts (CM_DISABLE_PERSIST).
  virtual Status disable(const std::string& instance_id) = 0;
  // Removes the node and its driver binding; true when Windows needs a restart to finish.
  virtual Expected<bool> uninstall(const std::string& instance_id) = 0;
  // Asks Windows to detect hardware again from the root (Device Manager's "scan for changes").
  virtual Status rescan() = 0;
};

struct ServiceState {
  bool exists = false;
  bool running = false;
  uint32_t start_type = 0;  // SERVICE_AUTO_START 2, SERVICE_DEMAND_START 3, SERVICE_DISABLED 4
};
const char* start_type_name(uint32_t start_type);

class ServiceManager {
 public:
  virtual ~ServiceManager() = default;
  virtual Expected<ServiceState> query(const std::string& name) = 0;
  virtual Status stop(const std::string& name) = 0;
  virtual Status start(const std::string& name) = 0;
  virtual Status set_start_type(const std::string& name, uint32_t start_type) = 0;
};

// What the session is: GetSystemMetrics(SM_REMOTESESSION) and the WTS protocol.
struct SessionInfo {
  bool remote_metric = false;          // SM_REMOTESESSION
  std::optional<unsigned> protocol;    // WTSClientProtocolType: 0 console, 2 RDP; nullopt if WTS would not say
  std::string protocol_error;          // why not
};

// One certificate of a personal ("MY") store: where it is, who issued it, to whom,
// and whether it may authenticate a client (an institution certificate must).
struct PersonalCertificate {
  std::string store;  // "CurrentUser\\My" or "LocalMachine\\My"
  std::string issuer;
  std::string subject;
  bool client_auth = false;  // no EKU extension (any use) or one listing client authentication
};

class SystemApi {
 public:
  virtual ~SystemApi() = default;
  // The active power scheme's "sleep after" on AC power, in seconds; 0 = never.
  virtual Expected<uint32_t> standby_timeout_ac() = 0;
  virtual Status set_standby_timeout_ac(uint32_t seconds) = 0;
  virtual SessionInfo session() = 0;
  // InitiateShutdownW(restart) after `seconds`, with SeShutdownPrivilege.
  virtual Status schedule_restart(unsigned seconds, const std::string& message) = 0;
  // AbortSystemShutdownW: cancels a restart still counting down.
  virtual Status cancel_restart() = 0;
  virtual Expected<std::vector<net::WindowsAdapter>> adapters() = 0;
  // The current user's and the machine's personal stores, opened read-only.
  virtual Expected<std::vector<PersonalCertificate>> personal_certificates() = 0;
  // The executable file names of the running processes (Toolhelp32), UTF-8.
  virtual Expected<std::vector<std::string>> process_names() = 0;
};

}  // namespace caora::win
