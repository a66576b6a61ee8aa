#include "workflows/discharge.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>

#include "core/strings.h"
#include "host/records.h"
#include "usb/usb.h"

namespace caora {

using nlohmann::json;

const char* step_check_name(StepCheck c) {
  switch (c) {
    case StepCheck::UsbGone: return "usb-gone";
    case StepCheck::TimerGone: return "timer-while-gone";
    case StepCheck::Person: return "person";
    case StepCheck::UsbBack: return "usb-back";
    case StepCheck::AdapterBack: return "adapter-and-reader";
  }
  return "?";
}

const char* discharge_status_name(DischargeStatus s) {
  switch (s) {
    case DischargeStatus::Planned: return "planned";
    case DischargeStatus::Refused: return "refused";
    case DischargeStatus::Done: return "done";
    case DischargeStatus::Problem: return "problem";
    case DischargeStatus::TimedOut: return "timed-out";
    case DischargeStatus::Cancelled: return "cancelled";
    case DischargeStatus::Stopped: return "stopped";
    case DischargeStatus::NoUnit: return "no-unit";
    case DischargeStatus::Ambiguous: return "ambiguous";
  }
  return "?";
}

const std::vector<DischargeStepSpec>& discharge_steps() {
  // The vendor's wording (error 001 remedy ⑤, non-error QA 1 and 26), in our words.
  static const std::vector<DischargeStepSpec> steps = {
      {"unplug",
       {"Caora本体から電源ケーブルとUSBケーブルを両方とも抜いてください", "Unplug both the power cable and the USB cable from the unit"},
       StepCheck::UsbGone, std::nullopt,
       {"CaoraがUSB・ネットワークアダプター・PC/SCリーダーから消えたことを確認", "the unit, its network adapter and its PC/SC reader are seen gone"}},
      {"wait-unplugged",
       {"そのまま1分待ちます（抜いたのを確認した時点から数えます）", "Leave it unplugged for one minute (counted from when it was seen gone)"},
       StepCheck::TimerGone, 60,
       {"1分の間、CaoraがUSBに戻らないこと（戻ったら数え直し）", "the unit stays off USB for the whole minute (the count restarts if it comes back)"}},
      {"power-only",
       {"Caora本体に電源ケーブルだけを差してください（USBケーブルはまだ差しません）", "Connect only the power cable to the unit (not the USB cable yet)"},
       StepCheck::Person, std::nullopt,
       {"作業者が確認（USBに現れたらUSBケーブルが早すぎます）", "confirmed by the person (the unit showing on USB means the USB cable went in too early)"}},
      {"wait-powered",
       {"電源ケーブルだけを差した状態で、さらに1分待ちます", "Wait one more minute with only the power cable connected"},
       StepCheck::TimerGone, 60,
       {"1分の間、CaoraがUSBに現れないこと（現れたら数え直し）", "the unit stays off USB for the whole minute (the count restarts if it appears)"}},
      {"power-button",
       {"Caora本体の電源ボタンを数秒間長押しして電源を入れてください", "Hold the unit's power button for a few seconds to turn it on"},
       StepCheck::Person, std::nullopt,
       {"作業者が確認（Caoraの画面は端末からは見えません）", "confirmed by the person (the terminal cannot see the unit's screen)"}},
      {"waiting-screen",
       {"Caoraの画面に「接続を待っています」と表示されるまで待ってください", "Wait until the unit's screen shows 「接続を待っています」 (waiting for the connection)"},
       StepCheck::Person, std::nullopt,
       {"作業者が確認", "confirmed by the person"}},
      {"usb-in",
       {"USBケーブルを資格確認端末に直接（ハブを使わずに）差し直してください", "Connect the USB cable again, directly to the terminal (no hub)"},
       StepCheck::UsbBack, std::nullopt,
       {"同じシリアル番号のCaoraがUSBに戻ったことを確認", "the unit with the same serial number is seen back on USB"}},
      {"restart",
       {"資格確認端末を再起動するか、Caora管理ツールで「最新の情報に更新」をクリックしてから「起動」をクリックしてください"
        "（再起動した場合は、再起動後に caora discharge-guide --resume を実行します）",
        "Restart the terminal, or in the Caora management tool click 「最新の情報に更新」 (refresh) and then 「起動」 (start) "
        "(after a restart, run caora discharge-guide --resume)"},
       StepCheck::Person, std::nullopt,
       {"作業者が確認", "confirmed by the person"}},
      {"ready",
       {"CaoraのネットワークアダプターとPC/SCリーダーが戻るのを待ちます", "Wait for the unit's network adapter and PC/SC reader to come back"},
       StepCheck::AdapterBack, std::nullopt,
       {"アダプターにIPv4アドレスがあり、リーダーが見えることを確認し、caora pair の結果で締めくくる",
        "its adapter has its IPv4 address and its reader is visible; ends with caora pair's findings for the unit"}},
  };
  return steps;
}

// ---- state ----

namespace {

json texts_json(const std::vector<Text>& texts) {
  json a = json::array();
  for (const auto& t : texts) a.push_back({{"ja", t.ja}, {"en", t.en}});
  return a;
}

std::vector<std::string> english(const std::vector<Text>& texts) {
  std::vector<std::string> out;
  for (const auto& t : texts) out.push_back(t.en);
  return out;
}

}  // namespace

fs::path discharge_state_path(const fs::path& state_dir) { return state_dir / "discharge-guide.json"; }

json discharge_state_json(const DischargeState& s) {
  return {{"schema", "caora.discharge-state/1"},
          {"run_id", s.run_id},
          {"serial", s.serial ? json(*s.serial) : json(nullptr)},
          {"port", s.port},
          {"step", s.step},
          {"started_at", s.started_at},
          {"updated_at", s.updated_at},
          {"warnings", texts_json(s.warnings)}};
}

Expected<DischargeState> parse_discharge_state(const std::string& text, const std::string& where) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorKind::Io, "放電作業の状態ファイルを使えません（" + why + "）: " + where + "。caora discharge-guide --cancel で消せます",
                      "the discharge state file cannot be used (" + why + "): " + where +
                          "; caora discharge-guide --cancel removes it");
  };
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("schema") || j["schema"] != "caora.discharge-state/1")
    return bad("not caora.discharge-state/1");
  DischargeState s;
  try {
    s.run_id = j.at("run_id").get<std::string>();
    if (!j.at("serial").is_null()) s.serial = j.at("serial").get<std::string>();
    s.port = j.value("port", "");
    s.step = j.at("step").get<size_t>();
    s.started_at = j.value("started_at", "");
    s.updated_at = j.value("updated_at", "");
    // A state file from before the warnings were bilingual holds English strings.
    for (const auto& w : j.value("warnings", json::array())) {
      if (w.is_string()) s.warnings.push_back({w.get<std::string>(), w.get<std::string>()});
      else s.warnings.push_back({w.at("ja").get<std::string>(), w.at("en").get<std::string>()});
    }
  } catch (const json::exception&) {
    return bad("a field is missing or of the wrong type");
  }
  if (s.step > discharge_steps().size()) return bad("step out of range");
  return s;
}

