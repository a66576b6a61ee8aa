#include "diag/runner.h"

#include <catch2/catch.hpp>

#include "core/embedded.h"

using namespace caora;
using nlohmann::json;

namespace {

// A terminal in memory: probe values in a map; an action flips the probes it fixes.
class FakeHost : public Host {
 public:
  std::map<std::string, json> values;
  std::map<std::string, std::pair<std::string, json>> fixes;  // action -> probe := value
  std::vector<std::string> applied;
  std::string backend() const override { return "fake"; }
  bool provides_probe(const std::string&) const override { return true; }
  bool provides_action(const std::string&) const override { return true; }
  ProbeResult probe(const std::string& name) override {
    auto it = values.find(name);
    if (it == values.end()) return ProbeResult::unknown({"不明", "not recorded"});
    return ProbeResult::of(it->second, {"fake: " + name});
  }
  ActionPlan plan(const std::string& action, const json&) override {
    ActionPlan p;
    p.applicable = fixes.count(action) > 0;
    p.changes = {"fake change by " + action};
    return p;
  }
  Expected<ActionOutcome> apply(const std::string& action, const json&, Journal&) override {
    applied.push_back(action);
    values[fixes[action].first] = fixes[action].second;
    ActionOutcome o;
    o.journal_id = "j-" + action;
    return o;
  }
};

class ScriptedInteraction : public NoInteraction {
 public:
  bool tty = false;
  std::optional<bool> answer;
  bool manual_done = true;
  std::vector<std::string> shown;  // manual steps shown, in order
  std::vector<int> waited;         // timers run
  bool interactive() const override { return tty; }
  std::optional<bool> ask(const Question&) override { return answer; }
  bool confirm(const Text&, const std::vector<std::string>&) override { return true; }
  bool do_manual(const Step& step) override {
    shown.push_back(step.text.en);
    return manual_done;
  }
  void wait_seconds(int seconds, const Text&) override { waited.push_back(seconds); }
};

const RecipeSet& set() {
  static RecipeSet s = RecipeSet::embedded().value();
  return s;
}

Recipe recipe_from(const std::string& causes_json) {
  std::string text = R"({"id":"t","kind":"error","audience":["technician"],"source":{"document":"error-codes","item":"T"},
    "codes":["T01"],"details":[{"code":"0x00000001","title":{"ja":"a","en":"a"}},{"code":"0x00000002","title":{"ja":"b","en":"b"}}],
    "title":{"ja":"t","en":"t"},"summary":{"ja":"s","en":"s"},"keywords":{"ja":["k"],"en":["k"]},
    "escalate":{"to":"vendor-support"},"causes":)" + causes_json + "}";
  auto r = parse_recipe(text, "test.json");
  REQUIRE(r.ok());
  return r.value();
}

const char* kSleepCause = R"([{"id":"sleep","title":{"ja":"s","en":"s"},
  "detect":{"checks":[{"probe":"host.sleep.enabled","present_if":{"eq":true}}]},
  "resolve":[{"type":"action","action":"host.sleep.disable","text":{"ja":"x","en":"x"}}]}])";

// A terminal with sleep on; disabling it turns it `after` (false = the fix takes).
struct SleepingTerminal {
  FakeHost host;
  NoInteraction io;
  Journal journal{fs::temp_directory_path() / "caora-runner-test"};
  explicit SleepingTerminal(bool after = false) {
    host.values["host.sleep.enabled"] = true;
    host.fixes["host.sleep.disable"] = {"host.sleep.enabled", after};
  }
  Report run(bool fix, bool yes) {
    RunOptions opts;
    opts.fix = fix;
    opts.yes = yes;
    return run_recipe(recipe_from(kSleepCause), set(), host, &journal, io, opts);
  }
};

}  // namespace

