#include "workflows/discharge.h"

#include <catch2/catch.hpp>

#include <functional>

#include "core/fs.h"
#include "host/records.h"
#include "workflows/scripted_person.h"

using namespace caora;
using nlohmann::json;

namespace {

// The terminal as the probes see it; changed by the clock as time passes.
struct World {
  bool unit = true;
  std::string serial = "2113001";
  bool adapter = true, address = true, reader = true;
};

class WorldHost : public Host {
 public:
  explicit WorldHost(World& w) : w_(w) {}
  std::string backend() const override { return "test"; }
  bool provides_probe(const std::string&) const override { return true; }
  bool provides_action(const std::string&) const override { return false; }
  ProbeResult probe(const std::string& name) override {
    ++looks;
    if (name == "usb.units.detail") {
      json a = json::array();
      if (w_.unit) a.push_back(to_json(UnitRecord{"1-2", w_.serial, "high", false, "04c5:1526"}));
      return ProbeResult::of(a);
    }
    if (name == "net.rndis.adapters") {
      json a = json::array();
      if (w_.adapter)
        a.push_back(to_json(RndisAdapterRecord{"1-2", "usb0", "rndis_host", true,
                                               w_.address ? std::vector<std::string>{"192.168.250.2/24"} : std::vector<std::string>{}, {}}));
      return ProbeResult::of(a);
    }
    if (name == "pcsc.readers") {
      json a = json::array();
      if (w_.reader) a.push_back("PFU Caora " + w_.serial + " 00 00");
      return ProbeResult::of(a);
    }
    return ProbeResult::unknown({"なし", "not in this test"});
  }
  ActionPlan plan(const std::string&, const json&) override { return {}; }
  Expected<ActionOutcome> apply(const std::string&, const json&, Journal&) override {
    return make_error(ErrorKind::Io, "no", "no");
  }
  int looks = 0;

 private:
  World& w_;
};

using ScriptIo = ScriptedPerson<DischargeStepSpec>;

struct Scene {
  World world;
  WorldHost host{world};
  ScriptedClock clock;
  ScriptIo io{clock};
  fs::path state_dir;
  DischargeOptions opts;
  Scene() {
    state_dir = fs::temp_directory_path() / ("caora-discharge-" + new_discharge_run_id());
    fs::create_directories(state_dir);
    opts.timeout_s = 300;
    opts.now = "2026-12-04T10:00:00+09:00";
  }
  ~Scene() { fs::remove_all(state_dir); }
  void at(double t, std::function<void()> f) { clock.events.push_back({t, std::move(f)}); }
  void unplug(double t) {
    at(t, [this] { world.unit = world.adapter = world.reader = false; });
  }
  void plug(double t, std::string serial = "2113001") {
    at(t, [this, serial] {
      world.unit = true;
      world.serial = serial;
    });
  }
  void adapter_back(double t) {
    at(t, [this] { world.adapter = world.reader = true; });
  }
  DischargeResult run() {
    DischargeResult r = start_discharge(host, opts);
    REQUIRE(r.status == DischargeStatus::Planned);
    run_discharge(host, clock, io, state_dir, opts, r);
    return r;
  }
};

}  // namespace

TEST_CASE("discharge: on time, each minute counted from the removal seen") {
  Scene s;
  s.unplug(5);
  s.plug(200);
  s.adapter_back(230);
  DischargeResult r = s.run();
  CHECK(r.status == DischargeStatus::Done);
  CHECK(r.state.serial == std::optional<std::string>("2113001"));
  for (const auto& st : r.step_status) CHECK(st == "done");
  // Seen gone at the first look after 5 s; the minute ends 60 s after that, not before.
  CHECK(s.io.started["wait-unplugged"] >= 5.0);
  CHECK(s.io.started["wait-unplugged"] < 5.3);
  CHECK(s.io.started["power-only"] - s.io.started["wait-unplugged"] >= 60.0);
  CHECK(s.io.started["power-only"] - s.io.started["wait-unplugged"] < 60.3);
  CHECK(s.io.started["power-button"] - s.io.started["power-only"] >= 60.0);
  CHECK(s.io.started["restart"] >= 200.0);
  CHECK(s.clock.t >= 230.0);
  CHECK(s.io.warnings.empty());
  REQUIRE(r.pair);
  CHECK(r.pair->units.size() == 1);
  // Done: the run is over, nothing left to resume.
  CHECK_FALSE(fs::exists(discharge_state_path(s.state_dir)));
  json j = discharge_json(r);
  CHECK(j["schema"] == "caora.discharge-guide/1");
  CHECK(j["status"] == "done");
  CHECK(j["steps"].size() == 9);
  CHECK(j["steps"][1]["wait_s"] == 60);
  CHECK(j["steps"][3]["wait_s"] == 60);
  CHECK(j["steps"][0]["check"] == "usb-gone");
  CHECK(j["pair"]["schema"] == "caora.pair/1");
}

