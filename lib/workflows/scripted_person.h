// For the guided procedures' tests: a clock that moves only when the loop
// sleeps, with things that happen at set times (a unit unplugged three
// seconds after the step is shown), and a person who follows a script.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "workflows/step_io.h"
#include "workflows/watch.h"

namespace caora {

class ScriptedClock : public Clock {
 public:
  time_point now() override {
    return time_point{} + std::chrono::duration_cast<time_point::duration>(std::chrono::duration<double>(t));
  }
  void sleep_for(std::chrono::milliseconds d) override {
    t += d.count() / 1000.0;
    while (!events.empty() && events.front().first <= t) {
      events.front().second();
      events.erase(events.begin());
    }
  }
  double t = 0;
  // (when, what): run once the clock reaches `when`; kept in time order.
  std::vector<std::pair<double, std::function<void()>>> events;
};

// Does every step it is shown (or stops at `stop_at`), and keeps what it saw.
template <typename Step>
class ScriptedPerson : public StepIo<Step> {
 public:
  explicit ScriptedPerson(ScriptedClock& c) : clock(c) {}
  void instruct(size_t, const Step& step) override {
    started[step.id] = clock.t;
    shown.push_back(step.id);
    if (on_instruct) on_instruct(step.id);
  }
  bool confirm(const Step& step) override {
    if (step.id == stop_at) return false;
    if (on_confirm) on_confirm(step.id);
    return true;
  }
  void countdown(const Text&, double) override { ++ticks; }
  void warn(const Text& w) override { warnings.push_back(w.en); }

  ScriptedClock& clock;
  std::map<std::string, double> started;  // step id → when it was shown
  std::vector<std::string> shown, warnings;
  std::string stop_at;
  std::function<void(const std::string& step_id)> on_instruct, on_confirm;
  int ticks = 0;
};

}  // namespace caora
