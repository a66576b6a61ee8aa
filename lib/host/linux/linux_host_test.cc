#include "host/linux/linux_host.h"

#include <unistd.h>

#include <algorithm>

#include <catch2/catch.hpp>

#include "host/vocabulary.h"

using namespace caora;

namespace {

class FakeUsb : public usb::UsbSource {
 public:
  std::vector<usb::Device> list;
  std::optional<Error> error;
  std::string name() const override { return "fake-usb"; }
  Expected<std::vector<usb::Device>> devices() override {
    if (error) return *error;
    return list;
  }
};

class FakePcsc : public pcsc::PcscSource {
 public:
  std::optional<Error> error;
  std::vector<std::string> names;
  std::map<std::string, pcsc::Hold> holds;
  std::string name() const override { return "fake-pcsc"; }
  Expected<std::vector<std::string>> readers() override {
    if (error) return *error;
    return names;
  }
  pcsc::HoldCheck check_hold(const std::string& reader) override {
    auto h = holds.count(reader) ? holds[reader] : pcsc::Hold::Free;
    return {h, "connect " + reader + ": " + pcsc::hold_name(h)};
  }
};

usb::Device unit(uint8_t bus, std::vector<uint8_t> ports, const char* serial, usb::Speed speed = usb::Speed::High) {
  usb::Device d;
  d.vendor = 0x04c5;
  d.product = 0x1526;
  d.bus = bus;
  d.ports = std::move(ports);
  d.speed = speed;
  d.interfaces = {{0xE0, 0x01, 0x03}, {0x0A, 0, 0}};
  if (serial) d.serial.value = serial, d.serial.source = "fake";
  else d.serial.reason = {"読めません", "cannot be read"};
  return d;
}

fs::path sysfs(const std::string& name) { return fs::path(CAORA_SOURCE_DIR) / "tests/data/sysfs" / name / "sys"; }

struct Rig {
  FakeUsb* usb;
  FakePcsc* pcsc;
  std::unique_ptr<LinuxHost> host;
  fs::path tmp;
  // writable: the sysfs fixture is copied into the rig, so actions can write to it.
  explicit Rig(const std::string& sysfs_case = "rndis-ok", std::map<std::string, std::string> env = {},
               bool writable = false) {
    static int serial = 0;  // several rigs live at once in one test
    tmp = fs::temp_directory_path() / ("caora-linux-host-" + std::to_string(::getpid()) + "-" + std::to_string(++serial));
    fs::remove_all(tmp);
    fs::create_directories(tmp / "etc" / "systemd" / "system");
    fs::create_directories(tmp / "run");
    fs::create_directories(tmp / "proc");
    LinuxPaths p;
    p.sysfs = sysfs(sysfs_case);
    if (writable) {
      fs::copy(sysfs(sysfs_case).parent_path(), tmp / "fixture", fs::copy_options::recursive | fs::copy_options::copy_symlinks);
      p.sysfs = tmp / "fixture" / "sys";
    }
    p.shutdown_program = (tmp / "shutdown").string();
    p.etc = tmp / "etc";
    p.run = tmp / "run";
    p.proc = tmp / "proc";
    p.use_systemctl = false;
    p.env = [env](const std::string& k) -> std::optional<std::string> {
      auto it = env.find(k);
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    auto u = std::make_unique<FakeUsb>();
    auto c = std::make_unique<FakePcsc>();
    usb = u.get();
    pcsc = c.get();
    host = std::make_unique<LinuxHost>(p, std::move(u), std::move(c));
  }
  ~Rig() { fs::remove_all(tmp); }
  void put(const std::string& rel, const std::string& text) {
    fs::create_directories((tmp / rel).parent_path());
    REQUIRE(write_file_atomic(tmp / rel, text));
  }
};

bool has(const ProbeResult& r, const std::string& needle) {
  for (const auto& e : r.evidence)
    if (e.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("linux host: USB units, serials, hubs and speed") {
  Rig rig;
  rig.usb->list = {unit(1, {2}, "2113001"), unit(1, {1, 3}, nullptr, usb::Speed::Full)};
  auto count = rig.host->probe("usb.units.count");
  REQUIRE(count.known);
  CHECK(count.value == 2);
  CHECK(has(count, "unit at 1-1.3, 04c5:1526, full speed, behind a hub"));
  auto serials = rig.host->probe("usb.units.serials");
  REQUIRE(serials.known);
  CHECK(serials.value == nlohmann::json::array({"2113001"}));
  CHECK(has(serials, "1-1.3: serial unknown: cannot be read"));
  CHECK(rig.host->probe("usb.units.behind_hub").value == true);
  CHECK(rig.host->probe("usb.units.low_speed").value == true);
}

TEST_CASE("linux host: no serial readable at all is unknown; USB errors are unknown, never zero") {
  Rig rig;
  rig.usb->list = {unit(1, {2}, nullptr)};
  CHECK_FALSE(rig.host->probe("usb.units.serials").known);
  Rig broken;
  broken.usb->error = make_error(ErrorKind::Io, "USBを読めません", "USB cannot be read");
  auto c = broken.host->probe("usb.units.count");
  CHECK_FALSE(c.known);
  CHECK(c.reason.en == "USB cannot be read");
  CHECK_FALSE(broken.host->probe("net.rndis.present").known);
}

TEST_CASE("linux host: the unit's RNDIS adapter, its address and the uplink") {
  Rig rig("rndis-ok");
  rig.usb->list = {unit(1, {2}, "2113001")};
  CHECK(rig.host->probe("net.rndis.present").value == true);
  CHECK(rig.host->probe("net.rndis.disabled").value == false);
  CHECK(rig.host->probe("net.rndis.has_address").value == true);
  auto overlap = rig.host->probe("net.rndis.subnet_overlap");
  CHECK(overlap.value == false);
  CHECK(has(overlap, "usb0 192.168.250.2/24: no other interface in that subnet"));
  auto up = rig.host->probe("net.uplink.connected");
  CHECK(up.value == true);
  CHECK(has(up, "eth0 (e1000e): up"));
  CHECK_FALSE(has(up, "wlan0"));
  CHECK_FALSE(has(up, "usb0"));
}

TEST_CASE("linux host: subnet overlap names both interfaces") {
  Rig rig("overlap");
  rig.usb->list = {unit(1, {2}, "2113001")};
  auto r = rig.host->probe("net.rndis.subnet_overlap");
  CHECK(r.value == true);
  CHECK(has(r, "usb0 192.168.250.2/24 overlaps eth0 192.168.0.20/16"));
}

TEST_CASE("linux host: a disabled adapter, a missing address, a missing adapter") {
  Rig disabled("disabled");
  disabled.usb->list = {unit(1, {2}, "2113001")};
  CHECK(disabled.host->probe("net.rndis.disabled").value == true);
  CHECK(disabled.host->probe("net.rndis.has_address").value == false);
  CHECK(disabled.host->probe("net.uplink.connected").value == false);
  Rig noaddr("no-address");
  noaddr.usb->list = {unit(1, {2}, "2113001")};
  CHECK(noaddr.host->probe("net.rndis.present").value == true);
  CHECK(noaddr.host->probe("net.rndis.has_address").value == false);
  Rig none("no-adapter");
  none.usb->list = {unit(1, {2}, "2113001")};
  auto p = none.host->probe("net.rndis.present");
  CHECK(p.value == false);
  CHECK(has(p, "1-2 04c5:1526 serial 2113001: no network interface on this USB device"));
  Rig two("two-units");
  two.usb->list = {unit(1, {2}, "2113001"), unit(2, {1}, "2113002")};
  CHECK(two.host->probe("net.rndis.present").value == true);
  CHECK(two.host->probe("net.rndis.subnet_overlap").value == false);
  Rig nounit("rndis-ok");
  CHECK(nounit.host->probe("net.rndis.present").value == false);
}

TEST_CASE("linux host: PC/SC readers, foreign readers and exclusive holders") {
  Rig rig;
  rig.usb->list = {unit(1, {2}, "2113001")};
  rig.pcsc->error = make_error(ErrorKind::Unsupported, "pcscd が動いていません", "the PC/SC service (pcscd) is not running");
  for (auto name : {"pcsc.units.visible", "pcsc.foreign_readers.present", "pcsc.unit.held_exclusive"}) {
    auto r = rig.host->probe(name);
    CHECK_FALSE(r.known);
    CHECK(r.reason.en == "the PC/SC service (pcscd) is not running");
  }
  Rig ok;
  ok.usb->list = {unit(1, {2}, "2113001")};
  ok.pcsc->names = {"PFU Caora 2113001 00 00", "SONY FeliCa Port/PaSoRi 00 00"};
  CHECK(ok.host->probe("pcsc.units.visible").value == true);
  CHECK(ok.host->probe("pcsc.foreign_readers.present").value == true);
  CHECK(ok.host->probe("pcsc.unit.held_exclusive").value == false);
  Rig held;
  held.pcsc->names = {"PFU Caora 2113001 00 00"};
  held.pcsc->holds["PFU Caora 2113001 00 00"] = pcsc::Hold::Exclusive;
  CHECK(held.host->probe("pcsc.unit.held_exclusive").value == true);
  Rig nocard;
  nocard.pcsc->names = {"PFU Caora 2113001 00 00"};
  nocard.pcsc->holds["PFU Caora 2113001 00 00"] = pcsc::Hold::NoCard;
  auto r = nocard.host->probe("pcsc.unit.held_exclusive");
  CHECK(r.value == false);
  CHECK(has(r, "no card: nobody can hold it exclusively"));
  Rig odd;
  odd.pcsc->names = {"PFU Caora 2113001 00 00"};
  odd.pcsc->holds["PFU Caora 2113001 00 00"] = pcsc::Hold::Unknown;
  CHECK_FALSE(odd.host->probe("pcsc.unit.held_exclusive").known);
  Rig missing;
  missing.usb->list = {unit(1, {2}, "2113001"), unit(1, {3}, "2113002")};
  missing.pcsc->names = {"PFU Caora 2113001 00 00"};
  auto v = missing.host->probe("pcsc.units.visible");
  CHECK(v.value == false);
  CHECK(has(v, "no reader name carries unit 2113002's serial"));
}

TEST_CASE("linux host: sleep from systemd's masks, unknown without systemd") {
  Rig rig;
  CHECK(rig.host->probe("host.sleep.enabled").value == true);
  Rig masked;
  fs::create_symlink("/dev/null", masked.tmp / "etc/systemd/system/sleep.target");
  auto r = masked.host->probe("host.sleep.enabled");
  CHECK(r.value == false);
  CHECK(has(r, "sleep.target -> /dev/null (masked)"));
  Rig nosystemd;
  fs::remove_all(nosystemd.tmp / "etc/systemd");
  CHECK_FALSE(nosystemd.host->probe("host.sleep.enabled").known);
}

TEST_CASE("linux host: XRDP sessions from the environment or the process list") {
  Rig env("rndis-ok", {{"XRDP_SESSION", "1"}});
  CHECK(env.host->probe("host.rdp.session_active").value == true);
  Rig daemon;
  daemon.put("proc/100/comm", "xrdp-sesman\n");
  daemon.put("proc/100/stat", "100 (xrdp-sesman) S 1 100 100 0");
  auto d = daemon.host->probe("host.rdp.session_active");
  CHECK(d.value == false);
  CHECK(has(d, "xrdp-sesman daemon (no session by itself)"));
  Rig session;
  session.put("proc/100/comm", "xrdp-sesman\n");
  session.put("proc/100/stat", "100 (xrdp-sesman) S 1 100 100 0");
  session.put("proc/200/comm", "xrdp-sesman\n");
  session.put("proc/200/stat", "200 (xrdp-sesman) S 100 200 200 0");
  CHECK(session.host->probe("host.rdp.session_active").value == true);
  Rig chansrv;
  chansrv.put("proc/300/comm", "xrdp-chansrv\n");
  CHECK(chansrv.host->probe("host.rdp.session_active").value == true);
}

TEST_CASE("linux host: OS name and version, restart flag, Windows-only probes") {
  Rig rig;
  rig.put("etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n");
  CHECK(rig.host->probe("host.os.name").value == "Debian GNU/Linux");
  CHECK(rig.host->probe("host.os.version").value == "12");
  CHECK(rig.host->probe("host.restart.pending").value == false);
  rig.put("run/reboot-required", "*** System restart required ***\n");
  rig.put("run/reboot-required.pkgs", "linux-image-6.1.0-18-amd64\n");
  auto r = rig.host->probe("host.restart.pending");
  CHECK(r.value == true);
  CHECK(has(r, "for: linux-image-6.1.0-18-amd64"));
  for (auto name : {"host.rdp.enabled", "host.certpropsvc.running", "host.nic.arp_offload.enabled"}) {
    auto w = rig.host->probe(name);
    CHECK_FALSE(w.known);
    CHECK(w.reason.en.rfind("Windows only", 0) == 0);
  }
  CHECK_FALSE(rig.host->probe("host.screen_lock.enabled").known);
  CHECK(parse_os_release("# c\nID=arch\nBUILD_ID=rolling\n")["BUILD_ID"] == "rolling");
}

TEST_CASE("linux host: answers every non-site probe, leaves site.* to the install root") {
  Rig rig;
  for (const auto& spec : probe_specs()) {
    std::string n = spec.name;
    CHECK(rig.host->provides_probe(n) == (n.rfind("site.", 0) != 0));
  }
}

TEST_CASE("linux host: actions without a Linux meaning say so; the others are planned") {
  Rig rig;
  rig.usb->list = {unit(1, {2}, "2113001")};
  for (const auto& spec : action_specs()) {
    if (std::string(spec.name).rfind("site.", 0) == 0) continue;
    ActionPlan p = rig.host->plan(spec.name, nlohmann::json::object());
    CHECK_FALSE(p.summary.en.empty());
    CHECK_FALSE(p.summary.ja.empty());
    CHECK(p.summary.en.find("not implemented") == std::string::npos);
  }
  for (auto name : {"host.rdp.disable", "host.certpropsvc.disable", "host.nic.arp_offload.disable"}) {
    CHECK_FALSE(rig.host->plan(name, {}).applicable);
    CHECK(rig.host->plan(name, {}).summary.en == "a Windows-only setting; there is nothing to change on Linux");
  }
  CHECK_FALSE(rig.host->plan("host.screen_lock.disable", {}).applicable);
  Journal journal(rig.tmp / "state");
  auto refused = rig.host->apply("host.rdp.disable", {}, journal);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().kind == ErrorKind::Unsupported);
}

TEST_CASE("linux host: rndis.reset rebinds the unit's interface through sysfs, journaled") {
  Rig rig("rndis-ok", {}, true);
  rig.usb->list = {unit(1, {2}, "2113001")};
  fs::path drv = rig.tmp / "fixture/sys/bus/usb/drivers/rndis_host";
  // The fixture has no bind/unbind files: the plan says it cannot work.
  ActionPlan missing = rig.host->plan("rndis.reset", {});
  CHECK_FALSE(missing.applicable);
  CHECK(missing.summary.en.find("unbind does not exist") != std::string::npos);
  rig.put("fixture/sys/bus/usb/drivers/rndis_host/unbind", "");
  rig.put("fixture/sys/bus/usb/drivers/rndis_host/bind", "");
  ActionPlan p = rig.host->plan("rndis.reset", {});
  REQUIRE(p.applicable);
  REQUIRE(p.changes.size() == 1);
  CHECK(p.changes[0].find("write 1-2:1.0 to ") != std::string::npos);
  CHECK(p.changes[0].find("(usb0, unit 2113001 on 1-2)") != std::string::npos);
  CHECK_FALSE(rig.host->plan("rndis.reset", {{"serial", "9999999"}}).applicable);
  Journal journal(rig.tmp / "state");
  auto out = rig.host->apply("rndis.reset", {{"settle_s", 0}}, journal);
  REQUIRE(out);
  CHECK_FALSE(out->journal_id.empty());
  CHECK(*read_file(drv / "unbind") == "1-2:1.0");
  CHECK(*read_file(drv / "bind") == "1-2:1.0");
  CHECK(out->changes.back().find("usb0 is back on 1-2") == 0);
  auto entries = journal.entries();
  REQUIRE(entries);
  REQUIRE(entries->size() == 1);
  CHECK(entries->at(0).action == "rndis.reset");
  CHECK(entries->at(0).params["targets"][0]["method"] == "rebind");
  auto nothing = rig.host->reverse(entries->at(0));
  REQUIRE_FALSE(nothing);
  CHECK(nothing.error().kind == ErrorKind::Unsupported);
}

TEST_CASE("linux host: rndis.reset de-authorizes a unit that has no adapter") {
  Rig rig("no-adapter", {}, true);
  rig.usb->list = {unit(1, {2}, "2113001")};
  // The USB device of the unit: sys/bus/usb/devices/1-2 with its authorized file.
  fs::create_directories(rig.tmp / "fixture/sys/bus/usb/devices/1-2");
  rig.put("fixture/sys/bus/usb/devices/1-2/authorized", "1\n");
  ActionPlan p = rig.host->plan("rndis.reset", {});
  REQUIRE(p.applicable);
  CHECK(p.changes[0].find("write 0, then 1, to ") == 0);
  CHECK(p.changes[0].find("which has no adapter") != std::string::npos);
  Journal journal(rig.tmp / "state");
  auto out = rig.host->apply("rndis.reset", {{"settle_s", 0}}, journal);
  REQUIRE(out);
  CHECK(*read_file(rig.tmp / "fixture/sys/bus/usb/devices/1-2/authorized") == "1");
  CHECK(out->changes.back() .find("no adapter on 1-2 yet") == 0);
}

TEST_CASE("linux host: rndis.enable sets IFF_UP on the unit's disabled adapter") {
  Rig rig("disabled", {}, true);
  rig.usb->list = {unit(1, {2}, "2113001")};
  CHECK(rig.host->probe("net.rndis.disabled").value == true);
  ActionPlan p = rig.host->plan("rndis.enable", {});
  REQUIRE(p.applicable);
  REQUIRE(p.changes.size() == 1);
  CHECK(p.changes[0].find("usb0 of unit 2113001 on 1-2 is administratively down, flags 0x1002") != std::string::npos);
  Journal journal(rig.tmp / "state");
  auto out = rig.host->apply("rndis.enable", {}, journal);
  REQUIRE(out);
  CHECK(*read_file(rig.tmp / "fixture/sys/class/net/usb0/flags") == "0x1003");
  CHECK(rig.host->probe("net.rndis.disabled").value == false);
  CHECK(journal.entries()->at(0).params["interfaces"][0]["flags_before"] == "0x1002");
  // reverse() takes it down again, as it was.
  auto reversed = rig.host->reverse(journal.entries()->at(0));
  REQUIRE(reversed);
  CHECK(*read_file(rig.tmp / "fixture/sys/class/net/usb0/flags") == "0x1002");
  CHECK(rig.host->probe("net.rndis.disabled").value == true);
  REQUIRE(rig.host->apply("rndis.enable", {}, journal));
  // Nothing left to enable: applicable, no change, no journal entry.
  auto again = rig.host->apply("rndis.enable", {}, journal);
  REQUIRE(again);
  CHECK(again->journal_id.empty());
  CHECK(journal.entries()->size() == 2);
}

TEST_CASE("linux host: host.sleep.disable masks the sleep targets; undo takes the masks away") {
  Rig rig;
  CHECK(rig.host->probe("host.sleep.enabled").value == true);
  ActionPlan p = rig.host->plan("host.sleep.disable", {});
  REQUIRE(p.applicable);
  CHECK(p.changes.size() == 5);
  Journal journal(rig.tmp / "state");
  auto out = rig.host->apply("host.sleep.disable", {}, journal);
  REQUIRE(out);
  CHECK(fs::file_size(rig.tmp / "etc/systemd/system/suspend.target") == 0);
  auto r = rig.host->probe("host.sleep.enabled");
  CHECK(r.value == false);
  CHECK(has(r, "sleep.target: empty file (masked)"));
  REQUIRE(journal.undo(out->journal_id, false));
  CHECK_FALSE(fs::exists(rig.tmp / "etc/systemd/system/sleep.target"));
  CHECK(rig.host->probe("host.sleep.enabled").value == true);
  // A unit file of the machine's own is left alone.
  rig.put("etc/systemd/system/hibernate.target", "[Unit]\nDescription=local\n");
  auto plan2 = rig.host->plan("host.sleep.disable", {});
  CHECK(std::count_if(plan2.changes.begin(), plan2.changes.end(),
                      [](const std::string& c) { return c.find("hibernate.target is a unit file of its own") != std::string::npos; }) == 1);
}

TEST_CASE("linux host: host.restart.schedule runs shutdown -r and sees the schedule") {
  Rig rig;
  // Without the program the plan says how to do it by hand.
  CHECK_FALSE(rig.host->plan("host.restart.schedule", {}).applicable);
  // What systemd-logind does for `shutdown -r +N`: it keeps the schedule in /run.
  rig.put("shutdown",
          "#!/bin/sh\nrun=\"$(dirname \"$0\")/run/systemd/shutdown\"\nmkdir -p \"$run\"\n"
          "echo \"$@\" > \"$(dirname \"$0\")/shutdown.args\"\n"
          "printf 'USEC=1790000000000000\\nWARN_WALL=1\\nMODE=reboot\\n' > \"$run/scheduled\"\n");
  fs::permissions(rig.tmp / "shutdown", fs::perms::owner_all);
  CHECK(rig.host->probe("host.restart.scheduled").value == false);
  ActionPlan p = rig.host->plan("host.restart.schedule", {{"minutes", 5}});
  REQUIRE(p.applicable);
  CHECK(p.changes[0].find(" -r +5 (cancel with: ") != std::string::npos);
  Journal journal(rig.tmp / "state");
  auto out = rig.host->apply("host.restart.schedule", {{"minutes", 5}}, journal);
  REQUIRE(out);
  CHECK(read_file(rig.tmp / "shutdown.args")->rfind("-r +5 caora: ", 0) == 0);
  CHECK(rig.host->probe("host.restart.scheduled").value == true);
  CHECK(journal.entries()->at(0).params["undo"].get<std::string>().find(" -c") != std::string::npos);
  // The script stands in for logind: -c writes the same file again, so the cancel is not seen.
  auto still = rig.host->reverse(journal.entries()->at(0));
  REQUIRE_FALSE(still);
  CHECK(still.error().message.en == "cancelled, but a restart is still scheduled");
  rig.put("shutdown", "#!/bin/sh\n[ \"$1\" = -c ] && rm -f \"$(dirname \"$0\")/run/systemd/shutdown/scheduled\"\n");
  fs::permissions(rig.tmp / "shutdown", fs::perms::owner_all);
  auto cancelled = rig.host->reverse(journal.entries()->at(0));
  REQUIRE(cancelled);
  CHECK(cancelled->back().find(" -c: the scheduled restart is cancelled") != std::string::npos);
  rig.put("shutdown", "#!/bin/sh\necho 'Failed to connect to bus' >&2\nexit 1\n");
  fs::permissions(rig.tmp / "shutdown", fs::perms::owner_all);
  auto bad = rig.host->apply("host.restart.schedule", {}, journal);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.en.find("Failed to connect to bus") != std::string::npos);
}

TEST_CASE("linux host: per-unit probes for pair") {
  Rig rig("overlap");
  rig.usb->list = {unit(1, {2}, "2113001"), unit(1, {1, 3}, nullptr, usb::Speed::Full)};
  rig.pcsc->names = {"PFU Caora 2113001 00 00"};
  auto d = rig.host->probe("usb.units.detail");
  REQUIRE(d.known);
  CHECK(d.value == nlohmann::json::parse(R"([{"port": "1-1.3", "speed": "full", "hub": true, "id": "04c5:1526"},
                                             {"port": "1-2", "serial": "2113001", "speed": "high", "hub": false, "id": "04c5:1526"}])"));
  auto a = rig.host->probe("net.rndis.adapters");
  REQUIRE(a.known);
  CHECK(a.value == nlohmann::json::parse(R"([{"port": "1-2", "name": "usb0", "driver": "rndis_host", "enabled": true,
                                              "ipv4": ["192.168.250.2/24"], "overlaps": ["eth0:192.168.0.20/16"]}])"));
  CHECK(has(a, "1-1.3: no network interface on this USB device"));
  CHECK(rig.host->probe("pcsc.readers").value == nlohmann::json::array({"PFU Caora 2113001 00 00"}));
}

TEST_CASE("linux host: answers every probe but the install root's; what the vocabulary gives to Windows only stays unknown") {
  Rig rig;
  rig.usb->list = {unit(1, {2}, "2113001")};
  rig.pcsc->names = {"PFU Caora 2113001 00 00"};
  for (const auto& spec : probe_specs()) {
    INFO(spec.name);
    bool site = std::string(spec.name).rfind("site.", 0) == 0;
    CHECK(rig.host->provides_probe(spec.name) == !site);
    if (!site && !(spec.platforms & kLinux)) CHECK_FALSE(rig.host->probe(spec.name).known);
  }
  CHECK_FALSE(rig.host->provides_probe("usb.units.no_such_probe"));
}

TEST_CASE("linux host: Wi-Fi in use and its signal, for the weak-signal cause") {
  {
    Rig wired("two-units");  // no wireless interface at all
    ProbeResult r = wired.host->probe("net.wifi.signal_weak");
    REQUIRE(r.known);
    CHECK(r.value == false);
  }
  Rig rig;  // rndis-ok: wlan0 up with a carrier
  ProbeResult unread = rig.host->probe("net.wifi.signal_weak");
  CHECK_FALSE(unread.known);  // no proc/net/wireless in the rig yet
  const std::string head =
      "Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE\n"
      " face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22\n";
  rig.put("proc/net/wireless", head + " wlan0: 0000   22.  -81.  -256        0      0      0      0     12        0\n");
  rig.host->forget();
  ProbeResult weak = rig.host->probe("net.wifi.signal_weak");
  REQUIRE(weak.known);
  CHECK(weak.value == true);
  CHECK(has(weak, "wlan0: link quality 22/70, level -81 dBm, weak"));
  rig.put("proc/net/wireless", head + " wlan0: 0000   60.  -48.  -256        0      0      0      0      0        0\n");
  rig.host->forget();
  CHECK(rig.host->probe("net.wifi.signal_weak").value == false);
  rig.put("proc/net/wireless", head);  // wlan0 missing from the table
  rig.host->forget();
  CHECK_FALSE(rig.host->probe("net.wifi.signal_weak").known);
}

TEST_CASE("linux host: the uplink's IPv4 address, default gateway and DNS server") {
  Rig rig;  // rndis-ok: eth0 192.168.1.10/24 and wlan0 10.0.0.5/24 up with a carrier; usb0 is the unit's
  // Nothing to read yet: unknown, never "missing".
  ProbeResult unread = rig.host->probe("net.uplink.settings_missing");
  CHECK_FALSE(unread.known);
  const std::string head = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";
  rig.put("proc/net/route", head + "eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
                                   "eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n");
  rig.put("etc/resolv.conf", "nameserver 192.168.1.1\n");
  rig.host->forget();
  ProbeResult ok = rig.host->probe("net.uplink.settings_missing");
  REQUIRE(ok.known);
  CHECK(ok.value == false);
  CHECK(has(ok, "eth0: IPv4 192.168.1.10/24, default gateway 192.168.1.1"));
  CHECK(has(ok, "wlan0 (Wi-Fi): IPv4 10.0.0.5/24, default gateway none"));
  // No DNS server at all.
  rig.put("etc/resolv.conf", "# empty\n");
  rig.host->forget();
  ProbeResult no_dns = rig.host->probe("net.uplink.settings_missing");
  REQUIRE(no_dns.known);
  CHECK(no_dns.value == true);
  CHECK(has(no_dns, "DNS servers (" + (rig.tmp / "etc" / "resolv.conf").string() + "): none"));
  // systemd-resolved's stub: the servers it forwards to decide.
  rig.put("etc/resolv.conf", "nameserver 127.0.0.53\noptions edns0\n");
  rig.host->forget();
  CHECK_FALSE(rig.host->probe("net.uplink.settings_missing").known);  // its list is not there
  rig.put("run/systemd/resolve/resolv.conf", "nameserver 192.168.1.1\n");
  rig.host->forget();
  CHECK(rig.host->probe("net.uplink.settings_missing").value == false);
  // No default gateway on any connected uplink.
  rig.put("proc/net/route", head + "eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n");
  rig.host->forget();
  ProbeResult no_gw = rig.host->probe("net.uplink.settings_missing");
  REQUIRE(no_gw.known);
  CHECK(no_gw.value == true);
  CHECK(has(no_gw, "eth0: IPv4 192.168.1.10/24, default gateway none"));
  // Windows-only facts say so.
  ProbeResult dotnet = rig.host->probe("host.dotnet4.missing");
  CHECK_FALSE(dotnet.known);
  CHECK(dotnet.reason.en.find("Windows only") != std::string::npos);
}

TEST_CASE("linux host: running programs by argv[0]'s file name, else comm") {
  Rig rig;
  auto nul = [](const char* a, const char* b) { return std::string(a) + '\0' + b + '\0'; };
  rig.put("proc/10/cmdline", nul("C:\\PFU-Caora\\bin\\CaoraApp.exe", "--tray"));
  rig.put("proc/10/comm", "CaoraApp.exe\n");
  rig.put("proc/11/cmdline", nul("/usr/bin/sleep", "30"));
  rig.put("proc/12/comm", "kworker/0:1\n");  // a kernel thread: no argv
  rig.put("proc/13/cmdline", nul("/usr/bin/sleep", "5"));
  rig.put("proc/self/comm", "not-a-pid\n");
  auto r = rig.host->probe("host.processes");
  REQUIRE(r.known);
  CHECK(r.value == nlohmann::json({"CaoraApp.exe", "kworker/0:1", "sleep"}));
  LinuxPaths none;
  none.proc = rig.tmp / "no-proc";
  LinuxHost blind(none, std::make_unique<FakeUsb>(), std::make_unique<FakePcsc>());
  CHECK_FALSE(blind.probe("host.processes").known);
}