TEST_CASE("conditions decide present, absent and unknown") {
  FakeHost host;
  NoInteraction io;
  Recipe r = recipe_from(R"([
    {"id":"old","title":{"ja":"a","en":"a"},"detect":{"checks":[{"probe":"site.reader_software.version","present_if":{"lt":"1.5.3.0"}}]},"resolve":[]},
    {"id":"many","title":{"ja":"a","en":"a"},"detect":{"checks":[{"probe":"usb.units.count","present_if":{"gt":4}}]},"resolve":[]},
    {"id":"none","title":{"ja":"a","en":"a"},"detect":{"checks":[{"probe":"usb.units.serials","present_if":{"empty":true}}]},"resolve":[]},
    {"id":"both","title":{"ja":"a","en":"a"},"detect":{"match":"all","checks":[
       {"probe":"host.sleep.enabled","present_if":{"eq":true}},{"probe":"host.rdp.enabled","present_if":{"eq":true}}]},"resolve":[]},
    {"id":"unk","title":{"ja":"a","en":"a"},"detect":{"checks":[{"probe":"net.uplink.connected","present_if":{"eq":false}}]},"resolve":[]}])");
  host.values = {{"site.reader_software.version", "1.10.2.1"}, {"usb.units.count", 5}, {"usb.units.serials", json::array()},
                 {"host.sleep.enabled", true}, {"host.rdp.enabled", false}};
  Report rep = run_recipe(r, set(), host, nullptr, io, RunOptions{});
  REQUIRE(rep.causes.size() == 5);
  CHECK(rep.causes[0].status == CauseStatus::Absent);  // 1.10 is newer than 1.5, not older
  CHECK(rep.causes[1].status == CauseStatus::Present);
  CHECK(rep.causes[2].status == CauseStatus::Present);
  CHECK(rep.causes[3].status == CauseStatus::Absent);
  CHECK(rep.causes[4].status == CauseStatus::Unknown);
  // Present causes with nothing to do on site but call: escalate.
  CHECK(rep.status == RunStatus::Escalate);
  CHECK(exit_code_for(rep.status) == 4);
}

TEST_CASE("without --fix an action is only described") {
  SleepingTerminal t;
  Report rep = t.run(false, false);
  CHECK(rep.status == RunStatus::Problem);
  REQUIRE(rep.actions.size() == 1);
  CHECK_FALSE(rep.actions[0].applied);
  CHECK(t.host.applied.empty());
}

TEST_CASE("--fix --yes applies, verifies and resolves") {
  SleepingTerminal t;
  Report rep = t.run(true, true);
  CHECK(t.host.applied == std::vector<std::string>{"host.sleep.disable"});
  CHECK(rep.causes[0].resolved);
  CHECK(rep.status == RunStatus::Resolved);
  CHECK(rep.actions[0].journal == "j-host.sleep.disable");
}

TEST_CASE("--fix without --yes and without a terminal needs a technician") {
  SleepingTerminal t;
  Report rep = t.run(true, false);
  CHECK(t.host.applied.empty());
  CHECK(rep.status == RunStatus::NeedsTechnician);
  CHECK(exit_code_for(rep.status) == 3);
}

TEST_CASE("a fix that does not take is not reported as resolved") {
  SleepingTerminal t(/*after=*/true);  // the setting comes back
  Report rep = t.run(true, true);
  CHECK_FALSE(rep.causes[0].resolved);
  CHECK(rep.status != RunStatus::Resolved);
  CHECK(rep.status != RunStatus::Ok);
}

TEST_CASE("questions are answered by --answer or the prompt") {
  Recipe r = recipe_from(R"([{"id":"sleeve","title":{"ja":"a","en":"a"},
    "detect":{"question":{"id":"card-in-sleeve","text":{"ja":"q","en":"q"}}},
    "resolve":[{"type":"manual","text":{"ja":"m","en":"m"}}]}])");
  FakeHost host;
  NoInteraction quiet;
  Report unanswered = run_recipe(r, set(), host, nullptr, quiet, RunOptions{});
  CHECK(unanswered.causes[0].status == CauseStatus::Unknown);
  CHECK(unanswered.status == RunStatus::NeedsTechnician);
  RunOptions yes;
  yes.answers["card-in-sleeve"] = true;
  Report answered = run_recipe(r, set(), host, nullptr, quiet, yes);
  CHECK(answered.causes[0].status == CauseStatus::Present);
  ScriptedInteraction tty;
  tty.tty = true;
  tty.answer = false;
  Report prompted = run_recipe(r, set(), host, nullptr, tty, RunOptions{});
  CHECK(prompted.causes[0].status == CauseStatus::Absent);
  CHECK(prompted.status == RunStatus::Ok);
}