TEST_CASE("discharge: the unit only counts as gone once its adapter and reader are gone too") {
  Scene s;
  s.at(5, [&] { s.world.unit = false; });
  s.at(8, [&] { s.world.adapter = false; });
  s.at(12, [&] { s.world.reader = false; });
  s.plug(200);
  s.adapter_back(201);
  DischargeResult r = s.run();
  CHECK(r.status == DischargeStatus::Done);
  CHECK(s.io.started["wait-unplugged"] >= 12.0);
}

TEST_CASE("discharge: back early restarts the minute with a warning") {
  Scene s;
  s.unplug(5);
  s.at(30, [&] { s.world.unit = true; });   // plugged back too soon
  s.at(40, [&] { s.world.unit = false; });  // and out again
  s.plug(300);
  s.adapter_back(301);
  DischargeResult r = s.run();
  CHECK(r.status == DischargeStatus::Done);
  REQUIRE(s.io.warnings.size() == 1);
  CHECK(s.io.warnings[0].find("came back early") != std::string::npos);
  // The minute counts from 40 s, when it was seen gone again.
  CHECK(s.io.started["power-only"] >= 100.0);
  CHECK(s.io.started["power-only"] < 100.6);
}

TEST_CASE("discharge: USB cable in during the powered minute restarts it") {
  Scene s;
  s.unplug(1);
  s.at(80, [&] { s.world.unit = true; });
  s.at(90, [&] { s.world.unit = false; });
  s.plug(400);
  s.adapter_back(401);
  DischargeResult r = s.run();
  CHECK(r.status == DischargeStatus::Done);
  CHECK(s.io.warnings.size() == 1);
  CHECK(s.io.started["power-button"] >= 150.0);
}

TEST_CASE("discharge: never unplugged, never back: out of time with what was seen") {
  SECTION("never unplugged") {
    Scene s;
    s.opts.timeout_s = 30;
    DischargeResult r = s.run();
    CHECK(r.status == DischargeStatus::TimedOut);
    CHECK(r.step_status[0] == "timed-out");
    CHECK(s.clock.t >= 30.0);
    CHECK(s.clock.t < 31.0);
    CHECK(r.message.en.find("did not leave USB") != std::string::npos);
    CHECK(std::find(r.seen.begin(), r.seen.end(), "usb: 2113001 on 1-2") != r.seen.end());
    // The state stays: --resume can try again.
    CHECK(fs::exists(discharge_state_path(s.state_dir)));
  }
  SECTION("never back") {
    Scene s;
    s.opts.timeout_s = 300;
    s.unplug(2);
    DischargeResult r = s.run();
    CHECK(r.status == DischargeStatus::TimedOut);
    CHECK(r.step_status[6] == "timed-out");
    CHECK(r.step_status[5] == "done");
    CHECK(r.seen == std::vector<std::string>{"usb: 2113001 not seen"});
    json j = discharge_json(r);
    CHECK(j["step"] == "usb-in");
  }
  SECTION("back without its address") {
    Scene s;
    s.opts.timeout_s = 100;
    s.unplug(2);
    s.at(150, [&] {
      s.world.unit = s.world.adapter = s.world.reader = true;
      s.world.address = false;
    });
    DischargeResult r = s.run();
    CHECK(r.status == DischargeStatus::TimedOut);
    CHECK(r.step_status[8] == "timed-out");
    CHECK(std::find(r.seen.begin(), r.seen.end(), "adapter: usb0 without an IPv4 address") != r.seen.end());
  }
}

TEST_CASE("discharge: a different serial back is a problem, not success") {
  Scene s;
  s.unplug(2);
  s.plug(200, "2113999");
  DischargeResult r = s.run();
  CHECK(r.status == DischargeStatus::Problem);
  CHECK(r.step_status[6] == "problem");
  CHECK(r.message.en.find("2113999") != std::string::npos);
  CHECK(r.message.en.find("2113001") != std::string::npos);
}

TEST_CASE("discharge: resume after the terminal restarts") {
  Scene s;
  s.unplug(2);
  s.plug(200);
  s.io.stop_at = "restart";  // the terminal restarts: this process ends here
  DischargeResult r = s.run();
  CHECK(r.status == DischargeStatus::Stopped);
  auto saved = load_discharge_state(s.state_dir);
  REQUIRE(saved);
  REQUIRE(saved->has_value());
  CHECK((*saved)->step == 7);
  CHECK((*saved)->serial == std::optional<std::string>("2113001"));
  CHECK((*saved)->port == "1-2");

  // A new process after the restart: a new clock, the state from the file.
  ScriptedClock clock2;
  ScriptIo io2(clock2);
  clock2.events.push_back({3, [&] { s.world.adapter = s.world.reader = true; }});
  DischargeResult r2;
  r2.state = **saved;
  r2.state.run_id = new_discharge_run_id();
  r2.resumed = true;
  run_discharge(s.host, clock2, io2, s.state_dir, s.opts, r2);
  CHECK(r2.status == DischargeStatus::Done);
  CHECK(io2.started.count("unplug") == 0);
  CHECK(io2.started.count("restart") == 1);
  CHECK_FALSE(fs::exists(discharge_state_path(s.state_dir)));
}