Expected<std::optional<DischargeState>> load_discharge_state(const fs::path& state_dir) {
  fs::path p = discharge_state_path(state_dir);
  std::error_code ec;
  if (!fs::exists(p, ec)) return std::optional<DischargeState>();
  auto bytes = read_file(p, 1 << 20);
  if (!bytes) return bytes.error();
  auto s = parse_discharge_state(*bytes, p.string());
  if (!s) return s.error();
  return std::optional<DischargeState>(*s);
}

Status save_discharge_state(const fs::path& state_dir, const DischargeState& s) {
  std::error_code ec;
  fs::create_directories(state_dir, ec);
  return write_file_atomic(discharge_state_path(state_dir), discharge_state_json(s).dump(2) + "\n");
}

Status remove_discharge_state(const fs::path& state_dir) {
  std::error_code ec;
  fs::remove(discharge_state_path(state_dir), ec);
  if (ec) return make_error(ErrorKind::Io, "状態ファイルを消せません: " + ec.message(), "cannot remove the state file: " + ec.message());
  return ok_status();
}

// ---- looking at the site ----

std::string new_discharge_run_id() {
  std::random_device rd;
  std::ostringstream o;
  o << std::hex << rd() << rd();
  return o.str();
}

namespace {

struct Look {
  bool unit = false, adapter = false, reader = false;
  bool address = false;
  std::optional<std::string> other_serial;  // a different unit where ours should be
  std::string port;
  std::vector<std::string> seen;
};

Look look(Host& host, const DischargeState& s) {
  host.forget();
  PairReport rep = build_pair_report(host, usb::embedded_unit_table(), std::nullopt);
  Look l;
  const PairUnit* ours = nullptr;
  for (const auto& u : rep.units) {
    if (s.serial && u.serial == s.serial) ours = &u;
    else if (!s.serial && !s.port.empty() && u.port_path == s.port) ours = &u;
    else if (!s.port.empty() && u.port_path == s.port && u.serial) l.other_serial = u.serial;
  }
  if (!s.serial && s.port.empty() && rep.units.size() == 1) ours = &rep.units[0];
  if (!ours && l.other_serial == std::nullopt && s.serial) {
    // Plugged into another port: any unit that is not ours counts as "another unit back".
    for (const auto& u : rep.units)
      if (u.serial && u.serial != s.serial) l.other_serial = u.serial;
  }
  if (ours) {
    l.unit = true;
    l.port = ours->port_path;
    l.seen.push_back("usb: " + ours->serial.value_or("?") + " on " + ours->port_path);
    for (const auto& a : ours->adapters) {
      l.adapter = true;
      l.address = l.address || (a.enabled && !a.ipv4.empty());
      l.seen.push_back("adapter: " + a.name + (a.ipv4.empty() ? " without an IPv4 address" : " " + join(a.ipv4, ",")));
    }
    if (ours->reader) {
      l.reader = true;
      l.seen.push_back("reader: " + *ours->reader);
    } else {
      l.seen.push_back(rep.readers_known ? "reader: none for this unit" : "reader: PC/SC cannot be read");
    }
  } else {
    l.seen.push_back(s.serial ? "usb: " + *s.serial + " not seen" : "usb: no unit");
    if (l.other_serial) l.seen.push_back("usb: another unit, serial " + *l.other_serial);
    // Without the unit on USB its adapter and reader may linger a moment: look for them by name.
    if (ProbeResult a = host.probe("net.rndis.adapters"); a.known && !s.port.empty())
      for (const auto& rec : adapter_records(a))
        if (rec.port == s.port) {
          l.adapter = true;
          l.seen.push_back("adapter still there: " + rec.name);
        }
    if (s.serial)
      for (const auto& name : rep.readers)
        if (name.find(*s.serial) != std::string::npos) {
          l.reader = true;
          l.seen.push_back("reader still there: " + name);
        }
  }
  return l;
}

bool gone(const Look& l) { return !l.unit && !l.adapter && !l.reader; }

std::string mmss(double s) {
  int t = static_cast<int>(std::ceil(std::max(0.0, s)));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d:%02d", t / 60, t % 60);
  return buf;
}

}  // namespace

