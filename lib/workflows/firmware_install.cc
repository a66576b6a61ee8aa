#include "workflows/firmware_install.h"

#include <algorithm>
#include <random>
#include <sstream>

#include "workflows/firmware.h"
#include "workflows/pairing.h"

namespace caora {

using json = nlohmann::json;

const std::vector<InstallStepSpec>& install_steps(const std::string& component) {
  static const std::vector<InstallStepSpec> reader = {
      {"stop-reception",
       {"タスクトレイから Caora管理ツールを開き「受付終了」を押してください", "Open the Caora management tool from the task tray and press 受付終了 (stop reception)"},
       InstallCheck::Person},
      {"cable-out", {"Caora の USB ケーブルを資格確認端末から外してください", "Unplug the units' USB cables from the terminal"}, InstallCheck::UsbGone},
      {"install", {"カードリーダーソフトのインストーラーを実行します", "Running the reader software installer"}, InstallCheck::RunInstaller},
      {"cable-back", {"USB ケーブルを資格確認端末に差してください", "Plug the USB cables back into the terminal"}, InstallCheck::UsbBack},
      {"adapter-back", {"Caora の電源が入っていることを確かめてください（アダプターとアドレスを待ちます）",
                        "Check that the units are powered on (waiting for each adapter and its address)"},
       InstallCheck::AdapterBack},
      {"restart", {"資格確認端末を再起動してください。再起動後に caora firmware install --resume を実行します",
                   "Restart the terminal, then run caora firmware install --resume"},
       InstallCheck::Restart},
      {"check-version", {"インストールされたカードリーダーソフトの版を確かめます", "Checking the installed reader software version"},
       InstallCheck::InstalledVersion},
  };
  static const std::vector<InstallStepSpec> firmware = {
      {"restart", {"ファームウェアはカードリーダーソフトから配信されます。資格確認端末を再起動してください。再起動後に caora firmware install --component firmware --resume を実行します",
                   "The firmware reaches the units through the reader software: restart the terminal, then run caora firmware install --component firmware --resume"},
       InstallCheck::Restart},
      {"units-report", {"各 Caora が新しいファームウェアの版を報告するまで待ちます", "Waiting for each unit to report the new firmware version"},
       InstallCheck::UnitsReport},
  };
  return component == "firmware" ? firmware : reader;
}

const char* install_status_name(InstallStatus s) {
  switch (s) {
    case InstallStatus::Done: return "done";
    case InstallStatus::Refused: return "refused";
    case InstallStatus::Problem: return "problem";
    case InstallStatus::NeedsRestart: return "needs-restart";
    case InstallStatus::RestartScheduled: return "restart-scheduled";
    case InstallStatus::TimedOut: return "timed-out";
    case InstallStatus::Stopped: return "stopped";
    case InstallStatus::NotBack: return "not-back";
  }
  return "?";
}

fs::path install_state_path(const fs::path& state_dir) { return firmware_dir(state_dir) / "install.json"; }

static json state_json(const InstallState& s) {
  return {{"schema", "caora.firmware-install-state/1"},
          {"run_id", s.run_id},
          {"component", s.component},
          {"file", s.file},
          {"sha256", s.sha256},
          {"target_version", s.target_version},
          {"before_version", s.before_version},
          {"serials", s.serials},
          {"step", s.step},
          {"installer_exit", s.installer_exit ? json(*s.installer_exit) : json(nullptr)},
          {"journal_id", s.journal_id},
          {"started_at", s.started_at},
          {"updated_at", s.updated_at}};
}

Expected<InstallState> parse_install_state(const std::string& text) {
  auto bad = [](const std::string& why) {
    return make_error(ErrorKind::Io, "インストールの状態ファイルを使えません（" + why + "）",
                      "the install state file cannot be used (" + why + ")");
  };
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("schema", "") != "caora.firmware-install-state/1")
    return bad("not caora.firmware-install-state/1");
  InstallState s;
  try {
    s.run_id = j.at("run_id").get<std::string>();
    s.component = j.at("component").get<std::string>();
    s.file = j.at("file").get<std::string>();
    s.sha256 = j.at("sha256").get<std::string>();
    s.target_version = j.at("target_version").get<std::string>();
    s.before_version = j.at("before_version").get<std::string>();
    s.serials = j.at("serials").get<std::vector<std::string>>();
    s.step = j.at("step").get<size_t>();
    if (!j.at("installer_exit").is_null()) s.installer_exit = j.at("installer_exit").get<int>();
    s.journal_id = j.value("journal_id", "");
    s.started_at = j.value("started_at", "");
    s.updated_at = j.value("updated_at", "");
  } catch (const json::exception&) {
    return bad("a field is missing or of the wrong type");
  }
  if (s.component != "reader-software" && s.component != "firmware") return bad("unknown component");
  if (s.step > install_steps(s.component).size()) return bad("step out of range");
  return s;
}