TEST_CASE("discharge: resumed inside a timer counts the minute again") {
  Scene s;
  s.unplug(2);
  DischargeResult r = start_discharge(s.host, s.opts);
  r.state.step = 1;  // stopped during the first minute
  r.resumed = true;
  s.world.unit = s.world.adapter = s.world.reader = false;
  s.plug(200);
  s.adapter_back(201);
  run_discharge(s.host, s.clock, s.io, s.state_dir, s.opts, r);
  INFO(r.message.en);
  CHECK(r.status == DischargeStatus::Done);
  REQUIRE(s.io.warnings.size() == 1);
  CHECK(s.io.warnings[0] == "resumed: the minute is counted again");
  CHECK(s.io.started["power-only"] >= 60.0);
}

TEST_CASE("discharge: --cancel from another shell stops a wait") {
  Scene s;
  s.unplug(2);
  s.at(20, [&] { REQUIRE(remove_discharge_state(s.state_dir)); });
  DischargeResult r = s.run();
  CHECK(r.status == DischargeStatus::Cancelled);
  CHECK(s.clock.t < 21.0);
  CHECK(r.step_status[1] == "pending");
}

TEST_CASE("discharge: a unit that does not power on (QA 26) is adopted when it comes back") {
  Scene s;
  s.world.unit = s.world.adapter = s.world.reader = false;
  s.plug(200, "2113777");
  s.adapter_back(201);
  DischargeResult r = start_discharge(s.host, s.opts);
  CHECK_FALSE(r.state.serial);
  CHECK(r.warnings.size() == 1);
  run_discharge(s.host, s.clock, s.io, s.state_dir, s.opts, r);
  INFO(r.message.en);
  CHECK(r.status == DischargeStatus::Done);
  CHECK(r.state.serial == std::optional<std::string>("2113777"));
}

TEST_CASE("discharge: the state file is checked, not trusted") {
  Scene s;
  auto none = load_discharge_state(s.state_dir);
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  for (const char* bad : {"{", "[]", R"({"schema":"caora.discharge-state/1"})",
                          R"({"schema":"caora.discharge-state/1","run_id":"a","serial":null,"step":99})",
                          R"({"schema":"other/1","run_id":"a","serial":null,"step":1})"}) {
    REQUIRE(write_file_atomic(discharge_state_path(s.state_dir), bad));
    auto r = load_discharge_state(s.state_dir);
    CHECK_FALSE(r);
    if (!r) CHECK(r.error().message.en.find("--cancel") != std::string::npos);
  }
}

TEST_CASE("watch: the last look is at the deadline, and a stop ends the wait") {
  ScriptedClock clock;
  int looks = 0;
  WatchLoop loop;
  loop.clock = &clock;
  loop.timeout_s = 1.0;
  loop.poll_ms = 300;
  loop.look = [&] { return ++looks == 100; };
  WatchResult w = watch_until(loop);
  CHECK(w.end == WatchEnd::TimedOut);
  CHECK(looks == 5);  // 0, 0.3, 0.6, 0.9, 1.0
  CHECK(w.waited_s == Approx(1.0).margin(0.002));
  loop.tick = [&](double) { return false; };
  CHECK(watch_until(loop).end == WatchEnd::Stopped);
}

TEST_CASE("discharge: the summary's warnings are in the reader's language, and survive a restart in both") {
  Scene s;
  s.world.unit = s.world.adapter = s.world.reader = false;
  DischargeResult r = start_discharge(s.host, s.opts);
  REQUIRE(r.warnings.size() == 1);
  std::string ja = discharge_text(r, Lang::Ja), en = discharge_text(r, Lang::En);
  CHECK(ja.find("! 今USBにCaoraが見えません") != std::string::npos);
  CHECK(ja.find("no unit on USB now") == std::string::npos);
  CHECK(en.find("! no unit on USB now") != std::string::npos);
  json j = discharge_json(r);
  CHECK(j["warnings"][0] == r.warnings[0].en);  // the schema's strings stay English
  CHECK(j["warning_messages"][0]["ja"] == r.warnings[0].ja);
  // Saved and read back (a restart in the middle), and a file from before: English only.
  r.state.warnings = r.warnings;
  REQUIRE(save_discharge_state(s.state_dir, r.state));
  auto back = load_discharge_state(s.state_dir);
  REQUIRE(back);
  REQUIRE(back->has_value());
  REQUIRE((*back)->warnings.size() == 1);
  CHECK((*back)->warnings[0].ja == r.warnings[0].ja);
  REQUIRE(write_file_atomic(discharge_state_path(s.state_dir),
                            R"({"schema":"caora.discharge-state/1","run_id":"a","serial":null,"step":1,"warnings":["old one"]})"));
  auto old = load_discharge_state(s.state_dir);
  REQUIRE(old);
  REQUIRE((*old)->warnings.size() == 1);
  CHECK((*old)->warnings[0].en == "old one");
}
