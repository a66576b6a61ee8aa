// Stage timings for the self-test reports: milliseconds since a steady-clock mark.
#pragma once

#include <chrono>

namespace caora {

inline double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace caora
