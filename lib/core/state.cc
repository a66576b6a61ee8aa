#include "core/state.h"

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace caora {

fs::path default_state_dir() {
#ifdef _WIN32
  const char* pd = std::getenv("ProgramData");
  return fs::path(pd ? pd : "C:\\ProgramData") / "caora";
#else
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg && *xdg) return fs::path(xdg) / "caora";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : ".") / ".local" / "state" / "caora";
#endif
}

static std::tm local_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
#ifdef _WIN32
  localtime_s(&tm, &t);
#else
  localtime_r(&t, &tm);
#endif
  return tm;
}

std::string now_iso8601() {
  std::tm tm = local_now();
  char buf[64];
#ifdef _WIN32
  // The Windows C runtime's %z is the zone's name ("Tokyo Standard Time"), not
  // its offset: the offset is what mktime makes of UTC read as local time.
  std::time_t t = std::mktime(&tm);
  std::tm utc{};
  gmtime_s(&utc, &t);
  utc.tm_isdst = tm.tm_isdst;
  long offset = static_cast<long>(std::difftime(t, std::mktime(&utc)));
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char zone[16];
  std::snprintf(zone, sizeof zone, "%c%02ld%02ld", offset < 0 ? '-' : '+', std::labs(offset) / 3600, std::labs(offset) % 3600 / 60);
  std::string s = std::string(buf) + zone;
#else
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
  std::string s(buf);
#endif
  // %z gives +0900; ISO 8601 extended form wants +09:00.
  if (s.size() >= 5 && (s[s.size() - 5] == '+' || s[s.size() - 5] == '-')) s.insert(s.size() - 2, ":");
  return s;
}

std::string today_iso() {
  std::tm tm = local_now();
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace caora
