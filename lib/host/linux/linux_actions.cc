// The live Linux backend's actions, one table entry each. Each one is prepared
// from the machine as it is now: a plan (for --dry-run and the confirmation),
// the record the journal keeps before anything changes, the act, and a
// verification that reads the terminal again.
//
// What "undo" means differs: the sleep masks are files and the journal puts
// them back; a reset leaves the adapter as it was, so there is nothing to put
// back; enabling an adapter and scheduling a restart are reversed by
// reverse() (flags written back, shutdown -c), and their journal entries also
// say how to do that by hand.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "host/linux/linux_host.h"

extern char** environ;

namespace caora {

using nlohmann::json;

namespace {

constexpr unsigned kIffUp = 0x1;

const std::vector<std::string>& sleep_targets() {
  static const std::vector<std::string> t{"sleep.target", "suspend.target", "hibernate.target", "hybrid-sleep.target",
                                          "suspend-then-hibernate.target"};
  return t;
}

Text how_by_hand(const std::string& action) {
  const std::string lead_ja = "Linuxではcaoraはこの変更を行いません。手で行ってください: ";
  const std::string lead_en = "caora does not make this change on Linux; do it by hand: ";
  auto t = [&](const std::string& ja, const std::string& en) { return Text{lead_ja + ja, lead_en + en}; };
  if (action == "host.screen_lock.disable")
    return t("デスクトップの設定（プライバシー／画面ロック）で自動ロックを切る",
             "turn off automatic locking in the desktop's settings (privacy / screen lock)");
  if (action == "host.biometric.disable")
    return t("指紋センサーを外すか、fprintd を止める（sudo systemctl mask fprintd）",
             "unplug the fingerprint sensor or stop fprintd (sudo systemctl mask fprintd)");
  if (action == "host.rdp.disable" || action == "host.certpropsvc.disable" || action == "host.nic.arp_offload.disable")
    return {"Windowsだけの設定です。Linuxでは必要ありません", "a Windows-only setting; there is nothing to change on Linux"};
  return {"Linuxではこの変更を行いません", "caora does not make this change on Linux"};
}

// Writes one value to a sysfs attribute as `echo VALUE > FILE` does. Sysfs
// attributes are never created, so a missing file is an error, and the kernel
// may refuse the value (the write fails).
Status write_attribute(const fs::path& file, const std::string& value) {
  int fd = ::open(file.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return errno_error(errno, file, "書き込み", "write to");
  ssize_t n = ::write(fd, value.data(), value.size());
  int err = errno;
  int closed = ::close(fd);
  if (n != static_cast<ssize_t>(value.size())) return errno_error(n < 0 ? err : EIO, file, "書き込み", "write to");
  if (closed != 0) return errno_error(errno, file, "書き込み", "write to");
  return ok_status();
}

std::optional<std::string> read_line(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string s;
  if (!in || !std::getline(in, s)) return std::nullopt;
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

bool writable(const fs::path& p) { return ::access(p.c_str(), W_OK) == 0; }

// Where PATH finds a program (as a shell would), or empty.
std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string full = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(full.c_str(), X_OK) == 0) return full;
  }
  return "";
}

struct ProgramRun {
  int status = -1;  // exit status; 128 + signal when killed
  std::string output;
};

// Runs a program with its stdout and stderr collected (never the terminal's:
// --json must stay one document).
Expected<ProgramRun> run_program(const std::vector<std::string>& argv) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return errno_error(errno, argv[0], "実行", "run");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0].c_str(), &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    return make_error(rc == ENOENT ? ErrorKind::NotFound : ErrorKind::Io,
                      argv[0] + " を実行できません（" + std::strerror(rc) + "）",
                      "cannot run " + argv[0] + ": " + std::strerror(rc));
  }
  ProgramRun r;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) r.output.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == ' ')) r.output.pop_back();
  return r;
}

// One RNDIS reset of one unit, as this backend plans it.
struct RndisTarget {
  std::string port;           // "1-2"
  std::string serial;         // empty when unreadable
  std::string interface;      // "usb0"; empty when the unit has no adapter
  std::string usb_interface;  // "1-2:1.0"
  std::string driver;         // "rndis_host"
  // Rebind the driver when the adapter is there; de-authorize/authorize the
  // whole device when it is not (nothing to unbind) or when asked to.
  enum class Method { Rebind, Reauthorize } method = Method::Rebind;
};