DischargeResult start_discharge(Host& host, const DischargeOptions& opts) {
  DischargeResult r;
  r.step_status.assign(discharge_steps().size(), "pending");
  host.forget();
  PairReport rep = build_pair_report(host, usb::embedded_unit_table(), std::nullopt);
  DischargeState& s = r.state;
  s.run_id = new_discharge_run_id();
  s.started_at = s.updated_at = opts.now;
  if (opts.serial) {
    s.serial = opts.serial;
    for (const auto& u : rep.units)
      if (u.serial == opts.serial) s.port = u.port_path;
    if (s.port.empty())
      r.warnings.push_back({"Caora " + *opts.serial + " は今USBに見えません。抜いてあるなら最初の手順は済んでいます",
                            "the unit " + *opts.serial + " is not on USB now: the first step is already done if it is unplugged"});
  } else if (rep.units.size() == 1) {
    s.serial = rep.units[0].serial;
    s.port = rep.units[0].port_path;
  } else if (rep.units.size() > 1) {
    r.status = DischargeStatus::Ambiguous;
    std::string list;
    for (const auto& u : rep.units) list += (list.empty() ? "" : ", ") + u.serial.value_or(u.port_path);
    r.message = {"Caoraが複数あります。--device でシリアル番号を指定してください: " + list,
                 "several units are connected: choose one with --device SERIAL: " + list};
    return r;
  } else if (!rep.units_known) {
    r.status = DischargeStatus::NoUnit;
    r.message = {"USBを読めないため、Caoraを確かめられません", "USB cannot be read, so the unit cannot be checked"};
    return r;
  } else {
    // QA 26: a unit that does not power on is not on USB; the one that comes back is adopted.
    r.warnings.push_back({"今USBにCaoraが見えません。USBケーブルを差す手順で戻ったCaoraを対象とします",
                          "no unit on USB now: the unit that comes back at the USB step is taken as this one"});
  }
  r.message = {"放電作業の手順です（--dry-run: 何も待ちません）", "the discharge procedure (--dry-run: nothing is waited for)"};
  return r;
}

