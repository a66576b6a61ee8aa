// The live Linux backend: every OS, USB, network and PC/SC probe of the
// vocabulary that Linux can answer, read from this machine (libusb, sysfs,
// getifaddrs, pcsc-lite, systemd, /proc, /etc/os-release). Probes that only
// exist on Windows, and the ones Linux cannot read reliably, answer unknown
// with the reason. Actions with a Linux meaning are carried out (RNDIS
// unbind/bind or de-authorize/authorize through sysfs, interface flags,
// systemd masks, shutdown -r); the others say how to do it by hand, or that
// the setting is Windows-only. The install root (site.*) is another layer's
// business.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "core/fs.h"
#include "host/action_table.h"
#include "host/host.h"
#include "host/live_probes.h"
#include "net/net.h"
#include "pcsc/pcsc.h"
#include "usb/usb.h"

namespace caora {

// Where the backend reads the machine; tests point these at fixtures.
struct LinuxPaths {
  fs::path sysfs = "/sys";
  fs::path etc = "/etc";
  fs::path run = "/run";
  fs::path proc = "/proc";
  // Ask systemctl about sleep; off in tests, which read fixture files only.
  bool use_systemctl = true;
  // The process environment (XRDP_SESSION); injectable for tests.
  std::function<std::optional<std::string>(const std::string&)> env;
  // What schedules a restart (run as PROGRAM -r +MINUTES MESSAGE, cancelled with -c);
  // looked up in PATH like a shell does.
  std::string shutdown_program = "shutdown";
};

// The real paths. CAORA_SYSFS_ROOT overrides /sys, CAORA_ETC_ROOT /etc (and then
// systemctl is not asked: the fixture's files are the truth), CAORA_RUN_ROOT /run,
// CAORA_PROC_ROOT /proc (for /proc/net/wireless and /proc/net/route).
LinuxPaths linux_paths_from_environment();

class LinuxHost : public Host {
 public:
  LinuxHost(LinuxPaths paths, std::unique_ptr<usb::UsbSource> usb, std::unique_ptr<pcsc::PcscSource> pcsc,
            const usb::UnitTable& table = usb::embedded_unit_table());
  std::string backend() const override { return "linux"; }
  bool provides_probe(const std::string& name) const override;
  ProbeResult probe(const std::string& name) override;
  // The actions answer from their table (linux_actions.cc).
  bool provides_action(const std::string& name) const override { return actions_.provides(name); }
  ActionPlan plan(const std::string& action, const nlohmann::json& params) override { return actions_.plan(action, params); }
  Expected<ActionOutcome> apply(const std::string& action, const nlohmann::json& params, Journal& journal) override {
    return actions_.apply(action, params, journal);
  }
  Expected<std::vector<std::string>> reverse(const JournalEntry& entry) override { return actions_.reverse(entry); }
  // The next reads enumerate USB, network and PC/SC afresh (after an action, or while waiting).
  void forget() override {
    usb_cache_.value.reset();
    net_cache_.value.reset();
    pcsc_cache_.value.reset();
  }

 private:
  template <typename Backend>
  friend void bind_shared_probes(ProbeTable<Backend>& t);

  struct NetView {
    std::optional<Error> error;
    std::vector<net::Interface> interfaces;
  };
  template <typename T>
  struct Cached {
    std::optional<T> value;
    std::chrono::steady_clock::time_point at;
  };

  const UsbView& usb_view();
  const NetView& net_view();
  const PcscView& pcsc_view();
  // Each unit's adapters: the interfaces on the unit's USB device.
  RndisView rndis_view();

  // Every probe Linux answers (or says why it cannot), bound once.
  static const ProbeTable<LinuxHost>& probes();
  ProbeResult probe_uplink();
  ProbeResult probe_wifi_weak();
  ProbeResult probe_uplink_settings();
  ProbeResult probe_os(const std::string& name);
  ProbeResult probe_sleep();
  ProbeResult probe_rdp_session();
  ProbeResult probe_restart_pending();
  ProbeResult probe_restart_scheduled();
  ProbeResult probe_processes();

  // Each action prepared from the machine as it is now (linux_actions.cc).
  struct Actions;
  ActionTable action_table();

  LinuxPaths paths_;
  std::unique_ptr<usb::UsbSource> usb_;
  std::unique_ptr<pcsc::PcscSource> pcsc_;
  const usb::UnitTable& table_;
  Cached<UsbView> usb_cache_;
  Cached<NetView> net_cache_;
  Cached<PcscView> pcsc_cache_;
  // Last: its entries call into the members above.
  const ActionTable actions_ = action_table();
};

// libusb + pcsc-lite on the real machine.
std::unique_ptr<Host> make_linux_host();

// KEY=VALUE lines of os-release(5), quotes removed.
std::map<std::string, std::string> parse_os_release(const std::string& text);

}  // namespace caora
