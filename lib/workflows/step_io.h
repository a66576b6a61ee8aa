// How a guided procedure (firmware install, discharge-guide, register add)
// talks to the person doing its steps: the command's console on stderr
// (cmd/guide_console), a script in the tests (scripted_person.h). One
// interface for the three, over each procedure's own step description.
#pragma once

#include <cstddef>

#include "core/text.h"

namespace caora {

template <typename Step>
class StepIo {
 public:
  virtual ~StepIo() = default;
  virtual void instruct(size_t index, const Step& step) = 0;
  // A step only a person can see or do: true when done, false to stop.
  virtual bool confirm(const Step& step) = 0;
  virtual void countdown(const Text& what, double remaining_s) = 0;
  virtual void warn(const Text& what) = 0;
};

}  // namespace caora