void run_discharge(Host& host, Clock& clock, DischargeIo& io, const fs::path& state_dir, const DischargeOptions& opts,
                   DischargeResult& r) {
  const auto& steps = discharge_steps();
  DischargeState& s = r.state;
  r.step_status.assign(steps.size(), "pending");
  for (size_t i = 0; i < s.step && i < steps.size(); ++i) r.step_status[i] = "done";
  auto save = [&]() -> bool {
    s.updated_at = opts.now;
    s.warnings = r.warnings;
    Status st = save_discharge_state(state_dir, s);
    if (!st) {
      r.status = DischargeStatus::Problem;
      r.message = st.error().message;
      return false;
    }
    return true;
  };
  // --cancel from another shell removes the file; --resume elsewhere replaces the run id.
  auto still_ours = [&]() {
    auto cur = load_discharge_state(state_dir);
    return cur && *cur && (*cur)->run_id == s.run_id;
  };
  auto cancelled = [&]() {
    r.status = DischargeStatus::Cancelled;
    r.message = {"放電作業の案内を中止しました", "the discharge guide was cancelled"};
  };
  auto warn = [&](const std::string& ja, const std::string& en) {
    r.warnings.push_back({ja, en});
    io.warn({ja, en});
  };
  if (!save()) return;
  std::optional<Clock::time_point> gone_at;  // the moment the unit was seen gone (monotonic; not kept across restarts)
  Look last;
  auto watch = [&](double timeout_s, const Text& what, const std::function<bool(const Look&)>& done) {
    WatchLoop loop;
    loop.clock = &clock;
    loop.timeout_s = timeout_s;
    loop.poll_ms = opts.poll_ms;
    loop.look = [&] {
      last = look(host, s);
      r.seen = last.seen;
      return done(last);
    };
    loop.tick = [&](double remaining) {
      io.countdown(what, remaining);
      return still_ours();
    };
    return watch_until(loop);
  };
  auto timed_out = [&](size_t i, const std::string& ja, const std::string& en, double waited) {
    r.step_status[i] = "timed-out";
    r.status = DischargeStatus::TimedOut;
    r.message = {ja + "（" + mmss(waited) + " 待ちました）", en + " (waited " + mmss(waited) + ")"};
  };
  const size_t first = s.step;
  for (size_t i = s.step; i < steps.size(); ++i) {
    const DischargeStepSpec& st = steps[i];
    io.instruct(i, st);
    switch (st.check) {
      case StepCheck::UsbGone: {
        auto w = watch(opts.timeout_s, {"CaoraのUSBケーブルと電源ケーブルが抜かれるのを待っています", "waiting for the unit to be unplugged"},
                       [](const Look& l) { return gone(l); });
        if (w.end == WatchEnd::Stopped) return cancelled();
        if (w.end == WatchEnd::TimedOut)
          return timed_out(i, "CaoraがUSBから消えません", "the unit did not leave USB", w.waited_s);
        gone_at = clock.now();
        break;
      }
      case StepCheck::TimerGone: {
        if (!gone_at) {
          if (r.resumed && i == first) warn("再開したため、1分を数え直します", "resumed: the minute is counted again");
          gone_at = clock.now();
        }
        const double minute = *st.wait_s;
        while (true) {
          double left = minute - seconds_between(*gone_at, clock.now());
          Text what{"待ち時間 残り", "time left"};
          auto w = watch(std::max(0.0, left), what, [](const Look& l) { return !gone(l); });
          if (w.end == WatchEnd::Stopped) return cancelled();
          if (w.end == WatchEnd::TimedOut) break;
          // Back too early: the minute only counts while the unit is off.
          warn("Caoraが早く戻りました（" + join(last.seen, "; ") + "）。もう一度抜いてください。抜けたのを確認してから1分を数え直します",
               "the unit came back early (" + join(last.seen, "; ") + "): unplug it again; the minute restarts once it is seen gone");
          auto g = watch(opts.timeout_s, {"もう一度抜かれるのを待っています", "waiting for the unit to be unplugged again"},
                         [](const Look& l) { return gone(l); });
          if (g.end == WatchEnd::Stopped) return cancelled();
          if (g.end == WatchEnd::TimedOut)
            return timed_out(i, "Caoraが早く戻り、もう一度抜かれませんでした", "the unit came back early and was not unplugged again",
                             g.waited_s);
          gone_at = clock.now();
        }
        gone_at.reset();
        break;
      }
      case StepCheck::Person: {
        // Resumed at the restart step: the restart is what ended the last run.
        bool restarted = r.resumed && i == first && st.id == "restart";
        if (!restarted && !io.confirm(st)) {
          r.status = DischargeStatus::Stopped;
          r.message = {"中断しました。caora discharge-guide --resume でこの手順から続けます",
                       "stopped; caora discharge-guide --resume continues from this step"};
          return;
        }
        if (!still_ours()) return cancelled();
        if (st.id == "power-only") {
          // The next minute counts from here; the unit must not be on USB yet.
          last = look(host, s);
          r.seen = last.seen;
          if (!gone(last))
            warn("CaoraがUSBに見えます: USBケーブルはまだ差さないでください", "the unit is on USB: do not connect the USB cable yet");
          gone_at = clock.now();
        }
        break;
      }
      case StepCheck::UsbBack: {
        auto w = watch(opts.timeout_s, {"CaoraがUSBに戻るのを待っています", "waiting for the unit to come back on USB"},
                       [](const Look& l) { return l.unit || l.other_serial.has_value(); });
        if (w.end == WatchEnd::Stopped) return cancelled();
        if (w.end == WatchEnd::TimedOut)
          return timed_out(i, "CaoraがUSBに戻りません。ケーブルと電源を確認してください",
                           "the unit did not come back on USB: check the cable and the power", w.waited_s);
        if (!last.unit) {
          r.step_status[i] = "problem";
          r.status = DischargeStatus::Problem;
          r.message = {"別のシリアル番号のCaora（" + *last.other_serial + "）が戻りました。放電した本体（" + s.serial.value_or("?") +
                           "）のUSBケーブルを差してください",
                       "a unit with another serial number (" + *last.other_serial + ") came back, not the one discharged (" +
                           s.serial.value_or("?") + "): connect that unit's USB cable"};
          save();
          return;
        }
        s.port = last.port;
        if (!s.serial) {
          // The unit adopted at the start of a QA 26 run: keep the serial it came back with.
          host.forget();
          PairReport rep = build_pair_report(host, usb::embedded_unit_table(), std::nullopt);
          for (const auto& u : rep.units)
            if (u.port_path == s.port) s.serial = u.serial;
        }
        break;
      }
      case StepCheck::AdapterBack: {
        auto w = watch(opts.timeout_s, {"アダプターとリーダーが戻るのを待っています", "waiting for the adapter and the reader"},
                       [](const Look& l) { return l.unit && l.address && l.reader; });
        if (w.end == WatchEnd::Stopped) return cancelled();
        if (w.end == WatchEnd::TimedOut)
          return timed_out(i, "アダプター（IPv4アドレス付き）かPC/SCリーダーが戻りません",
                           "the adapter (with its IPv4 address) or the PC/SC reader did not come back", w.waited_s);
        break;
      }
    }
    r.step_status[i] = "done";
    s.step = i + 1;
    if (!save()) return;
  }
  // The end: what `caora pair` says about this unit.
  host.forget();
  PairReport rep = build_pair_report(host, usb::embedded_unit_table(), std::nullopt);
  std::vector<PairFinding> mine;
  for (const auto& f : rep.findings)
    if (!f.unit || f.unit == s.serial || f.unit == s.port) mine.push_back(f);
  rep.findings = mine;
  bool problem = rep.has_problem();
  r.pair = rep;
  r.status = problem ? DischargeStatus::Problem : DischargeStatus::Done;
  r.message = problem ? Text{"放電作業は終わりましたが、caora pair が問題を見つけました", "the discharge is done, but caora pair found a problem"}
                      : Text{"放電作業が終わり、Caoraが戻ったことを確認しました", "the discharge is done and the unit is back"};
  remove_discharge_state(state_dir);
}

