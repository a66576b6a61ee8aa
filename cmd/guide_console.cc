#include "cmd/guide_console.h"

#include <cstdio>
#include <iostream>
#include <string>

namespace caora {

void GuideConsole::instruct(size_t index, const Text& instruction) {
  end_line();
  std::cerr << "\n▶ " << index + 1 << ". " << instruction.in(lang_) << "\n";
}

bool GuideConsole::confirm(const Text& prompt) {
  if (!interactive_) return true;
  std::cerr << prompt.in(lang_);
  std::string line;
  if (!std::getline(std::cin, line)) return false;
  return line != "q" && line != "Q";
}

void GuideConsole::countdown(const Text& what, double remaining_s) {
  int t = static_cast<int>(remaining_s + 0.999);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d:%02d", t / 60, t % 60);
  if (progress_) {
    std::cerr << "\r\033[K⏳ " << what.in(lang_) << " " << buf << std::flush;
    open_line_ = true;
  } else if (t != last_) {
    if (last_ < 0 || t / 10 != last_ / 10) std::cerr << what.in(lang_) << " " << buf << "\n";
    last_ = t;
  }
}

void GuideConsole::warn(const Text& what) {
  end_line();
  std::cerr << "! " << what.in(lang_) << "\n";
}

void GuideConsole::end_line() {
  if (open_line_) std::cerr << "\r\033[K";
  open_line_ = false;
}

}  // namespace caora
