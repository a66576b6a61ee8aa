// `caora register add`: the guided registration of a unit (non-error QA 8-11,
// 16; error 906 0x81000001 / 0x81000003). A person works the login-name tool
// (新規追加 → 登録), runs 起動バッチ and the management tool's 起動; caora
// checks each step where the terminal shows it instead of trusting it: the
// unit visible before the tool can add it (QA 8, 9), the connection info
// written with this account and reader for this environment, the application
// running, the unit's adapter and reader back. Each wait goes through the one
// polling loop (watch.h); one that runs out says what was seen.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "host/host.h"
#include "workflows/registration.h"
#include "workflows/step_io.h"
#include "workflows/watch.h"

namespace caora {

enum class GuideCheck {
  UnitVisible,     // the unit on USB with its adapter, as pair sees it
  ConnectionInfo,  // this unit's connection info for the environment holds the account and reader
  AppRunning,      // a program of the site profile's application list is running
  UnitReady,       // the unit's adapter has its IPv4 address and its PC/SC reader is visible
  Person,          // only a person can see it (the unit's screen)
};
const char* guide_check_name(GuideCheck c);

struct GuideStep {
  std::string id;
  Text instruction;
  GuideCheck check;
  Text verified;  // how it is verified, for people
};

struct GuideRequest {
  std::string account, reader;
  RegEnv env = RegEnv::Verification;
  std::optional<std::string> serial;
  std::vector<std::string> app_processes;  // the programs that show the application running (site profile)
};

// The steps in the order the vendor gives them, with the request's values in.
std::vector<GuideStep> registration_steps(const GuideRequest& req);

// This unit's connection info as the terminal shows it now.
struct ConnectionSeen {
  bool found = false;
  std::string account, reader, path;
  std::optional<std::string> problem;  // a file that cannot be read, with why
  // Whether the password given matches the file's (nullopt: none given, or the
  // file keeps none). The password itself never leaves the reader.
  std::optional<bool> password_matches;
};

using GuideIo = StepIo<GuideStep>;

enum class GuideStatus { Planned, Refused, Done, Problem, TimedOut, Stopped, NoUnit, Ambiguous };
const char* guide_status_name(GuideStatus s);

struct GuideOptions {
  double timeout_s = 600;  // for each wait on something a person does
  int poll_ms = 250;
};

struct GuideResult {
  GuideStatus status = GuideStatus::Planned;
  std::optional<std::string> serial;
  std::vector<std::string> step_status;  // per step: pending, done, timed-out, problem, stopped
  std::vector<std::string> seen;         // the last look, for the person and the JSON
  std::vector<Text> warnings;
  Text message;
};

// The unit: the one asked for, else the only one on USB.
GuideResult start_registration_guide(Host& host, const GuideRequest& req);
// Runs every step; `connection` reads this unit's connection info for the
// request's environment each time it is called.
void run_registration_guide(Host& host, Clock& clock, GuideIo& io, const GuideRequest& req, const GuideOptions& opts,
                            const std::function<ConnectionSeen(const std::string& serial)>& connection, GuideResult& r);

nlohmann::json guide_steps_json(const GuideRequest& req, const GuideResult& r);
std::string guide_text(const GuideRequest& req, const GuideResult& r, Lang lang);

}  // namespace caora