json discharge_json(const DischargeResult& r) {
  json steps = json::array();
  const auto& specs = discharge_steps();
  for (size_t i = 0; i < specs.size(); ++i) {
    const auto& st = specs[i];
    steps.push_back({{"index", i + 1},
                     {"id", st.id},
                     {"instruction", {{"ja", st.instruction.ja}, {"en", st.instruction.en}}},
                     {"wait_s", st.wait_s ? json(*st.wait_s) : json(nullptr)},
                     {"check", step_check_name(st.check)},
                     {"verified", {{"ja", st.verified.ja}, {"en", st.verified.en}}},
                     {"status", i < r.step_status.size() ? r.step_status[i] : "pending"}});
  }
  const DischargeState& s = r.state;
  return {{"schema", "caora.discharge-guide/1"},
          {"status", discharge_status_name(r.status)},
          {"device", {{"serial", s.serial ? json(*s.serial) : json(nullptr)}, {"port_path", s.port.empty() ? json(nullptr) : json(s.port)}}},
          {"steps", steps},
          {"step", s.step < specs.size() ? json(specs[s.step].id) : json(nullptr)},
          {"resumed", r.resumed},
          {"seen", r.seen},
          // English strings, as the schema first gave them; warning_messages has both languages.
          {"warnings", english(r.warnings)},
          {"warning_messages", texts_json(r.warnings)},
          {"pair", r.pair ? pair_json(*r.pair) : json(nullptr)},
          {"message", {{"ja", r.message.ja}, {"en", r.message.en}}}};
}

