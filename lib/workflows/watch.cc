#include "workflows/watch.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <thread>

namespace caora {

SteadyClock::SteadyClock(double scale) : scale_(scale > 0 ? scale : 1.0), origin_(std::chrono::steady_clock::now()) {}

Clock::time_point SteadyClock::now() {
  auto real = std::chrono::steady_clock::now();
  if (scale_ == 1.0) return real;
  auto elapsed = std::chrono::duration<double>(real - origin_) * scale_;
  return origin_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(elapsed);
}

void SteadyClock::sleep_for(std::chrono::milliseconds d) {
  auto real = std::chrono::duration<double, std::milli>(d.count() / scale_);
  std::this_thread::sleep_for(std::chrono::duration_cast<std::chrono::microseconds>(real));
}

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

WatchResult watch_until(const WatchLoop& loop) {
  WatchResult r;
  Clock& clock = *loop.clock;
  auto start = clock.now();
  while (true) {
    bool seen = loop.look();
    auto now = clock.now();
    r.waited_s = seconds_between(start, now);
    if (seen) {
      r.end = WatchEnd::Seen;
      return r;
    }
    double remaining = loop.timeout_s - r.waited_s;
    if (remaining <= 0) {
      r.end = WatchEnd::TimedOut;
      return r;
    }
    if (loop.tick && !loop.tick(remaining)) {
      r.end = WatchEnd::Stopped;
      return r;
    }
    auto step = std::min<double>(loop.poll_ms, remaining * 1000.0);
    // Rounded up, so the look after the last sleep is at or past the deadline.
    clock.sleep_for(std::chrono::milliseconds(std::max<long>(1, static_cast<long>(std::ceil(step)))));
  }
}

}  // namespace caora