std::string unit_name(const RndisTarget& t) {
  return (t.serial.empty() ? std::string("unit") : "unit " + t.serial) + " on " + t.port;
}

std::string joined(const std::vector<std::string>& parts) {
  std::string all;
  for (const auto& s : parts) all += (all.empty() ? "" : "; ") + s;
  return all;
}

// A plan worked out on its own (the checks before acting) becomes the prepared action's.
PreparedAction planned(ActionPlan plan) {
  PreparedAction p;
  p.plan = std::move(plan);
  return p;
}

}  // namespace

// Nested in LinuxHost for its paths and views; one prepare function per action.
struct LinuxHost::Actions {
  LinuxHost& h;

  PreparedAction rndis_reset(const json& params);
  PreparedAction rndis_enable(const json& params);
  PreparedAction sleep_disable(const json& params);
  PreparedAction restart_schedule(const json& params);
  Expected<std::vector<std::string>> undo_rndis_enable(const JournalEntry& entry);
  Expected<std::vector<std::string>> undo_restart(const JournalEntry& entry);

 private:
  // The units an action addresses (params "serial": one unit, else all).
  Expected<std::vector<RndisTarget>> rndis_targets(const json& params);
  ActionPlan plan_reset(const std::vector<RndisTarget>& targets);
  // false when the unit could not even be taken off its driver or the bus.
  bool reset_one(const RndisTarget& t, ActionOutcome& out);
  void watch_adapters_back(const std::vector<RndisTarget>& targets, int settle_s, ActionOutcome& out);
  ActionPlan plan_enable(const std::vector<RndisTarget>& targets);
  ActionPlan plan_sleep();
};

ActionTable LinuxHost::action_table() {
  // Every other action names a change with no Linux meaning: the plan says how
  // to do it by hand, or that it is Windows-only.
  ActionTable t(backend(), [](const std::string& name) { return name.rfind("site.", 0) != 0; },
                [](const std::string& name) { return cannot(how_by_hand(name)); });
  t.add("rndis.reset", [this](const json& params) { return Actions{*this}.rndis_reset(params); },
        [](const JournalEntry&) -> Expected<std::vector<std::string>> {
          return make_error(ErrorKind::Unsupported, "リセットには元に戻すものがありません（アダプターは元どおりに作り直されています）",
                            "a reset has nothing to put back (the adapter was recreated as it was)");
        });
  t.add("rndis.enable", [this](const json& params) { return Actions{*this}.rndis_enable(params); },
        [this](const JournalEntry& entry) { return Actions{*this}.undo_rndis_enable(entry); });
  t.add("host.sleep.disable", [this](const json& params) { return Actions{*this}.sleep_disable(params); },
        [](const JournalEntry&) { return Expected<std::vector<std::string>>({"the masks are files: the journal takes them away"}); });
  t.add("host.restart.schedule", [this](const json& params) { return Actions{*this}.restart_schedule(params); },
        [this](const JournalEntry& entry) { return Actions{*this}.undo_restart(entry); });
  return t;
}

// ---- which units ----------------------------------------------------------

Expected<std::vector<RndisTarget>> LinuxHost::Actions::rndis_targets(const json& params) {
  const UsbView& v = h.usb_view();
  if (v.error) return *v.error;
  std::vector<usb::Unit> units = v.units;  // copies: the views are refreshed while we wait
  const NetView& n = h.net_view();
  if (n.error) return *n.error;
  std::string serial = param_string(params, "serial");
  bool force_reauthorize = param_string(params, "method") == "reauthorize";
  std::vector<RndisTarget> out;
  for (const auto& u : units) {
    const auto& s = u.device.serial.value;
    if (!serial.empty() && (!s || *s != serial)) continue;
    RndisTarget t;
    t.port = u.device.port_path();
    t.serial = s ? *s : "";
    for (const auto& i : n.interfaces)
      if (i.usb_port == t.port && !i.usb_interface.empty() && !i.driver.empty() && t.interface.empty()) {
        t.interface = i.name;
        t.usb_interface = i.usb_interface;
        t.driver = i.driver;
      }
    t.method = t.interface.empty() || force_reauthorize ? RndisTarget::Method::Reauthorize : RndisTarget::Method::Rebind;
    out.push_back(t);
  }
  if (out.empty()) {
    if (!serial.empty())
      return make_error(ErrorKind::NotFound, "シリアル番号 " + serial + " のCaoraがUSBに見えません",
                        "no unit with serial number " + serial + " on USB");
    return make_error(ErrorKind::NotFound, "USBにCaoraが見えません", "no unit on USB");
  }
  return out;
}

