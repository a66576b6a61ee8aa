// The live Linux backend's actions. Each one plans (for --dry-run and the
// confirmation), records itself in the journal before it changes anything, and
// verifies afterwards by reading the terminal again.
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

std::string param_string(const json& params, const char* key) {
  return params.is_object() && params.contains(key) && params[key].is_string() ? params[key].get<std::string>() : "";
}

int param_int(const json& params, const char* key, int fallback, int lo, int hi) {
  if (!params.is_object() || !params.contains(key) || !params[key].is_number()) return fallback;
  double v = params[key].get<double>();
  return v < lo ? lo : v > hi ? hi : static_cast<int>(v);
}

std::string unit_name(const RndisTarget& t) {
  return (t.serial.empty() ? std::string("unit") : "unit " + t.serial) + " on " + t.port;
}

}  // namespace

// ---- which units ----------------------------------------------------------

Expected<std::vector<RndisTarget>> LinuxHost::rndis_targets(const json& params) {
  const UsbView& v = usb_view();
  if (v.error) return *v.error;
  std::vector<usb::Unit> units = v.units;  // copies: the views are refreshed while we wait
  const NetView& n = net_view();
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

ActionPlan LinuxHost::plan_rndis_reset(const json& params) {
  ActionPlan p;
  auto targets = rndis_targets(params);
  if (!targets) {
    p.summary = targets.error().message;
    return p;
  }
  std::vector<std::string> problems;
  for (const auto& t : *targets) {
    std::vector<fs::path> files;
    if (t.method == RndisTarget::Method::Rebind) {
      fs::path drv = paths_.sysfs / "bus" / "usb" / "drivers" / t.driver;
      files = {drv / "unbind", drv / "bind"};
      p.changes.push_back("write " + t.usb_interface + " to " + display_path(files[0]) + ", then to " +
                          display_path(files[1]) + " (" + t.interface + ", " + unit_name(t) + ")");
    } else {
      files = {paths_.sysfs / "bus" / "usb" / "devices" / t.port / "authorized"};
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
    std::string all;
    for (const auto& s : problems) all += (all.empty() ? "" : "; ") + s;
    p.summary = {"RNDISアダプターを作り直せません: " + all + "。CaoraのUSBケーブルを抜き差ししてください",
                 "cannot reset the RNDIS adapter: " + all + ". Unplug the unit's USB cable and plug it back in"};
    return p;
  }
  p.applicable = true;
  p.summary = {"CaoraのRNDISアダプターをドライバーから切り離し、つなぎ直します（" + std::to_string(targets->size()) + "台）",
               "detach the unit's RNDIS adapter from its driver and attach it again (" + std::to_string(targets->size()) +
                   " unit(s))"};
  return p;
}

Expected<ActionOutcome> LinuxHost::apply_rndis_reset(const json& params, Journal& journal) {
  ActionPlan plan = plan_rndis_reset(params);
  if (!plan.applicable) return Error{ErrorKind::Unsupported, plan.summary};
  auto targets = rndis_targets(params);
  if (!targets) return targets.error();
  json record = params.is_object() ? params : json::object();
  record["targets"] = json::array();
  for (const auto& t : *targets)
    record["targets"].push_back({{"port", t.port}, {"serial", t.serial}, {"interface", t.interface},
                                 {"usb_interface", t.usb_interface}, {"driver", t.driver},
                                 {"method", t.method == RndisTarget::Method::Rebind ? "rebind" : "reauthorize"}});
  record["undo"] = "nothing to put back: the adapter is recreated as it was";
  auto change = SystemChange::begin(journal, "rndis.reset", record);
  if (!change) return change.error();
  ActionOutcome out;
  out.journal_id = change->id();
  int settle_s = param_int(params, "settle_s", 10, 0, 600);
  size_t failed = 0;
  for (const auto& t : *targets) {
    bool reauthorize = t.method == RndisTarget::Method::Reauthorize;
    bool detached = false;
    if (!reauthorize) {
      fs::path drv = paths_.sysfs / "bus" / "usb" / "drivers" / t.driver;
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
    if (reauthorize) {
      fs::path auth = paths_.sysfs / "bus" / "usb" / "devices" / t.port / "authorized";
      Status off = write_attribute(auth, "0");
      if (off) {
        detached = true;
        // Let the kernel finish removing the device before it is enumerated again.
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
      Status on = off ? write_attribute(auth, "1") : off;
      if (on) {
        out.changes.push_back(unit_name(t) + ": de-authorized and authorized again (" + display_path(auth) + ")");
      } else {
        out.changes.push_back(unit_name(t) + ": " + on.error().message.en);
        if (detached) {
          // Off the bus and we cannot bring it back: only a replug or a restart will.
          out.needs_restart = true;
          out.changes.push_back(unit_name(t) + ": the adapter is gone until the cable is replugged or the terminal restarts");
        } else {
          ++failed;
        }
      }
    }
  }
  if (failed == targets->size())
    return make_error(ErrorKind::Io, "RNDISアダプターを作り直せませんでした（何も変更していません）: " + out.changes.back(),
                      "the RNDIS adapter could not be reset (nothing was changed): " + out.changes.back());
  Status recorded = change->done();
  if (!recorded) return recorded.error();
  // Verify: the driver recreates the interface while it binds; see it back in sysfs.
  auto start = std::chrono::steady_clock::now();
  for (const auto& t : *targets) {
    bool back = false;
    std::string seen;
    while (true) {
      forget();
      const NetView& n = net_view();
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
  forget();
  return out;
}

// ---- rndis.enable -----------------------------------------------------------

ActionPlan LinuxHost::plan_rndis_enable(const json& params) {
  ActionPlan p;
  auto targets = rndis_targets(params);
  if (!targets) {
    p.summary = targets.error().message;
    return p;
  }
  const NetView& n = net_view();
  std::vector<std::string> problems;
  for (const auto& t : *targets)
    for (const auto& i : n.interfaces) {
      if (i.usb_port != t.port || i.admin_up) continue;
      fs::path flags = paths_.sysfs / "class" / "net" / i.name / "flags";
      auto before = read_line(flags);
      p.changes.push_back("set IFF_UP in " + display_path(flags) + " (" + i.name + " of " + unit_name(t) +
                          " is administratively down, flags " + before.value_or("?") + ")");
      if (!before) problems.push_back(display_path(flags) + " cannot be read");
      else if (!writable(flags)) problems.push_back(display_path(flags) + " is not writable (needs root)");
    }
  if (!problems.empty()) {
    std::string all;
    for (const auto& s : problems) all += (all.empty() ? "" : "; ") + s;
    p.summary = {"RNDISアダプターを有効にできません: " + all + "（手で: sudo ip link set <インターフェース> up）",
                 "cannot enable the RNDIS adapter: " + all + " (by hand: sudo ip link set <interface> up)"};
    return p;
  }
  p.applicable = true;
  p.summary = p.changes.empty() ? Text{"どのCaoraのアダプターもすでに有効です", "every unit's adapter is enabled already"}
                                : Text{"無効なCaoraのアダプターを有効にします", "enable the unit adapters that are down"};
  return p;
}

Expected<ActionOutcome> LinuxHost::apply_rndis_enable(const json& params, Journal& journal) {
  ActionPlan plan = plan_rndis_enable(params);
  if (!plan.applicable) return Error{ErrorKind::Unsupported, plan.summary};
  ActionOutcome out;
  if (plan.changes.empty()) {
    out.changes.push_back(plan.summary.en);
    return out;
  }
  auto targets = rndis_targets(params);
  if (!targets) return targets.error();
  std::vector<std::pair<std::string, unsigned long>> down;
  for (const auto& t : *targets)
    for (const auto& i : net_view().interfaces)
      if (i.usb_port == t.port && !i.admin_up)
        if (auto f = read_line(paths_.sysfs / "class" / "net" / i.name / "flags"))
          down.emplace_back(i.name, std::strtoul(f->c_str(), nullptr, 0));
  json record = params.is_object() ? params : json::object();
  record["interfaces"] = json::array();
  std::string reverse;
  for (const auto& [name, flags] : down) {
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%lx", flags);
    record["interfaces"].push_back({{"name", name}, {"flags_before", hex}});
    reverse += (reverse.empty() ? "" : "; ") + std::string("sudo ip link set dev ") + name + " down";
  }
  record["undo"] = "by hand: " + reverse;
  auto change = SystemChange::begin(journal, "rndis.enable", record);
  if (!change) return change.error();
  out.journal_id = change->id();
  for (const auto& [name, flags] : down) {
    fs::path file = paths_.sysfs / "class" / "net" / name / "flags";
    char hex[32];
    std::snprintf(hex, sizeof hex, "0x%lx", flags | kIffUp);
    Status w = write_attribute(file, hex);
    if (!w) return w.error();
    (void)change->done();  // something changed: undo can take it back
    auto after = read_line(file);
    bool up = after && (std::strtoul(after->c_str(), nullptr, 0) & kIffUp) != 0;
    if (!up)
      return make_error(ErrorKind::Io, name + " を有効にしましたが、まだ無効のままです（flags " + after.value_or("?") + "）",
                        name + " was enabled but is still down (flags " + after.value_or("?") + ")");
    out.changes.push_back(name + " is up (flags " + *after + ")");
  }
  forget();
  return out;
}

// ---- host.sleep.disable -----------------------------------------------------

ActionPlan LinuxHost::plan_sleep_disable() {
  ActionPlan p;
  fs::path dir = paths_.etc / "systemd" / "system";
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

Expected<ActionOutcome> LinuxHost::apply_sleep_disable(Journal& journal) {
  ActionPlan plan = plan_sleep_disable();
  if (!plan.applicable) return Error{ErrorKind::Unsupported, plan.summary};
  fs::path dir = paths_.etc / "systemd" / "system";
  std::vector<FileChange> changes;
  json targets = json::array();
  std::error_code ec;
  for (const auto& t : sleep_targets()) {
    fs::path f = dir / t;
    if (fs::exists(fs::symlink_status(f, ec))) continue;
    changes.push_back({FileChange::Op::Modify, f, ""});
    targets.push_back(t);
  }
  ActionOutcome out;
  if (changes.empty()) {
    out.changes.push_back("every sleep target is masked already");
    return out;
  }
  auto id = journal.apply("host.sleep.disable", {{"masked", targets}}, changes);
  if (!id) return id.error();
  out.journal_id = *id;
  for (const auto& c : changes) out.changes.push_back("created empty " + display_path(c.path));
  if (paths_.use_systemctl) {
    auto r = run_program({"systemctl", "daemon-reload"});
    out.changes.push_back(r && r->status == 0 ? "systemctl daemon-reload"
                                              : "systemctl daemon-reload failed: " + (r ? r->output : r.error().message.en));
  }
  forget();
  ProbeResult now = probe_sleep();
  if (now.known && now.value == true)
    return make_error(ErrorKind::Io, "マスクを作りましたが、systemd はまだスリープが有効だと答えます",
                      "the masks are in place, but systemd still reports sleep as enabled");
  for (const auto& e : now.evidence) out.changes.push_back("verified: " + e);
  return out;
}

// ---- host.restart.schedule --------------------------------------------------

ActionPlan LinuxHost::plan_restart_schedule(const json& params) {
  ActionPlan p;
  int minutes = param_int(params, "minutes", 2, 0, 1440);
  std::string program = find_program(paths_.shutdown_program);
  if (program.empty()) {
    p.summary = {paths_.shutdown_program + " がありません。端末を手で再起動してください",
                 "no " + paths_.shutdown_program + " command here; restart the terminal by hand"};
    return p;
  }
  p.applicable = true;
  p.changes.push_back(program + " -r +" + std::to_string(minutes) + " (cancel with: " + paths_.shutdown_program + " -c)");
  p.summary = {std::to_string(minutes) + "分後に資格確認端末を再起動します（Caoraの電源は入れたまま）",
               "restart the terminal in " + std::to_string(minutes) + " minute(s) (leave the unit powered on)"};
  return p;
}

Expected<ActionOutcome> LinuxHost::apply_restart_schedule(const json& params, Journal& journal) {
  ActionPlan plan = plan_restart_schedule(params);
  if (!plan.applicable) return Error{ErrorKind::Unsupported, plan.summary};
  int minutes = param_int(params, "minutes", 2, 0, 1440);
  std::vector<std::string> argv{paths_.shutdown_program, "-r", "+" + std::to_string(minutes),
                                "caora: 資格確認端末を再起動します / restarting the terminal for the Caora unit"};
  json record = params.is_object() ? params : json::object();
  record["command"] = argv;
  record["undo"] = "by hand: " + paths_.shutdown_program + " -c";
  auto change = SystemChange::begin(journal, "host.restart.schedule", record);
  if (!change) return change.error();
  auto r = run_program(argv);
  if (!r) return r.error();
  if (r->status != 0)
    return make_error(ErrorKind::Io, "再起動を予約できませんでした（" + paths_.shutdown_program + ": " + r->output + "）",
                      "the restart could not be scheduled (" + paths_.shutdown_program + " exited with " +
                          std::to_string(r->status) + ": " + r->output + ")");
  Status recorded = change->done();
  if (!recorded) return recorded.error();
  ActionOutcome out;
  out.journal_id = change->id();
  out.changes.push_back(plan.changes.front());
  ProbeResult now = probe_restart_scheduled();
  if (now.known && now.value == true)
    for (const auto& e : now.evidence) out.changes.push_back("verified: " + e);
  else
    out.changes.push_back(paths_.shutdown_program + " accepted it, but no schedule is visible in " +
                          display_path(paths_.run / "systemd" / "shutdown" / "scheduled"));
  return out;
}

// ---- reversal ---------------------------------------------------------------

Expected<std::vector<std::string>> LinuxHost::reverse(const JournalEntry& entry) {
  std::vector<std::string> done;
  const json& p = entry.params;
  if (entry.action == "rndis.reset")
    return make_error(ErrorKind::Unsupported, "リセットには元に戻すものがありません（アダプターは元どおりに作り直されています）",
                      "a reset has nothing to put back (the adapter was recreated as it was)");
  if (entry.action == "host.sleep.disable") {
    done.push_back("the masks are files: the journal takes them away");
    return done;
  }
  if (entry.action == "rndis.enable") {
    if (!p.contains("interfaces") || !p["interfaces"].is_array())
      return make_error(ErrorKind::Parse, "ジャーナルの記録に interfaces がありません", "the journal entry has no interfaces");
    for (const auto& i : p["interfaces"]) {
      std::string name = param_string(i, "name"), before = param_string(i, "flags_before");
      if (name.empty() || name.find('/') != std::string::npos || before.empty())
        return make_error(ErrorKind::Parse, "ジャーナルの記録が壊れています", "the journal entry is damaged");
      fs::path file = paths_.sysfs / "class" / "net" / name / "flags";
      Status w = write_attribute(file, before);
      if (!w) return w.error();
      done.push_back(name + ": flags " + before + " again (administratively down)");
    }
    forget();
    return done;
  }
  if (entry.action == "host.restart.schedule") {
    auto r = run_program({paths_.shutdown_program, "-c"});
    if (!r) return r.error();
    if (r->status != 0)
      return make_error(ErrorKind::Io, "再起動の予約を取り消せませんでした（" + r->output + "）",
                        "the scheduled restart could not be cancelled (" + r->output + ")");
    ProbeResult now = probe_restart_scheduled();
    if (now.known && now.value == true)
      return make_error(ErrorKind::Io, "取り消しましたが、まだ再起動が予約されています",
                        "cancelled, but a restart is still scheduled");
    done.push_back(paths_.shutdown_program + " -c: the scheduled restart is cancelled");
    return done;
  }
  return Host::reverse(entry);
}

// ---- dispatch ---------------------------------------------------------------

ActionPlan LinuxHost::plan(const std::string& action, const json& params) {
  if (action == "rndis.reset") return plan_rndis_reset(params);
  if (action == "rndis.enable") return plan_rndis_enable(params);
  if (action == "host.sleep.disable") return plan_sleep_disable();
  if (action == "host.restart.schedule") return plan_restart_schedule(params);
  ActionPlan p;
  p.summary = how_by_hand(action);
  return p;
}

Expected<ActionOutcome> LinuxHost::apply(const std::string& action, const json& params, Journal& journal) {
  if (action == "rndis.reset") return apply_rndis_reset(params, journal);
  if (action == "rndis.enable") return apply_rndis_enable(params, journal);
  if (action == "host.sleep.disable") return apply_sleep_disable(journal);
  if (action == "host.restart.schedule") return apply_restart_schedule(params, journal);
  return Error{ErrorKind::Unsupported, how_by_hand(action)};
}

}  // namespace caora
