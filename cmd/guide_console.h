// The stderr side of caora's guided procedures (firmware install,
// discharge-guide, register add): numbered instructions, "press Enter" and a
// countdown that redraws one line on a terminal and prints a line every ten
// seconds when stderr is a file, so a log stays readable.
#pragma once

#include <cstddef>

#include "core/text.h"
#include "workflows/step_io.h"

namespace caora {

class GuideConsole {
 public:
  // interactive: ask before going on; progress: redraw the countdown in place.
  GuideConsole(Lang lang, bool interactive, bool progress) : lang_(lang), interactive_(interactive), progress_(progress) {}
  void instruct(size_t index, const Text& instruction);
  // Waits for Enter; false when the person types q or stdin ends. Without a
  // terminal (--yes) true at once: the checks that follow tell whether the
  // step was done.
  bool confirm(const Text& prompt);
  void countdown(const Text& what, double remaining_s);
  void warn(const Text& what);
  void end_line();

 private:
  Lang lang_;
  bool interactive_, progress_;
  bool open_line_ = false;
  int last_ = -1;
};

// The usual prompts.
inline const Text kPromptDone{"終わったら Enter（中止は q）: ", "press Enter when done (q to stop): "};
inline const Text kPromptSeen{"確かめたら Enter（中止は q）: ", "press Enter once seen (q to stop): "};

// A procedure's steps on the console; confirm() asks `prompt` (kPromptDone
// for steps a person does, kPromptSeen for what a person looks at).
template <typename Step>
class ConsoleStepIo : public StepIo<Step> {
 public:
  ConsoleStepIo(Lang lang, bool interactive, bool progress, const Text& prompt)
      : console_(lang, interactive, progress), prompt_(prompt) {}
  void instruct(size_t index, const Step& step) override { console_.instruct(index, step.instruction); }
  bool confirm(const Step&) override { return console_.confirm(prompt_); }
  void countdown(const Text& what, double remaining_s) override { console_.countdown(what, remaining_s); }
  void warn(const Text& what) override { console_.warn(what); }
  void end_line() { console_.end_line(); }

 private:
  GuideConsole console_;
  Text prompt_;
};

}  // namespace caora