// ---- rndis.reset ------------------------------------------------------------

ActionPlan LinuxHost::Actions::plan_reset(const std::vector<RndisTarget>& targets) {
  ActionPlan p;
  std::vector<std::string> problems;
  for (const auto& t : targets) {
    std::vector<fs::path> files;
    if (t.method == RndisTarget::Method::Rebind) {
      fs::path drv = h.paths_.sysfs / "bus" / "usb" / "drivers" / t.driver;
      files = {drv / "unbind", drv / "bind"};
      p.changes.push_back("write " + t.usb_interface + " to " + display_path(files[0]) + ", then to " +
                          display_path(files[1]) + " (" + t.interface + ", " + unit_name(t) + ")");
    } else {
      files = {h.paths_.sysfs / "bus" / "usb" / "devices" / t.port / "authorized"};
      p.changes.push_back("write 0, then 1, to " + display_path(files[0]) + " (" + unit_name(t) +
                          (t.interface.empty() ? ", which has no adapter" : "") + ": off the bus and enumerated again)");
    }
    std::error_code ec;
    for (const auto& f : files) {
      if (!fs::exists(f, ec)) problems.push_back(display_path(f) + " does not exist");
      else if (!writable(f)) problems.push_back(display_path(f) + " is not writable (needs root)");
    }
  }
  if (!problems.empty()) {
    std::string all = joined(problems);
    p.summary = {"RNDISアダプターを作り直せません: " + all + "。CaoraのUSBケーブルを抜き差ししてください",
                 "cannot reset the RNDIS adapter: " + all + ". Unplug the unit's USB cable and plug it back in"};
    return p;
  }
  p.applicable = true;
  p.summary = {"CaoraのRNDISアダプターをドライバーから切り離し、つなぎ直します（" + std::to_string(targets.size()) + "台）",
               "detach the unit's RNDIS adapter from its driver and attach it again (" + std::to_string(targets.size()) +
                   " unit(s))"};
  return p;
}

PreparedAction LinuxHost::Actions::rndis_reset(const json& params) {
  auto found = rndis_targets(params);
  if (!found) return cannot(found.error().message);
  std::vector<RndisTarget> targets = *found;
  PreparedAction p = planned(plan_reset(targets));
  if (!p.plan.applicable) return p;
  p.record = params.is_object() ? params : json::object();
  p.record["targets"] = json::array();
  for (const auto& t : targets)
    p.record["targets"].push_back({{"port", t.port}, {"serial", t.serial}, {"interface", t.interface},
                                   {"usb_interface", t.usb_interface}, {"driver", t.driver},
                                   {"method", t.method == RndisTarget::Method::Rebind ? "rebind" : "reauthorize"}});
  p.record["undo"] = "nothing to put back: the adapter is recreated as it was";
  // The prepared action outlives this Actions: its steps hold a copy.
  p.act = [self = *this, targets](ActionOutcome& out, SystemChange* change) mutable -> Status {
    size_t failed = 0;
    for (const auto& t : targets)
      if (!self.reset_one(t, out)) ++failed;
    if (failed == targets.size())
      return make_error(ErrorKind::Io, "RNDISアダプターを作り直せませんでした（何も変更していません）: " + out.changes.back(),
                        "the RNDIS adapter could not be reset (nothing was changed): " + out.changes.back());
    // Applied before the wait: the adapter was reset whether or not it comes back in time.
    return change->done();
  };
  int settle_s = param_int(params, "settle_s", 10, 0, 600);
  p.verify = [self = *this, targets, settle_s](ActionOutcome& out) mutable -> Status {
    self.watch_adapters_back(targets, settle_s, out);
    return ok_status();
  };
  return p;
}

