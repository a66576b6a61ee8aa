// The live Windows backend: every OS, USB, network and PC/SC probe of the
// vocabulary, read from this terminal, and the Windows actions (Remote Desktop,
// sleep, screen lock, CertPropSvc, biometric devices, ARP offload, the units'
// RNDIS adapters, a restart). Win32 sits behind the interfaces of win32_api.h,
// so this file is plain C++: the tests run it over fakes on any platform, and
// win32_apis.cc supplies the real ones on Windows.
//
// Every action plans first (what would change), records itself in the journal
// with the values it replaces before it changes anything, and reads the
// terminal again afterwards to verify.
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "host/action_table.h"
#include "host/host.h"
#include "host/live_probes.h"
#include "host/windows/win32_api.h"
#include "host/windows/windows_usb.h"
#include "pcsc/pcsc.h"

namespace caora {

struct WindowsApis {
  std::unique_ptr<win::Registry> registry;
  std::unique_ptr<win::DeviceManager> devices;
  std::unique_ptr<win::ServiceManager> services;
  std::unique_ptr<win::SystemApi> system;
};

// Where the facts live (reg.exe spelling); the tests read the same constants.
namespace winreg {
inline constexpr const char* kTerminalServer = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server";
inline constexpr const char* kCurrentVersion = "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
inline constexpr const char* kDesktop = "HKCU\\Control Panel\\Desktop";
inline constexpr const char* kSystemPolicies = "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System";
inline constexpr const char* kCbsRebootPending =
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending";
inline constexpr const char* kWuRebootRequired =
    "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired";
inline constexpr const char* kSessionManager = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager";
// The .NET Framework 4.5+ registers its build here (`Release`, a DWORD).
inline constexpr const char* kNetFx4Full = "HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full";
inline constexpr const char* kClassRoot = "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Class";
}  // namespace winreg

class WindowsHost : public Host {
 public:
  WindowsHost(WindowsApis apis, std::unique_ptr<usb::UsbSource> libusb, std::unique_ptr<pcsc::PcscSource> pcsc,
              const usb::UnitTable& table = usb::embedded_unit_table());
  std::string backend() const override { return "windows"; }
  bool provides_probe(const std::string& name) const override;
  ProbeResult probe(const std::string& name) override;
  // The actions answer from their table (windows_actions.cc); reverse() is
  // `caora undo`: it puts back the values the journal entry recorded.
  bool provides_action(const std::string& name) const override { return actions_.provides(name); }
  ActionPlan plan(const std::string& action, const nlohmann::json& params) override { return actions_.plan(action, params); }
  Expected<ActionOutcome> apply(const std::string& action, const nlohmann::json& params, Journal& journal) override {
    return actions_.apply(action, params, journal);
  }
  Expected<std::vector<std::string>> reverse(const JournalEntry& entry) override { return actions_.reverse(entry); }
  void forget() override {
    usb_view_.reset();
    net_view_.reset();
    pcsc_view_.reset();
  }

 private:
  template <typename Backend>
  friend void bind_shared_probes(ProbeTable<Backend>& t);

  // A unit's network adapter: its device node and, when Windows has one, its IP view.
  struct UnitAdapter {
    const usb::Unit* unit;
    const win::DeviceNode* node;
    const net::WindowsAdapter* ip;  // null when the adapter has no IP interface (disabled, no driver)
  };
  struct NetView {
    std::optional<Error> error;
    std::vector<win::DeviceNode> nodes;
    std::vector<net::WindowsAdapter> adapters;
    std::optional<Error> adapters_error;
  };
  template <typename T>
  struct Cached {
    std::optional<T> value;
    std::chrono::steady_clock::time_point at;
    void reset() { value.reset(); }
  };

  const UsbView& usb_view();
  const NetView& net_view();
  const PcscView& pcsc_view();
  std::vector<UnitAdapter> unit_adapters(const std::vector<usb::Unit>& units, const std::string& serial = "");
  // The terminal's own wired NICs: physical Ethernet adapters that are not a unit's.
  std::vector<const win::DeviceNode*> uplink_nics();

  // Each unit's adapters in the shared form of net_probes.
  RndisView rndis_view();

  // Every probe Windows answers, bound once.
  static const ProbeTable<WindowsHost>& probes();
  ProbeResult probe_uplink();
  ProbeResult probe_wifi_weak();
  ProbeResult probe_uplink_settings();
  ProbeResult probe_dotnet4();
  ProbeResult probe_client_certs();
  ProbeResult probe_os(const std::string& name);
  ProbeResult probe_rdp_enabled();
  ProbeResult probe_rdp_session();
  ProbeResult probe_sleep();
  ProbeResult probe_screen_lock();
  ProbeResult probe_certpropsvc();
  ProbeResult probe_biometric();
  ProbeResult probe_arp_offload();
  ProbeResult probe_restart_pending();
  ProbeResult probe_restart_scheduled();
  ProbeResult probe_processes();

  // Each action prepared from the terminal as it is now (windows_actions.cc).
  struct Actions;
  ActionTable action_table();

  win::Registry& reg() { return *apis_.registry; }
  WindowsApis apis_;
  win::WindowsUsbSource* usb_ = nullptr;  // owned by usb_source_
  std::unique_ptr<win::WindowsUsbSource> usb_source_;
  std::unique_ptr<pcsc::PcscSource> pcsc_;
  const usb::UnitTable& table_;
  Cached<UsbView> usb_view_;
  Cached<NetView> net_view_;
  Cached<PcscView> pcsc_view_;
  // Windows keeps no readable record of a pending InitiateShutdown; this run's own is known.
  std::optional<std::string> restart_scheduled_;
  // Last: its entries call into the members above.
  const ActionTable actions_ = action_table();
};

// The real Win32 implementations (win32_apis.cc; Windows only).
WindowsApis make_win32_apis();
// libusb + SetupAPI + winscard on this terminal.
std::unique_ptr<Host> make_windows_host();

}  // namespace caora