Expected<std::optional<InstallState>> load_install_state(const fs::path& state_dir) {
  auto bytes = read_file(install_state_path(state_dir), 1 << 20);
  if (!bytes) {
    if (bytes.error().kind == ErrorKind::NotFound) return std::optional<InstallState>();
    return bytes.error();
  }
  TRY_ASSIGN(InstallState s, parse_install_state(*bytes));
  return std::optional<InstallState>(s);
}

Status save_install_state(const fs::path& state_dir, const InstallState& s) {
  TRY(make_private_dirs(firmware_dir(state_dir)));
  WriteOptions w;
  w.private_mode = true;
  return write_file_atomic(install_state_path(state_dir), state_json(s).dump(2) + "\n", w);
}

json InstallResult::to_json() const {
  json steps = json::array();
  const auto& specs = install_steps(state.component);
  for (size_t i = 0; i < specs.size(); ++i)
    steps.push_back({{"id", specs[i].id}, {"status", i < step_status.size() ? step_status[i] : "pending"},
                     {"instruction", {{"ja", specs[i].instruction.ja}, {"en", specs[i].instruction.en}}}});
  return {{"schema", "caora.firmware-install/1"},
          {"status", install_status_name(status)},
          {"component", state.component},
          {"file", state.file.empty() ? json(nullptr) : json(state.file)},
          {"before", state.before_version.empty() ? json(nullptr) : json(state.before_version)},
          {"target", state.target_version},
          {"installed_after", installed_after ? json(*installed_after) : json(nullptr)},
          {"installer_exit", state.installer_exit ? json(*state.installer_exit) : json(nullptr)},
          {"journal", state.journal_id.empty() ? json(nullptr) : json(state.journal_id)},
          {"steps", steps},
          {"seen", seen},
          {"message", {{"ja", message.ja}, {"en", message.en}}}};
}

namespace {

std::string new_run_id() {
  std::random_device rd;
  std::ostringstream o;
  o << std::hex << rd() << rd();
  return o.str();
}

struct Look {
  std::vector<std::string> present;  // serials (or ports) on USB
  std::vector<std::string> with_address;
  bool known = false;
  std::vector<std::string> seen;
};

Look look(Host& host) {
  host.forget();
  PairReport rep = build_pair_report(host, usb::embedded_unit_table(), std::nullopt);
  Look l;
  l.known = rep.units_known;
  for (const auto& u : rep.units) {
    std::string id = u.serial.value_or(u.port_path);
    l.present.push_back(id);
    bool address = false;
    for (const auto& a : u.adapters) address = address || (a.enabled && !a.ipv4.empty());
    if (address) l.with_address.push_back(id);
    l.seen.push_back("usb: " + id + " on " + u.port_path + (address ? ", adapter with address" : ", no adapter address"));
  }
  if (rep.units.empty()) l.seen.push_back(rep.units_known ? "usb: no unit" : "usb: cannot be read");
  return l;
}

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

InstallResult refuse(InstallResult r, Text why) {
  r.status = InstallStatus::Refused;
  r.message = std::move(why);
  return r;
}

std::optional<std::string> installed_reader_version(Host& host) {
  host.forget();
  ProbeResult p = host.probe("site.reader_software.version");
  if (p.known && p.value.is_string()) return p.value.get<std::string>();
  return std::nullopt;
}

}  // namespace