bool LinuxHost::Actions::reset_one(const RndisTarget& t, ActionOutcome& out) {
  bool reauthorize = t.method == RndisTarget::Method::Reauthorize;
  bool detached = false;
  if (!reauthorize) {
    fs::path drv = h.paths_.sysfs / "bus" / "usb" / "drivers" / t.driver;
    Status un = write_attribute(drv / "unbind", t.usb_interface);
    if (!un) {
      out.changes.push_back(t.interface + ": unbind failed (" + un.error().message.en + "); trying de-authorize/authorize");
      reauthorize = true;
    } else {
      detached = true;
      out.changes.push_back(t.interface + ": " + t.usb_interface + " unbound from " + t.driver);
      Status bd = write_attribute(drv / "bind", t.usb_interface);
      if (bd) {
        out.changes.push_back(t.usb_interface + " bound to " + t.driver + " again");
      } else {
        out.changes.push_back(t.usb_interface + ": bind failed (" + bd.error().message.en + "); trying de-authorize/authorize");
        reauthorize = true;
      }
    }
  }
  if (!reauthorize) return true;
  fs::path auth = h.paths_.sysfs / "bus" / "usb" / "devices" / t.port / "authorized";
  Status off = write_attribute(auth, "0");
  if (off) {
    detached = true;
    // Let the kernel finish removing the device before it is enumerated again.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  Status on = off ? write_attribute(auth, "1") : off;
  if (on) {
    out.changes.push_back(unit_name(t) + ": de-authorized and authorized again (" + display_path(auth) + ")");
    return true;
  }
  out.changes.push_back(unit_name(t) + ": " + on.error().message.en);
  if (!detached) return false;
  // Off the bus and we cannot bring it back: only a replug or a restart will.
  out.needs_restart = true;
  out.changes.push_back(unit_name(t) + ": the adapter is gone until the cable is replugged or the terminal restarts");
  return true;
}

// The driver recreates the interface while it binds: see it back in sysfs.
void LinuxHost::Actions::watch_adapters_back(const std::vector<RndisTarget>& targets, int settle_s, ActionOutcome& out) {
  auto start = std::chrono::steady_clock::now();
  for (const auto& t : targets) {
    bool back = false;
    std::string seen;
    while (true) {
      h.forget();
      const NetView& n = h.net_view();
      for (const auto& i : n.interfaces)
        if (i.usb_port == t.port && !i.usb_interface.empty()) {
          back = true;
          seen = i.name;
        }
      auto waited = std::chrono::steady_clock::now() - start;
      if (back || waited >= std::chrono::seconds(settle_s)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char when[32];
    std::snprintf(when, sizeof when, "%.1f s", secs);
    out.changes.push_back(back ? seen + " is back on " + t.port + " after " + when
                               : "no adapter on " + t.port + " yet after " + when);
  }
  h.forget();
}

// ---- rndis.enable -----------------------------------------------------------

ActionPlan LinuxHost::Actions::plan_enable(const std::vector<RndisTarget>& targets) {
  ActionPlan p;
  const NetView& n = h.net_view();
  std::vector<std::string> problems;
  for (const auto& t : targets)
    for (const auto& i : n.interfaces) {
      if (i.usb_port != t.port || i.admin_up) continue;
      fs::path flags = h.paths_.sysfs / "class" / "net" / i.name / "flags";
      auto before = read_line(flags);
      p.changes.push_back("set IFF_UP in " + display_path(flags) + " (" + i.name + " of " + unit_name(t) +
                          " is administratively down, flags " + before.value_or("?") + ")");
      if (!before) problems.push_back(display_path(flags) + " cannot be read");
      else if (!writable(flags)) problems.push_back(display_path(flags) + " is not writable (needs root)");
    }
  if (!problems.empty()) {
    std::string all = joined(problems);
    p.summary = {"RNDISアダプターを有効にできません: " + all + "（手で: sudo ip link set <インターフェース> up）",
                 "cannot enable the RNDIS adapter: " + all + " (by hand: sudo ip link set <interface> up)"};
    return p;
  }
  p.applicable = true;
  p.summary = p.changes.empty() ? Text{"どのCaoraのアダプターもすでに有効です", "every unit's adapter is enabled already"}
                                : Text{"無効なCaoraのアダプターを有効にします", "enable the unit adapters that are down"};
  return p;
}

PreparedAction LinuxHost::Actions::rndis_enable(const json& params) {
  auto targets = rndis_targets(params);
  if (!targets) return cannot(targets.error().message);
  PreparedAction p = planned(plan_enable(*targets));
  if (!p.plan.applicable) return p;
  if (p.plan.changes.empty()) {
    p.outcome.changes.push_back(p.plan.summary.en);
    return p;
  }
  std::vector<std::pair<std::string, unsigned long>> down;
  for (const auto& t : *targets)
    for (const auto& i : h.net_view().interfaces)
      if (i.usb_port == t.port && !i.admin_up)
        if (auto f = read_line(h.paths_.sysfs / "class" / "net" / i.name / "flags"))
          down.emplace_back(i.name, std::strtoul(f->c_str(), nullptr, 0));
  p.record = params.is_object() ? params : json::object();
  p.record["interfaces"] = json::array();
  std::vector<std::string> by_hand;
  for (const auto& [name, flags] : down) {
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%lx", flags);
    p.record["interfaces"].push_back({{"name", name}, {"flags_before", hex}});
    by_hand.push_back("sudo ip link set dev " + name + " down");
  }
  p.record["undo"] = "by hand: " + joined(by_hand);
  // Each interface is read back before the next is written.
  p.act = [&host = h, down](ActionOutcome& out, SystemChange* change) -> Status {
    for (const auto& [name, flags] : down) {
      fs::path file = host.paths_.sysfs / "class" / "net" / name / "flags";
      char hex[32];
      std::snprintf(hex, sizeof hex, "0x%lx", flags | kIffUp);
      TRY(write_attribute(file, hex));
      (void)change->done();  // something changed: undo can take it back
      auto after = read_line(file);
      bool up = after && (std::strtoul(after->c_str(), nullptr, 0) & kIffUp) != 0;
      if (!up)
        return make_error(ErrorKind::Io, name + " を有効にしましたが、まだ無効のままです（flags " + after.value_or("?") + "）",
                          name + " was enabled but is still down (flags " + after.value_or("?") + ")");
      out.changes.push_back(name + " is up (flags " + *after + ")");
    }
    host.forget();
    return ok_status();
  };
  return p;
}

Expected<std::vector<std::string>> LinuxHost::Actions::undo_rndis_enable(const JournalEntry& entry) {
  const json& p = entry.params;
  if (!p.contains("interfaces") || !p["interfaces"].is_array())
    return make_error(ErrorKind::Parse, "ジャーナルの記録に interfaces がありません", "the journal entry has no interfaces");
  std::vector<std::string> done;
  for (const auto& i : p["interfaces"]) {
    std::string name = param_string(i, "name"), before = param_string(i, "flags_before");
    if (name.empty() || name.find('/') != std::string::npos || before.empty())
      return make_error(ErrorKind::Parse, "ジャーナルの記録が壊れています", "the journal entry is damaged");
    TRY(write_attribute(h.paths_.sysfs / "class" / "net" / name / "flags", before));
    done.push_back(name + ": flags " + before + " again (administratively down)");
  }
  h.forget();
  return done;
}

// ---- host.sleep.disable -----------------------------------------------------

ActionPlan LinuxHost::Actions::plan_sleep() {
  ActionPlan p;
  fs::path dir = h.paths_.etc / "systemd" / "system";
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    p.summary = {display_path(dir) + " がありません（systemd ではない？）。デスクトップと電源の設定でスリープを切ってください",
                 display_path(dir) + " does not exist (not systemd?); turn sleep off in the desktop's power settings"};
    return p;
  }
  std::vector<std::string> left;
  for (const auto& t : sleep_targets()) {
    fs::path f = dir / t;
    if (fs::is_symlink(f, ec)) {
      if (fs::read_symlink(f, ec) != "/dev/null") left.push_back(display_path(f) + " is a link of its own (left alone)");
      continue;
    }
    if (fs::exists(f, ec)) {
      if (!(fs::is_regular_file(f, ec) && fs::file_size(f, ec) == 0))
        left.push_back(display_path(f) + " is a unit file of its own (left alone)");
      continue;
    }
    p.changes.push_back("create the empty file " + display_path(f) + " (masks " + t + ", as systemctl mask does)");
  }
  if (!p.changes.empty() && !writable(dir)) {
    p.summary = {display_path(dir) + " に書き込めません（root が必要です）", display_path(dir) + " is not writable (needs root)"};
    return p;
  }
  for (const auto& l : left) p.changes.push_back(l);
  p.applicable = true;
  p.summary = {"systemd のスリープ・サスペンドのターゲットをマスクします（デスクトップの自動サスペンドは別の設定です）",
               "mask systemd's sleep and suspend targets (the desktop's own idle suspend is a separate setting)"};
  return p;
}

// The masks are files, so the journal makes them (and undo takes them away).
PreparedAction LinuxHost::Actions::sleep_disable(const json&) {
  PreparedAction p = planned(plan_sleep());
  if (!p.plan.applicable) return p;
  fs::path dir = h.paths_.etc / "systemd" / "system";
  json masked = json::array();
  std::error_code ec;
  for (const auto& t : sleep_targets()) {
    fs::path f = dir / t;
    if (fs::exists(fs::symlink_status(f, ec))) continue;
    p.files.push_back({FileChange::Op::Modify, f, ""});
    masked.push_back(t);
  }
  if (p.files.empty()) {
    p.outcome.changes.push_back("every sleep target is masked already");
    return p;
  }
  p.record = {{"masked", masked}};
  for (const auto& c : p.files) p.outcome.changes.push_back("created empty " + display_path(c.path));
  p.act = [&host = h](ActionOutcome& out, SystemChange*) -> Status {
    if (host.paths_.use_systemctl) {
      auto r = run_program({"systemctl", "daemon-reload"});
      out.changes.push_back(r && r->status == 0 ? "systemctl daemon-reload"
                                                : "systemctl daemon-reload failed: " + (r ? r->output : r.error().message.en));
    }
    host.forget();
    return ok_status();
  };
  p.verify = [&host = h](ActionOutcome& out) -> Status {
    ProbeResult now = host.probe_sleep();
    if (now.known && now.value == true)
      return make_error(ErrorKind::Io, "マスクを作りましたが、systemd はまだスリープが有効だと答えます",
                        "the masks are in place, but systemd still reports sleep as enabled");
    for (const auto& e : now.evidence) out.changes.push_back("verified: " + e);
    return ok_status();
  };
  return p;
}

// ---- host.restart.schedule --------------------------------------------------

PreparedAction LinuxHost::Actions::restart_schedule(const json& params) {
  int minutes = param_int(params, "minutes", 2, 0, 1440);
  const std::string& shutdown = h.paths_.shutdown_program;
  std::string program = find_program(shutdown);
  if (program.empty())
    return cannot({shutdown + " がありません。端末を手で再起動してください", "no " + shutdown + " command here; restart the terminal by hand"});
  PreparedAction p;
  p.plan.applicable = true;
  p.plan.changes.push_back(program + " -r +" + std::to_string(minutes) + " (cancel with: " + shutdown + " -c)");
  p.plan.summary = {std::to_string(minutes) + "分後に資格確認端末を再起動します（Caoraの電源は入れたまま）",
                    "restart the terminal in " + std::to_string(minutes) + " minute(s) (leave the unit powered on)"};
  std::vector<std::string> argv{shutdown, "-r", "+" + std::to_string(minutes),
                                "caora: 資格確認端末を再起動します / restarting the terminal for the Caora unit"};
  p.record = params.is_object() ? params : json::object();
  p.record["command"] = argv;
  p.record["undo"] = "by hand: " + shutdown + " -c";
  std::string line = p.plan.changes.front();
  p.act = [&host = h, argv, line](ActionOutcome& out, SystemChange* change) -> Status {
    TRY_ASSIGN(ProgramRun r, run_program(argv));
    if (r.status != 0)
      return make_error(ErrorKind::Io, "再起動を予約できませんでした（" + host.paths_.shutdown_program + ": " + r.output + "）",
                        "the restart could not be scheduled (" + host.paths_.shutdown_program + " exited with " +
                            std::to_string(r.status) + ": " + r.output + ")");
    TRY(change->done());
    out.changes.push_back(line);
    return ok_status();
  };
  // logind's schedule file is the evidence; shutdown accepting it is enough to go on.
  p.verify = [&host = h](ActionOutcome& out) -> Status {
    ProbeResult now = host.probe_restart_scheduled();
    if (now.known && now.value == true)
      for (const auto& e : now.evidence) out.changes.push_back("verified: " + e);
    else
      out.changes.push_back(host.paths_.shutdown_program + " accepted it, but no schedule is visible in " +
                            display_path(host.paths_.run / "systemd" / "shutdown" / "scheduled"));
    return ok_status();
  };
  return p;
}

Expected<std::vector<std::string>> LinuxHost::Actions::undo_restart(const JournalEntry&) {
  TRY_ASSIGN(ProgramRun r, run_program({h.paths_.shutdown_program, "-c"}));
  if (r.status != 0)
    return make_error(ErrorKind::Io, "再起動の予約を取り消せませんでした（" + r.output + "）",
                      "the scheduled restart could not be cancelled (" + r.output + ")");
  ProbeResult now = h.probe_restart_scheduled();
  if (now.known && now.value == true)
    return make_error(ErrorKind::Io, "取り消しましたが、まだ再起動が予約されています", "cancelled, but a restart is still scheduled");
  return std::vector<std::string>{h.paths_.shutdown_program + " -c: the scheduled restart is cancelled"};
}

}  // namespace caora
