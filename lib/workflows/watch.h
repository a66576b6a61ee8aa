// Watching the site until something is seen: the one polling loop of the
// workflows that wait (rndis-reset for its adapter, discharge-guide for a
// unit leaving and coming back). Time is read from a Clock so that a test can
// run a one-minute wait in a second through the same loop: the loop itself
// never changes, only how fast the clock runs.
#pragma once

#include <chrono>
#include <functional>

namespace caora {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  // Monotonic: the wall clock may jump (NTP, a person setting it), a wait must not.
  virtual time_point now() = 0;
  virtual void sleep_for(std::chrono::milliseconds d) = 0;
};

// The steady clock, running `scale` times faster than real time (scale 1: real
// time). A scale other than 1 is for tests only (CAORA_CLOCK_SCALE).
class SteadyClock : public Clock {
 public:
  explicit SteadyClock(double scale = 1.0);
  time_point now() override;
  void sleep_for(std::chrono::milliseconds d) override;

 private:
  double scale_;
  std::chrono::steady_clock::time_point origin_;
};

double seconds_between(Clock::time_point a, Clock::time_point b);

enum class WatchEnd { Seen, TimedOut, Stopped };

struct WatchLoop {
  Clock* clock = nullptr;
  double timeout_s = 60;
  int poll_ms = 500;
  // One look at the site: true when what is waited for is seen.
  std::function<bool()> look;
  // Between looks, with the seconds left; returns false to stop (cancelled).
  std::function<bool(double remaining_s)> tick;
};

struct WatchResult {
  WatchEnd end = WatchEnd::TimedOut;
  double waited_s = 0;
};

// Looks at once, then every poll_ms until seen, stopped or out of time; the
// last look is taken at or after the deadline, so a thing that arrives just
// in time is seen.
WatchResult watch_until(const WatchLoop& loop);

}  // namespace caora