std::string discharge_text(const DischargeResult& r, Lang lang) {
  bool ja = lang == Lang::Ja;
  std::ostringstream o;
  const DischargeState& s = r.state;
  o << (ja ? "対象: " : "unit: ") << s.serial.value_or(ja ? "（不明）" : "(unknown)");
  if (!s.port.empty()) o << " (" << s.port << ")";
  o << "\n";
  const auto& specs = discharge_steps();
  for (size_t i = 0; i < specs.size(); ++i) {
    std::string st = i < r.step_status.size() ? r.step_status[i] : "pending";
    const char* mark = st == "done" ? "✓" : st == "pending" ? " " : "✗";
    o << mark << " " << i + 1 << ". " << specs[i].instruction.in(lang);
    if (specs[i].wait_s) o << (ja ? "［" : " [") << *specs[i].wait_s << (ja ? " 秒］" : " s]");
    o << "\n     " << (ja ? "確認: " : "check: ") << specs[i].verified.in(lang) << "\n";
  }
  for (const auto& w : r.warnings) o << "! " << w.in(lang) << "\n";
  for (const auto& l : r.seen) o << (ja ? "  見えたもの: " : "  seen: ") << l << "\n";
  if (r.pair) {
    o << (ja ? "\ncaora pair の結果:\n" : "\ncaora pair's findings:\n");
    for (const auto& f : r.pair->findings) o << "  [" << f.severity << "] " << f.text.in(lang) << "\n";
  }
  const char* mark = r.status == DischargeStatus::Done ? "✓ " : r.status == DischargeStatus::Planned ? "" : "✗ ";
  o << mark << r.message.in(lang) << "\n";
  return o.str();
}

}  // namespace caora
