#include "workflows/register_guide.h"

#include <catch2/catch.hpp>

#include <functional>

#include "host/records.h"
#include "workflows/scripted_person.h"

using namespace caora;
using nlohmann::json;

namespace {

// The terminal as the probes see it; changed by the clock as time passes.
struct World {
  bool unit = true, adapter = true, address = true, reader = true;
  std::vector<std::string> processes = {"explorer.exe"};
  bool processes_known = true;
  ConnectionSeen conn;
};

class WorldHost : public Host {
 public:
  explicit WorldHost(World& w) : w_(w) {}
  std::string backend() const override { return "test"; }
  bool provides_probe(const std::string&) const override { return true; }
  bool provides_action(const std::string&) const override { return false; }
  ProbeResult probe(const std::string& name) override {
    if (name == "usb.units.detail") {
      json a = json::array();
      if (w_.unit) a.push_back(to_json(UnitRecord{"1-2", "2113001", "high", false, "04c5:1526"}));
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
      if (w_.reader) a.push_back("PFU Caora 2113001 00 00");
      return ProbeResult::of(a);
    }
    if (name == "host.processes") {
      if (!w_.processes_known) return ProbeResult::unknown({"読めません", "cannot be read"});
      return ProbeResult::of(w_.processes);
    }
    return ProbeResult::unknown({"なし", "not in this test"});
  }
  ActionPlan plan(const std::string&, const json&) override { return {}; }
  Expected<ActionOutcome> apply(const std::string&, const json&, Journal&) override { return make_error(ErrorKind::Io, "no", "no"); }

 private:
  World& w_;
};

using ScriptIo = ScriptedPerson<GuideStep>;

struct Scene {
  World world;
  WorldHost host{world};
  ScriptedClock clock;
  ScriptIo io{clock};
  GuideRequest req;
  GuideOptions opts;
  Scene() {
    req.account = "F0000001";
    req.reader = "受付1";
    req.env = RegEnv::Production;
    req.app_processes = {"OnlineAuthApp.exe"};
    opts.timeout_s = 120;
  }
  void at(double t, std::function<void()> f) { clock.events.push_back({t, std::move(f)}); }
  GuideResult run() {
    GuideResult r = start_registration_guide(host, req);
    if (r.status != GuideStatus::Planned) return r;
    run_registration_guide(host, clock, io, req, opts, [this](const std::string& serial) {
      CHECK(serial == "2113001");
      return world.conn;
    }, r);
    return r;
  }
  void register_at(double t, std::string account = "F0000001", std::string reader = "受付1") {
    at(t, [this, account, reader] {
      world.conn.found = true;
      world.conn.account = account;
      world.conn.reader = reader;
      world.conn.path = "Connection/Production/CJKA2113001.conn";
    });
  }
  void start_app_at(double t) {
    at(t, [this] { world.processes.push_back("onlineauthapp.exe"); });
  }
};

}  // namespace

TEST_CASE("register guide: each step waits for what the terminal shows, in order") {
  Scene s;
  s.register_at(30);
  s.start_app_at(50);
  GuideResult r = s.run();
  CHECK(r.status == GuideStatus::Done);
  CHECK(r.serial == std::optional<std::string>("2113001"));
  CHECK(r.step_status == std::vector<std::string>(5, "done"));
  // 起動バッチ is asked for only once the connection info is seen; program names compare without case.
  CHECK(s.io.started.at("start-batch") >= 30);
  CHECK(s.io.started.at("start-batch") < 31);
  CHECK(s.io.started.at("management-start") >= 50);
  CHECK(s.io.ticks > 0);
  json steps = guide_steps_json(s.req, r);
  REQUIRE(steps.size() == 5);
  CHECK(steps[1]["check"] == "connection-info");
  CHECK(steps[2]["check"] == "application-running");
}

TEST_CASE("register guide: connection info with other values is seen and waited out") {
  Scene s;
  s.register_at(10, "F0000001", "受付2");
  GuideResult r = s.run();
  CHECK(r.status == GuideStatus::TimedOut);
  CHECK(r.step_status[1] == "timed-out");
  CHECK(r.message.en.find("other values (F0000001 / 受付2") != std::string::npos);
  CHECK(r.message.en.find("waited 2:00") != std::string::npos);
  REQUIRE_FALSE(r.seen.empty());
  CHECK(r.seen[0].find("CJKA2113001.conn") != std::string::npos);
}

TEST_CASE("register guide: nothing written, the application never starts, the reader never comes") {
  Scene none;
  GuideResult a = none.run();
  CHECK(a.status == GuideStatus::TimedOut);
  CHECK(a.message.en.find("no connection info was written") != std::string::npos);
  CHECK(a.seen.at(0).find("none for 2113001 in the production environment") != std::string::npos);

  Scene app;
  app.register_at(1);
  GuideResult b = app.run();
  CHECK(b.status == GuideStatus::TimedOut);
  CHECK(b.step_status[2] == "timed-out");
  CHECK(b.seen.at(0) == "running: none of OnlineAuthApp.exe");

  Scene blind;
  blind.register_at(1);
  blind.world.processes_known = false;
  GuideResult c = blind.run();
  CHECK(c.step_status[2] == "timed-out");
  CHECK(c.seen.at(0).find("cannot be read") != std::string::npos);

  Scene reader;
  reader.register_at(1);
  reader.start_app_at(2);
  reader.world.reader = false;  // step 1 needs the unit and its adapter only
  GuideResult d = reader.run();
  CHECK(d.status == GuideStatus::TimedOut);
  CHECK(d.step_status[3] == "timed-out");
  CHECK(std::find(d.seen.begin(), d.seen.end(), "reader: none for this unit") != d.seen.end());
}

TEST_CASE("register guide: a unit without its adapter stops before the tool (QA 8)") {
  Scene s;
  s.world.adapter = false;
  s.at(20, [&] { s.world.adapter = true; });
  s.register_at(25);
  s.start_app_at(26);
  GuideResult r = s.run();
  CHECK(r.status == GuideStatus::Done);
  CHECK(s.io.started.at("add-and-register") >= 20);

  Scene never;
  never.world.adapter = false;
  GuideResult n = never.run();
  CHECK(n.status == GuideStatus::TimedOut);
  CHECK(n.step_status[0] == "timed-out");
  CHECK(n.message.en.find("qa-08") != std::string::npos);
}

TEST_CASE("register guide: a wrong password in the connection info is a problem; stopping at the screen is a stop") {
  Scene s;
  s.register_at(1);
  s.world.conn.password_matches = false;
  GuideResult r = s.run();
  CHECK(r.status == GuideStatus::Problem);
  CHECK(r.message.en.find("905") != std::string::npos);

  Scene stop;
  stop.register_at(1);
  stop.start_app_at(2);
  stop.io.stop_at = "start-screen";
  GuideResult t = stop.run();
  CHECK(t.status == GuideStatus::Stopped);
  CHECK(t.step_status[4] == "stopped");
}

TEST_CASE("register guide: which unit") {
  Scene none;
  none.world.unit = false;
  CHECK(none.run().status == GuideStatus::NoUnit);
  Scene named;
  named.world.unit = false;
  named.req.serial = "2113001";
  named.at(5, [&] { named.world.unit = true; });
  named.register_at(6);
  named.start_app_at(7);
  GuideResult r = named.run();
  CHECK(r.status == GuideStatus::Done);
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].en.find("not on USB now") != std::string::npos);
}