InstallResult run_firmware_install(const InstallParts& parts, const std::optional<FirmwareManifest>& manifest,
                                   const InstallRequest& req) {
  InstallResult r;
  InstallState& s = r.state;
  s.component = req.component;
  Host& host = *parts.host;
  if (req.resume) {
    auto loaded = load_install_state(parts.state_dir);
    if (!loaded) return refuse(r, loaded.error().message);
    if (!*loaded)
      return refuse(r, {"続けるインストールがありません（状態フォルダに install.json がありません）",
                        "there is no install to resume (no install.json in the state folder)"});
    s = **loaded;
    if (s.component != req.component)
      return refuse(r, {"進行中のインストールは " + s.component + " です（--component " + s.component + "）",
                        "the install in progress is for " + s.component + " (--component " + s.component + ")"});
  } else {
    if (!manifest)
      return refuse(r, {"キャッシュされたマニフェストがありません。先に caora firmware refresh を実行してください",
                        "no cached manifest: run caora firmware refresh first"});
    const ManifestComponent* c = manifest->find(req.component);
    if (c == nullptr)
      return refuse(r, {"マニフェストに " + req.component + " がありません", "the manifest lists no " + req.component});
    s.run_id = new_run_id();
    s.target_version = c->version.text();
    s.started_at = req.now;
    std::optional<std::string> before;
    if (req.component == "reader-software") {
      if (!req.file)
        return refuse(r, {"インストーラーのファイルを指定してください（caora firmware download で取得したもの）",
                          "give the installer file (as caora firmware download fetched it)"});
      std::error_code ec;
      uint64_t size = fs::file_size(*req.file, ec);
      if (ec) return refuse(r, fs_error(ec, *req.file, "インストーラーを読めません", "cannot read the installer").message);
      auto digest = file_sha256(*req.file);
      if (!digest) return refuse(r, digest.error().message);
      if (size != c->length || *digest != c->sha256)
        return refuse(r, {"このファイルはマニフェストの " + c->component + " " + c->version.text() + " ではありません（sha256 " + *digest + "）",
                          "this file is not the manifest's " + c->component + " " + c->version.text() + " (sha256 " + *digest +
                              ", expected " + c->sha256 + ")"});
      s.file = display_path(fs::absolute(*req.file, ec));
      s.sha256 = *digest;
      before = installed_reader_version(host);
    } else {
      if (req.file)
        return refuse(r, {"ファームウェアはカードリーダーソフトから配信されるため、ファイルは取りません",
                          "the firmware comes through the reader software: no file is taken"});
      if (parts.unit_versions) {
        std::optional<Version> oldest;
        for (const auto& [serial, v] : parts.unit_versions()) {
          auto parsed = v ? Version::parse(*v) : Expected<Version>(Error{});
          if (!parsed) continue;
          auto cmp = oldest ? parsed->compare_in(VersionFamily::Firmware, *oldest) : std::optional<int>(-1);
          if (cmp && *cmp < 0) oldest = *parsed;
        }
        if (oldest) before = oldest->text();
      }
    }
    if (before) {
      s.before_version = *before;
      auto have = Version::parse(*before);
      auto cmp = have ? c->version.compare_in(c->family, *have) : std::nullopt;
      if (cmp && *cmp < 0 && !req.allow_downgrade)
        return refuse(r, {"インストール済みの " + *before + " より古い " + c->version.text() + " にはしません（--allow-downgrade で許可）",
                          "refusing to go from " + *before + " down to " + c->version.text() + " (--allow-downgrade allows it)"});
    }
    Look first = look(host);
    s.serials = first.present;
  }

  const auto& steps = install_steps(s.component);
  r.step_status.assign(steps.size(), "pending");
  for (size_t i = 0; i < s.step && i < steps.size(); ++i) r.step_status[i] = "done";
  auto save = [&]() -> bool {
    s.updated_at = req.now;
    Status st = save_install_state(parts.state_dir, s);
    if (!st) {
      r.status = InstallStatus::Problem;
      r.message = st.error().message;
      return false;
    }
    return true;
  };
  if (!save()) return r;

  auto wait_for = [&](const Text& what, const std::function<bool()>& seen_it) {
    WatchLoop loop;
    loop.clock = parts.clock;
    loop.timeout_s = req.timeout_s;
    loop.poll_ms = req.poll_ms;
    loop.look = seen_it;
    loop.tick = [&](double remaining) {
      parts.io->countdown(what, remaining);
      return true;
    };
    return watch_until(loop).end == WatchEnd::Seen;
  };

  for (; s.step < steps.size(); ++s.step) {
    const InstallStepSpec& step = steps[s.step];
    parts.io->instruct(s.step, step);
    bool ok = true;
    switch (step.check) {
      case InstallCheck::Person:
        ok = parts.io->confirm(step);
        if (!ok) {
          r.step_status[s.step] = "stopped";
          r.status = InstallStatus::Stopped;
          r.message = {"中断しました（--resume で続けられます）", "stopped (--resume continues)"};
          return r;
        }
        break;
      case InstallCheck::UsbGone:
        ok = wait_for(step.instruction, [&] {
          Look l = look(host);
          r.seen = l.seen;
          if (!l.known) return false;
          for (const auto& id : s.serials)
            if (contains(l.present, id)) return false;
          return s.serials.empty() ? l.present.empty() : true;
        });
        break;
      case InstallCheck::RunInstaller: {
        Expected<SystemChange> change =
            parts.journal ? SystemChange::begin(*parts.journal, "firmware.install",
                                                {{"component", s.component}, {"file", s.file}, {"sha256", s.sha256},
                                                 {"from", s.before_version}, {"to", s.target_version}})
                          : Expected<SystemChange>(Error{ErrorKind::Internal, {"", ""}});
        if (parts.journal && !change) {
          r.status = InstallStatus::Problem;
          r.message = change.error().message;
          return r;
        }
        if (change) s.journal_id = change->id();
        // The file is checked again just before it runs: it may have changed since the start.
        auto digest = file_sha256(fs::u8path(s.file));
        if (!digest || *digest != s.sha256) {
          r.step_status[s.step] = "failed";
          r.status = InstallStatus::Problem;
          r.message = {"インストーラーが確認後に変わっています。実行しません", "the installer changed after it was checked: it was not run"};
          return r;
        }
        auto code = parts.installer(fs::u8path(s.file));
        if (!code) {
          r.step_status[s.step] = "failed";
          r.status = InstallStatus::Problem;
          r.message = code.error().message;
          save();
          return r;
        }
        s.installer_exit = *code;
        if (change) change->done();
        if (*code != 0) {
          r.step_status[s.step] = "failed";
          r.status = InstallStatus::Problem;
          r.message = {"インストーラーが終了コード " + std::to_string(*code) + " で終わりました",
                       "the installer ended with exit code " + std::to_string(*code)};
          save();
          return r;
        }
        break;
      }
      case InstallCheck::UsbBack:
        ok = wait_for(step.instruction, [&] {
          Look l = look(host);
          r.seen = l.seen;
          if (s.serials.empty()) return !l.present.empty();
          for (const auto& id : s.serials)
            if (!contains(l.present, id)) return false;
          return true;
        });
        break;
      case InstallCheck::AdapterBack:
        ok = wait_for(step.instruction, [&] {
          Look l = look(host);
          r.seen = l.seen;
          const auto& want = s.serials.empty() ? l.present : s.serials;
          if (want.empty()) return false;
          for (const auto& id : want)
            if (!contains(l.with_address, id)) return false;
          return true;
        });
        break;
      case InstallCheck::Restart: {
        r.step_status[s.step] = "done";
        ++s.step;  // after the restart, --resume starts at the next step
        if (!save()) return r;
        r.status = InstallStatus::NeedsRestart;
        r.message = step.instruction;
        if (req.reboot && parts.journal) {
          auto restart = host.apply("host.restart.schedule", json::object(), *parts.journal);
          if (restart) {
            r.status = InstallStatus::RestartScheduled;
            r.message = {"資格確認端末の再起動を予約しました。再起動後に caora firmware install --resume を実行してください",
                         "a restart of the terminal is scheduled; after it, run caora firmware install --resume"};
          } else {
            r.message = {step.instruction.ja + "（再起動の予約に失敗: " + restart.error().message.ja + "）",
                         step.instruction.en + " (scheduling the restart failed: " + restart.error().message.en + ")"};
          }
        }
        return r;
      }
      case InstallCheck::InstalledVersion: {
        auto now = installed_reader_version(host);
        r.installed_after = now;
        r.seen = {"installed: " + now.value_or("(unknown)"), "manifest: " + s.target_version};
        auto have = now ? Version::parse(*now) : Expected<Version>(Error{});
        auto want = Version::parse(s.target_version);
        auto cmp = have && want ? have->compare_in(VersionFamily::ReaderSoftware, *want) : std::nullopt;
        if (!cmp || *cmp != 0) {
          r.step_status[s.step] = "failed";
          r.status = InstallStatus::Problem;
          r.message = {"インストール後の版が " + now.value_or("不明") + " で、マニフェストの " + s.target_version + " ではありません",
                       "the installed version is " + now.value_or("unknown") + ", not the manifest's " + s.target_version};
          save();
          return r;
        }
        break;
      }
      case InstallCheck::UnitsReport: {
        std::vector<std::string> last;
        ok = wait_for(step.instruction, [&] {
          last.clear();
          bool all = true;
          auto units = parts.unit_versions ? parts.unit_versions() : decltype(parts.unit_versions()){};
          for (const auto& [serial, v] : units) {
            auto parsed = v ? Version::parse(*v) : Expected<Version>(Error{});
            auto want = Version::parse(s.target_version);
            auto cmp = parsed && want ? parsed->compare_in(VersionFamily::Firmware, *want) : std::nullopt;
            bool there = cmp && *cmp >= 0;
            all = all && there;
            last.push_back(serial + ": " + v.value_or("(no version)") + (there ? "" : " (waiting for " + s.target_version + ")"));
          }
          for (const auto& serial : s.serials)
            if (std::none_of(units.begin(), units.end(), [&](const auto& u) { return u.first == serial; })) {
              all = false;
              last.push_back(serial + ": not seen");
            }
          if (units.empty()) {
            all = false;
            last.push_back("no unit reports a firmware version");
          }
          r.seen = last;
          return all;
        });
        if (!ok) {
          r.step_status[s.step] = "not-back";
          r.status = InstallStatus::NotBack;
          r.message = {"時間内に新しいファームウェアを報告しなかった Caora があります（見えたもの: seen）。失敗と決まったわけではありません",
                       "not every unit reported the new firmware in time (what was seen is listed); this is not proof that it failed"};
          save();
          return r;
        }
        break;
      }
    }
    if (!ok) {
      r.step_status[s.step] = "timed-out";
      r.status = InstallStatus::TimedOut;
      r.message = {"時間内に確認できませんでした: " + step.instruction.ja + "（--resume で続けられます）",
                   "not seen in time: " + step.instruction.en + " (--resume continues)"};
      save();
      return r;
    }
    r.step_status[s.step] = "done";
    if (!save()) return r;
  }
  std::error_code ec;
  fs::remove(install_state_path(parts.state_dir), ec);
  r.status = InstallStatus::Done;
  r.message = {"インストールを確認しました: " + s.target_version, "the install is confirmed: " + s.target_version};
  return r;
}

}  // namespace caora