TEST_CASE("detail codes select their causes") {
  Recipe r = recipe_from(R"([
    {"id":"one","details":["0x00000001"],"title":{"ja":"a","en":"a"},"detect":{"checks":[{"probe":"host.sleep.enabled","present_if":{"eq":true}}]},"resolve":[]},
    {"id":"two","details":["0x00000002"],"title":{"ja":"a","en":"a"},"detect":{"checks":[{"probe":"host.rdp.enabled","present_if":{"eq":true}}]},"resolve":[]},
    {"id":"all","title":{"ja":"a","en":"a"},"detect":{"checks":[{"probe":"host.rdp.session_active","present_if":{"eq":true}}]},"resolve":[]}])");
  FakeHost host;
  NoInteraction io;
  RunOptions opts;
  opts.detail = "0x00000002";
  Report rep = run_recipe(r, set(), host, nullptr, io, opts);
  REQUIRE(rep.causes.size() == 2);
  CHECK(rep.causes[0].cause->id == "two");
  CHECK(rep.causes[1].cause->id == "all");
}

TEST_CASE("nothing detectable means escalate, with the vendor's ticket fields") {
  Recipe r = recipe_from(R"([{"id":"internal","title":{"ja":"a","en":"a"},"resolve":[]}])");
  FakeHost host;
  host.values["site.reader_software.version"] = "1.6.0.0";
  host.values["usb.units.serials"] = json::array({"2113001"});
  NoInteraction io;
  RunOptions opts;
  opts.code = "T01";
  opts.detail = "0x00000001";
  opts.ticket["institution"] = "Clinic (1234567)";
  Report rep = run_recipe(r, set(), host, nullptr, io, opts);
  CHECK(rep.status == RunStatus::Escalate);
  CHECK(exit_code_for(rep.status) == 4);
  REQUIRE(rep.ticket);
  std::map<std::string, std::string> fields(rep.ticket->fields.begin(), rep.ticket->fields.end());
  CHECK(fields["institution"] == "Clinic (1234567)");
  CHECK(fields["unit_serial"] == "2113001");
  CHECK(fields["reader_software_version"] == "1.6.0.0");
  CHECK(fields["error_code"] == "T01");
  CHECK(fields["detail_code"] == "0x00000001");
  CHECK_FALSE(fields["occurred_at"].empty());
}

TEST_CASE("manual steps with timers run at a terminal and are verified") {
  Recipe r = recipe_from(R"([{"id":"unplugged","title":{"ja":"a","en":"a"},
    "detect":{"checks":[{"probe":"usb.units.count","present_if":{"eq":0}}]},
    "resolve":[{"type":"manual","text":{"ja":"u","en":"unplug"},"wait_for":{"seconds":60}},
               {"type":"manual","text":{"ja":"p","en":"plug back"},"wait_for":{"probe":"usb.units.count","until":{"gt":0},"timeout_s":5}}]}])");
  FakeHost host;
  host.values["usb.units.count"] = 0;
  RunOptions opts;
  opts.fix = true;
  // The unit is back by the time the person says so.
  struct Plugging : ScriptedInteraction {
    FakeHost* host;
    bool do_manual(const Step& step) override {
      if (step.text.en == "plug back") host->values["usb.units.count"] = 1;
      return ScriptedInteraction::do_manual(step);
    }
  } person;
  person.tty = true;
  person.host = &host;
  Report rep = run_recipe(r, set(), host, nullptr, person, opts);
  CHECK(person.shown == std::vector<std::string>{"unplug", "plug back"});
  CHECK(person.waited == std::vector<int>{60});
  CHECK(rep.causes[0].resolved);
  CHECK(rep.status == RunStatus::Resolved);
  CHECK(rep.pending.empty());

  // Without a terminal the same steps are left for a person: exit 3 with --fix.
  FakeHost unplugged;
  unplugged.values["usb.units.count"] = 0;
  NoInteraction script;
  Report left = run_recipe(r, set(), unplugged, nullptr, script, opts);
  CHECK(left.pending.size() == 2);
  CHECK(left.status == RunStatus::NeedsTechnician);
}

