// `caora discharge-guide`: the vendor's discharge of a unit (error 001's
// remedy ⑤, non-error QA 1 and 26) as checked steps. What the terminal can see
// is verified, not trusted: the unit leaving USB before the first timer, each
// one-minute timer counted on a monotonic clock from the moment it was seen
// gone (and restarted if it comes back early), the unit back with the same
// serial, its adapter with its address and its PC/SC reader. What only a
// person can see (the power button, the unit's screen) is asked for. The run
// is kept in the state folder after every step, so --resume continues after
// the terminal restarts and --status / --cancel work from another shell.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/fs.h"
#include "core/result.h"
#include "core/text.h"
#include "host/host.h"
#include "workflows/pairing.h"
#include "workflows/step_io.h"
#include "workflows/watch.h"

namespace caora {

// How each step is checked.
enum class StepCheck {
  UsbGone,      // the unit, its adapter and its reader leave
  TimerGone,    // a timer that counts only while the unit stays off USB
  Person,       // only a person can see it: asked at the terminal
  UsbBack,      // the unit back on USB, matched by serial
  AdapterBack,  // its adapter with an IPv4 address, and its reader
};
const char* step_check_name(StepCheck c);

struct DischargeStepSpec {
  std::string id;
  Text instruction;
  StepCheck check;
  std::optional<int> wait_s;  // the vendor's timer
  Text verified;              // how it is verified, for people
};
// The steps in the vendor's order.
const std::vector<DischargeStepSpec>& discharge_steps();

// What is kept in the state folder between steps (and terminal restarts).
struct DischargeState {
  std::string run_id;
  std::optional<std::string> serial;
  std::string port;  // where the unit was, for the adapter
  size_t step = 0;   // the first step not yet done
  std::string started_at, updated_at;
  std::vector<Text> warnings;
};
std::string new_discharge_run_id();
fs::path discharge_state_path(const fs::path& state_dir);
Expected<DischargeState> parse_discharge_state(const std::string& text, const std::string& where);
// nullopt when there is no run; an error when the file cannot be used.
Expected<std::optional<DischargeState>> load_discharge_state(const fs::path& state_dir);
Status save_discharge_state(const fs::path& state_dir, const DischargeState& s);
Status remove_discharge_state(const fs::path& state_dir);

// How the run talks to the person (stderr in the command; scripted in tests).
using DischargeIo = StepIo<DischargeStepSpec>;

// Stopped: the person stopped at a prompt (the state stays for --resume);
// Cancelled: --cancel removed the run, or --resume took it over in another shell.
enum class DischargeStatus { Planned, Refused, Done, Problem, TimedOut, Cancelled, Stopped, NoUnit, Ambiguous };
const char* discharge_status_name(DischargeStatus s);

struct DischargeOptions {
  std::optional<std::string> serial;
  double timeout_s = 600;  // for each wait on something a person does
  int poll_ms = 250;
  std::string now;         // wall-clock time for the state file
};

struct DischargeResult {
  DischargeStatus status = DischargeStatus::Planned;
  DischargeState state;
  std::vector<std::string> step_status;  // per step: pending, done, timed-out, stopped
  std::vector<std::string> seen;         // the last look
  std::vector<Text> warnings;
  std::optional<PairReport> pair;
  Text message;
  bool resumed = false;
};

// Chooses the unit: the one asked for, else the only one on USB (none: a unit
// that does not power on, QA 26, is allowed; several: Ambiguous).
DischargeResult start_discharge(Host& host, const DischargeOptions& opts);
// Runs from r.state.step to the end, saving the state after every step.
void run_discharge(Host& host, Clock& clock, DischargeIo& io, const fs::path& state_dir, const DischargeOptions& opts,
                   DischargeResult& r);

nlohmann::json discharge_json(const DischargeResult& r);
std::string discharge_text(const DischargeResult& r, Lang lang);
nlohmann::json discharge_state_json(const DischargeState& s);

}  // namespace caora
