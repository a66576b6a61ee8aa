#include "workflows/firmware_install.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <functional>

#include "core/fs.h"
#include "core/sha256.h"
#include "host/records.h"
#include "workflows/firmware.h"
#include "workflows/scripted_person.h"

using namespace caora;
using nlohmann::json;

namespace {

// The terminal as the probes see it.
struct World {
  bool unit = true, address = true;
  std::string reader_version = "1.6.1.0";
  std::string firmware = "CAORA_MSN_P2.11.7_A16.5.4";
};

class WorldHost : public Host {
 public:
  explicit WorldHost(World& w) : w_(w) {}
  std::string backend() const override { return "test"; }
  bool provides_probe(const std::string&) const override { return true; }
  bool provides_action(const std::string&) const override { return true; }
  ProbeResult probe(const std::string& name) override {
    if (name == "usb.units.detail") {
      json a = json::array();
      if (w_.unit) a.push_back(to_json(UnitRecord{"1-2", "2113001", "high", false, "04c5:1526"}));
      return ProbeResult::of(a);
    }
    if (name == "net.rndis.adapters") {
      json a = json::array();
      if (w_.unit)
        a.push_back(to_json(RndisAdapterRecord{"1-2", "usb0", "rndis_host", true,
                                               w_.address ? std::vector<std::string>{"192.168.250.2/24"} : std::vector<std::string>{}, {}}));
      return ProbeResult::of(a);
    }
    if (name == "site.reader_software.version") return ProbeResult::of(w_.reader_version, {"version.txt: " + w_.reader_version});
    return ProbeResult::unknown({"なし", "not in this test"});
  }
  ActionPlan plan(const std::string&, const json&) override { return {}; }
  Expected<ActionOutcome> apply(const std::string& action, const json&, Journal&) override {
    applied.push_back(action);
    return ActionOutcome{};
  }
  std::vector<std::string> applied;

 private:
  World& w_;
};

struct Fixture {
  fs::path dir;
  std::string payload = "stand-in installer bytes";
  fs::path file;
  FirmwareManifest manifest;
  World world;
  WorldHost host{world};
  ScriptedClock clock;
  // A person who does each step a few seconds after it is shown.
  ScriptedPerson<InstallStepSpec> io{clock};
  bool plug_back = true;  // whether the person plugs the unit back in
  Journal journal{fs::path()};
  std::vector<fs::path> ran;

  Fixture() : journal(fs::temp_directory_path()) {
    io.on_instruct = [this](const std::string& id) {
      if (id == "cable-out") clock.events.push_back({clock.t + 3, [this] { world.unit = false; }});
      if (id == "cable-back" && plug_back) clock.events.push_back({clock.t + 2, [this] { world.unit = true; }});
    };
    dir = fs::temp_directory_path() / ("caora-install-" + std::to_string(current_pid()) + "-" + std::to_string(rand()));
    fs::create_directories(dir);
    journal = Journal(dir / "state");
    file = dir / "CaoraReaderSoftware_1.10.2.1.exe";
    REQUIRE(write_file_atomic(file, payload).ok());
    json m = {{"schema", "caora.firmware-manifest/1"}, {"manifest_version", 7}, {"issued_at", "2026-12-01T00:00:00Z"},
              {"expires", "2099-03-01T00:00:00Z"},
              {"components", {{{"component", "reader-software"}, {"version", "1.10.2.1"}, {"url", "https://example.invalid/r.exe"},
                               {"sha256", sha256_hex(payload)}, {"length", payload.size()}, {"min_safe", "1.5.3.0"}},
                              {{"component", "firmware"}, {"version", "CAORA_MSN_P2.12.0_A16.6.0"}, {"url", "https://example.invalid/f"},
                               {"sha256", std::string(64, 'a')}, {"length", 10}, {"min_safe", "CAORA_MSN_P2.11.7_A16.5.4"}}}},
              {"revoked", json::array()}};
    manifest = *parse_firmware_manifest(m.dump());
  }
  ~Fixture() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  InstallParts parts(int installer_exit = 0) {
    InstallParts p;
    p.host = &host;
    p.clock = &clock;
    p.io = &io;
    p.journal = &journal;
    p.state_dir = dir / "state";
    p.installer = [this, installer_exit](const fs::path& f) -> Expected<int> {
      ran.push_back(f);
      // The cable must be out while the installer runs (QA 7 step 2 before 3).
      REQUIRE_FALSE(world.unit);
      if (installer_exit == 0) world.reader_version = "1.10.2.1";
      return installer_exit;
    };
    p.unit_versions = [this]() {
      std::vector<std::pair<std::string, std::optional<std::string>>> v;
      if (world.unit) v.push_back({"2113001", world.firmware});
      return v;
    };
    return p;
  }
  InstallRequest req() {
    InstallRequest r;
    r.file = file;
    r.timeout_s = 60;
    r.now = "2026-12-04T10:00:00+09:00";
    return r;
  }
};

}  // namespace