TEST_CASE("a value the documents leave open is unknown, asked, and the reason says why") {
  FakeHost host;
  NoInteraction io;
  Recipe r = recipe_from(R"([
    {"id":"dll","title":{"ja":"a","en":"a"},"detect":{
       "checks":[{"probe":"site.face_dll.version","present_if":{"lt":"2.1.0J"},"unknown_if":{"eq":"2.1.0J"},
                  "why":{"ja":"両方に当てはまる","en":"both statements include it"}}],
       "question":{"id":"q","text":{"ja":"a","en":"a"}}},"resolve":[]}])");
  for (const auto& [version, want] : std::vector<std::pair<std::string, CauseStatus>>{
           {"2.0.9J", CauseStatus::Present}, {"2.1.0J", CauseStatus::Unknown}, {"2.1.1J", CauseStatus::Absent}}) {
    INFO(version);
    host.values = {{"site.face_dll.version", version}};
    Report rep = run_recipe(r, set(), host, nullptr, io, RunOptions{});
    REQUIRE(rep.causes.size() == 1);
    CHECK(rep.causes[0].status == want);
    if (want == CauseStatus::Unknown) {
      CHECK(rep.causes[0].reason.en.find("both statements include it") != std::string::npos);
      CHECK(rep.causes[0].reason.en.find("--answer q=") != std::string::npos);
      RunOptions yes;
      yes.answers["q"] = true;
      CHECK(run_recipe(r, set(), host, nullptr, io, yes).causes[0].status == CauseStatus::Present);
    }
  }
}

namespace {
const char* kRestartCause = R"([{"id":"rdp","title":{"ja":"r","en":"r"},
  "detect":{"checks":[{"probe":"host.rdp.enabled","present_if":{"eq":true}}]},
  "resolve":[{"type":"action","action":"host.rdp.disable","text":{"ja":"x","en":"x"}},
             {"type":"action","action":"host.restart.schedule","text":{"ja":"y","en":"y"}}]}])";

struct RdpTerminal {
  FakeHost host;
  Journal journal{fs::temp_directory_path() / "caora-runner-test"};
  Recipe recipe = recipe_from(kRestartCause);  // the report points into it
  RdpTerminal() {
    host.values["host.rdp.enabled"] = true;
    host.fixes["host.rdp.disable"] = {"host.rdp.enabled", false};
    host.fixes["host.restart.schedule"] = {"host.restart.scheduled", true};
  }
  Report run(Interaction& io, bool reboot) {
    RunOptions opts;
    opts.fix = true;
    opts.yes = true;
    opts.reboot = reboot;
    return run_recipe(recipe, set(), host, &journal, io, opts);
  }
};
}  // namespace

TEST_CASE("--yes alone never schedules a restart; the report says one is needed") {
  RdpTerminal t;
  NoInteraction io;
  Report rep = t.run(io, false);
  CHECK(t.host.applied == std::vector<std::string>{"host.rdp.disable"});
  CHECK(rep.restart_needed);
  REQUIRE(rep.actions.size() == 2);
  CHECK_FALSE(rep.actions[1].applied);
  CHECK(rep.actions[1].note.en.find("--reboot") != std::string::npos);
  REQUIRE(rep.pending.size() == 1);
  CHECK(rep.pending[0].step->action == "host.restart.schedule");
}

TEST_CASE("a restart is scheduled with --reboot, or when the person at the terminal says yes to it") {
  RdpTerminal with_flag;
  NoInteraction nobody;
  with_flag.run(nobody, true);
  CHECK(with_flag.host.applied == std::vector<std::string>{"host.rdp.disable", "host.restart.schedule"});
  RdpTerminal at_terminal;
  ScriptedInteraction person;
  person.tty = true;
  at_terminal.run(person, false);
  CHECK(at_terminal.host.applied == std::vector<std::string>{"host.rdp.disable", "host.restart.schedule"});
}

TEST_CASE("an action on a finding from an assumed location waits for the person to confirm the fact") {
  struct AssumingHost : FakeHost {
    ProbeResult probe(const std::string& name) override {
      ProbeResult r = FakeHost::probe(name);
      if (name == "host.rdp.enabled") r.assumed.push_back({"somewhere", {"仮定", "an assumed file"}});
      return r;
    }
  };
  AssumingHost host;
  host.values["host.rdp.enabled"] = true;
  host.fixes["host.rdp.disable"] = {"host.rdp.enabled", false};
  Journal journal{fs::temp_directory_path() / "caora-runner-test"};
  NoInteraction io;
  RunOptions opts;
  opts.fix = opts.yes = opts.reboot = true;
  Report rep = run_recipe(recipe_from(kRestartCause), set(), host, &journal, io, opts);
  CHECK(host.applied.empty());
  CHECK(rep.actions[0].note.en.find("--answer assumed-somewhere=yes") != std::string::npos);
  CHECK(rep.status == RunStatus::NeedsTechnician);
  opts.answers["assumed-somewhere"] = true;
  run_recipe(recipe_from(kRestartCause), set(), host, &journal, io, opts);
  CHECK(host.applied.front() == "host.rdp.disable");
}