TEST_CASE("QA 7: cable out, installer, cable back, adapter, restart, then --resume checks the version") {
  Fixture f;
  InstallResult r = run_firmware_install(f.parts(), f.manifest, f.req());
  CHECK(r.status == InstallStatus::NeedsRestart);
  CHECK(f.io.shown == std::vector<std::string>{"stop-reception", "cable-out", "install", "cable-back", "adapter-back", "restart"});
  REQUIRE(f.ran.size() == 1);
  CHECK(r.state.installer_exit == 0);
  CHECK(r.state.before_version == "1.6.1.0");
  CHECK_FALSE(r.state.journal_id.empty());
  CHECK(f.host.applied.empty());  // no --reboot: the restart is only asked for
  auto saved = load_install_state(f.dir / "state");
  REQUIRE(saved.ok());
  REQUIRE(saved->has_value());
  CHECK((*saved)->step == 6);

  InstallRequest resume = f.req();
  resume.resume = true;
  resume.file.reset();
  InstallResult done = run_firmware_install(f.parts(), f.manifest, resume);
  CHECK(done.status == InstallStatus::Done);
  CHECK(done.installed_after == "1.10.2.1");
  CHECK(f.ran.size() == 1);  // not run again
  CHECK_FALSE(load_install_state(f.dir / "state")->has_value());
}

TEST_CASE("--reboot schedules the restart through the host") {
  Fixture f;
  InstallRequest req = f.req();
  req.reboot = true;
  InstallResult r = run_firmware_install(f.parts(), f.manifest, req);
  CHECK(r.status == InstallStatus::RestartScheduled);
  CHECK(f.host.applied == std::vector<std::string>{"host.restart.schedule"});
}

TEST_CASE("the installer's exit code is kept and stops the run") {
  Fixture f;
  InstallResult r = run_firmware_install(f.parts(1603), f.manifest, f.req());
  CHECK(r.status == InstallStatus::Problem);
  CHECK(r.state.installer_exit == 1603);
  CHECK(r.message.en.find("1603") != std::string::npos);
}

TEST_CASE("a downgrade and a file that is not the manifest's are refused before anything runs") {
  Fixture f;
  f.world.reader_version = "2.0.0.0";
  InstallResult r = run_firmware_install(f.parts(), f.manifest, f.req());
  CHECK(r.status == InstallStatus::Refused);
  CHECK(r.message.en.find("--allow-downgrade") != std::string::npos);
  CHECK(f.io.shown.empty());
  InstallRequest allowed = f.req();
  allowed.allow_downgrade = true;
  CHECK(run_firmware_install(f.parts(), f.manifest, allowed).status == InstallStatus::NeedsRestart);

  Fixture g;
  REQUIRE(write_file_atomic(g.file, "other bytes").ok());
  InstallResult bad = run_firmware_install(g.parts(), g.manifest, g.req());
  CHECK(bad.status == InstallStatus::Refused);
  CHECK(g.ran.empty());
}

TEST_CASE("a unit that does not come back times out with what was seen") {
  Fixture f;
  f.plug_back = false;
  InstallResult r = run_firmware_install(f.parts(), f.manifest, f.req());
  CHECK(r.status == InstallStatus::TimedOut);
  CHECK(r.step_status[3] == "timed-out");
  REQUIRE_FALSE(r.seen.empty());
  CHECK(r.seen[0] == "usb: no unit");
}

TEST_CASE("firmware: the restart, then each unit reporting the new version, or not-back with what was seen") {
  Fixture f;
  InstallRequest req = f.req();
  req.component = "firmware";
  req.file.reset();
  InstallResult r = run_firmware_install(f.parts(), f.manifest, req);
  CHECK(r.status == InstallStatus::NeedsRestart);
  CHECK(r.state.before_version == "CAORA_MSN_P2.11.7_A16.5.4");
  req.resume = true;
  f.clock.events.push_back({f.clock.t + 20, [&] { f.world.firmware = "CAORA_MSN_P2.12.0_A16.6.0"; }});
  InstallResult done = run_firmware_install(f.parts(), f.manifest, req);
  CHECK(done.status == InstallStatus::Done);

  Fixture g;
  req.resume = false;
  run_firmware_install(g.parts(), g.manifest, req);
  req.resume = true;
  InstallResult late = run_firmware_install(g.parts(), g.manifest, req);
  CHECK(late.status == InstallStatus::NotBack);
  REQUIRE(late.seen.size() == 1);
  CHECK(late.seen[0] == "2113001: CAORA_MSN_P2.11.7_A16.5.4 (waiting for CAORA_MSN_P2.12.0_A16.6.0)");
}
