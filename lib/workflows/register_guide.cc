#include "workflows/register_guide.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/strings.h"
#include "workflows/pairing.h"

namespace caora {

using nlohmann::json;

const char* guide_check_name(GuideCheck c) {
  switch (c) {
    case GuideCheck::UnitVisible: return "unit-visible";
    case GuideCheck::ConnectionInfo: return "connection-info";
    case GuideCheck::AppRunning: return "application-running";
    case GuideCheck::UnitReady: return "adapter-and-reader";
    case GuideCheck::Person: return "person";
  }
  return "?";
}

const char* guide_status_name(GuideStatus s) {
  switch (s) {
    case GuideStatus::Planned: return "planned";
    case GuideStatus::Refused: return "refused";
    case GuideStatus::Done: return "done";
    case GuideStatus::Problem: return "problem";
    case GuideStatus::TimedOut: return "timed-out";
    case GuideStatus::Stopped: return "stopped";
    case GuideStatus::NoUnit: return "no-unit";
    case GuideStatus::Ambiguous: return "ambiguous";
  }
  return "?";
}

std::vector<GuideStep> registration_steps(const GuideRequest& req) {
  const Text env = env_label(req.env);
  const std::string apps = join(req.app_processes, ", ");
  // The vendor's steps (non-error QA 8, 9, 11, 16 and 17), in the project's words.
  return {
      {"open-tool",
       {"資格確認端末で、" + env.ja + "に接続した状態のままログイン名管理ツールを開き、「最新の情報に更新」を押してください。"
            "「どのログイン名にも登録されていないCaora」が表示され、「新規追加」が押せることを確かめます",
        "On the terminal, connected to the " + env.en + ", open the login-name tool and press 「最新の情報に更新」 (refresh). "
            "It should list a unit that no login name holds yet, and 「新規追加」 (add) should be enabled"},
       GuideCheck::UnitVisible,
       {"CaoraがUSBに見え、ネットワークアダプターがあること（ないと「新規追加」が押せません: QA 8, 9）",
        "the unit is on USB with its network adapter (without it 「新規追加」 stays greyed out: QA 8, 9)"}},
      {"add-and-register",
       {"「新規追加」を押し、ログインID " + req.account + "、そのパスワード、カードリーダー名 " + req.reader +
            " を入力して「登録」を押してください。パスワードはこのツールにだけ入力し、caora のコマンドラインには書きません",
        "Press 「新規追加」 (add), enter login ID " + req.account + ", its password and reader name " + req.reader +
            ", then press 「登録」 (register). Type the password into the tool only, never on caora's command line"},
       GuideCheck::ConnectionInfo,
       {env.ja + "の接続情報に、このCaoraの " + req.account + " と " + req.reader + " が書かれたこと",
        "the " + env.en + "'s connection info for this unit holds " + req.account + " and " + req.reader}},
      {"start-batch",
       {"「スタート」→「本人認証用カードリーダーソフト」→「起動バッチ」を実行してください（QA 16: 実行しないとCaoraは「接続を待っています」のままです）",
        "Run Start → 「本人認証用カードリーダーソフト」 (reader software) → 「起動バッチ」 (start batch) "
            "(QA 16: without it the unit stays at 「接続を待っています」)"},
       GuideCheck::AppRunning,
       {"アプリケーションのプログラムが動いていること（" + apps + "。プログラム名は caora の想定: サイトプロファイル \"application\"）",
        "the application's program is running (" + apps + "; the names are caora's assumption: site profile \"application\")"}},
      {"management-start",
       {"タスクトレイの「Caora管理ツール」を開き、「最新の情報に更新」を押して「シリアルNo.」が表示されたら「起動」を押してください（QA 11, 17）",
        "Open 「Caora管理ツール」 (the management tool) in the task tray, press 「最新の情報に更新」 (refresh) and, once the "
            "serial number shows, press 「起動」 (start) (QA 11, 17)"},
       GuideCheck::UnitReady,
       {"CaoraのネットワークアダプターにIPv4アドレスがあり、PC/SCリーダーが見えること",
        "the unit's network adapter has its IPv4 address and its PC/SC reader is visible"}},
      {"start-screen",
       {"Caora本体の画面に「スタート」が表示されたことを確かめてください", "Check that the unit's screen shows 「スタート」 (start)"},
       GuideCheck::Person,
       {"作業者が確認（Caoraの画面は端末からは見えません）", "confirmed by the person (the terminal cannot see the unit's screen)"}},
  };
}

namespace {

struct UnitLook {
  bool unit = false, adapter = false, address = false, reader = false;
  std::vector<std::string> seen;
};

UnitLook look_unit(Host& host, const std::string& serial) {
  host.forget();
  PairReport rep = build_pair_report(host, usb::embedded_unit_table(), std::nullopt);
  UnitLook l;
  for (const auto& u : rep.units) {
    if (u.serial != serial) continue;
    l.unit = true;
    l.seen.push_back("usb: " + serial + " on " + u.port_path);
    for (const auto& a : u.adapters) {
      l.adapter = true;
      l.address = l.address || (a.enabled && !a.ipv4.empty());
      l.seen.push_back("adapter: " + a.name + (a.enabled ? "" : " (disabled)") +
                       (a.ipv4.empty() ? " without an IPv4 address" : " " + join(a.ipv4, ",")));
    }
    if (u.adapters.empty()) l.seen.push_back(rep.adapters_known ? "adapter: none for this unit" : "adapter: cannot be read");
    if (u.reader) {
      l.reader = true;
      l.seen.push_back("reader: " + *u.reader);
    } else {
      l.seen.push_back(rep.readers_known ? "reader: none for this unit" : "reader: PC/SC cannot be read");
    }
  }
  if (!l.unit) l.seen.push_back(rep.units_known ? "usb: " + serial + " not seen" : "usb: cannot be read");
  return l;
}

// How long a wait took, to the nearest second (the loop's last look lands a
// poll after the deadline, which ceil would make a second more than asked).
std::string mmss(double s) {
  int t = static_cast<int>(std::lround(std::max(0.0, s)));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%d:%02d", t / 60, t % 60);
  return buf;
}

}  // namespace

GuideResult start_registration_guide(Host& host, const GuideRequest& req) {
  GuideResult r;
  r.step_status.assign(registration_steps(req).size(), "pending");
  host.forget();
  PairReport rep = build_pair_report(host, usb::embedded_unit_table(), std::nullopt);
  if (req.serial) {
    r.serial = req.serial;
    bool there = std::any_of(rep.units.begin(), rep.units.end(), [&](const PairUnit& u) { return u.serial == req.serial; });
    if (!there)
      r.warnings.push_back({"Caora " + *req.serial + " は今USBに見えません。最初の手順でつながるのを待ちます",
                            "unit " + *req.serial + " is not on USB now: the first step waits for it"});
  } else if (rep.units.size() == 1 && rep.units[0].serial) {
    r.serial = rep.units[0].serial;
  } else if (rep.units.size() > 1) {
    r.status = GuideStatus::Ambiguous;
    std::string list;
    for (const auto& u : rep.units) list += (list.empty() ? "" : ", ") + u.serial.value_or(u.port_path);
    r.message = {"Caoraが複数あります。--device でシリアル番号を指定してください: " + list,
                 "several units are connected: choose one with --device SERIAL: " + list};
    return r;
  } else {
    r.status = GuideStatus::NoUnit;
    r.message = rep.units.empty()
                    ? (rep.units_known ? Text{"USBにCaoraが見えません。つないでから、または --device でシリアル番号を指定して実行してください",
                                              "no unit on USB: connect it, or name it with --device SERIAL"}
                                       : Text{"USBを読めないため、Caoraを確かめられません。--device でシリアル番号を指定してください",
                                              "USB cannot be read, so the unit cannot be found: name it with --device SERIAL"})
                    : Text{"Caoraのシリアル番号が読めません。--device で指定してください",
                           "the unit's serial number cannot be read: name it with --device SERIAL"};
    return r;
  }
  r.message = {"登録の手順です", "the registration procedure"};
  return r;
}

void run_registration_guide(Host& host, Clock& clock, GuideIo& io, const GuideRequest& req, const GuideOptions& opts,
                            const std::function<ConnectionSeen(const std::string& serial)>& connection, GuideResult& r) {
  const auto steps = registration_steps(req);
  const std::string serial = r.serial.value_or("");
  r.step_status.assign(steps.size(), "pending");
  auto watch = [&](const Text& what, const std::function<bool()>& look) {
    WatchLoop loop;
    loop.clock = &clock;
    loop.timeout_s = opts.timeout_s;
    loop.poll_ms = opts.poll_ms;
    loop.look = look;
    loop.tick = [&](double remaining) {
      io.countdown(what, remaining);
      return true;
    };
    return watch_until(loop);
  };
  auto end = [&](size_t i, GuideStatus status, const char* step_status, Text message) {
    r.step_status[i] = step_status;
    r.status = status;
    r.message = std::move(message);
  };
  for (size_t i = 0; i < steps.size(); ++i) {
    const GuideStep& st = steps[i];
    io.instruct(i, st);
    switch (st.check) {
      case GuideCheck::UnitVisible: {
        auto w = watch({"CaoraがUSBとネットワークアダプターに見えるのを待っています", "waiting for the unit on USB with its adapter"}, [&] {
          UnitLook l = look_unit(host, serial);
          r.seen = l.seen;
          return l.unit && l.adapter;
        });
        if (w.end == WatchEnd::TimedOut)
          return end(i, GuideStatus::TimedOut, "timed-out",
                     {"CaoraかそのネットワークアダプターがUSBに見えません（" + mmss(w.waited_s) +
                          " 待ちました）。このままでは「新規追加」が押せません: caora diagnose qa-08",
                      "the unit or its network adapter is not seen (waited " + mmss(w.waited_s) +
                          "): 「新規追加」 stays greyed out like this; see caora diagnose qa-08"});
        break;
      }
      case GuideCheck::ConnectionInfo: {
        ConnectionSeen last;
        auto w = watch({"接続情報が書かれるのを待っています", "waiting for the connection info"}, [&] {
          last = connection(serial);
          r.seen.clear();
          if (last.problem) r.seen.push_back("connection info: " + *last.problem);
          else if (!last.found) r.seen.push_back("connection info: none for " + serial + " in the " + env_name(req.env) + " environment");
          else r.seen.push_back("connection info: " + last.account + " / " + last.reader + " in " + last.path);
          return last.found && last.account == req.account && last.reader == req.reader;
        });
        if (w.end == WatchEnd::TimedOut) {
          if (last.found)
            return end(i, GuideStatus::TimedOut, "timed-out",
                       {"接続情報は書かれましたが、内容が違います（" + last.account + " / " + last.reader + "。" + mmss(w.waited_s) +
                            " 待ちました）。入力したログインIDとカードリーダー名を確かめてください",
                        "connection info was written, but with other values (" + last.account + " / " + last.reader + "; waited " +
                            mmss(w.waited_s) + "): check the login ID and reader name typed into the tool"});
          return end(i, GuideStatus::TimedOut, "timed-out",
                     {"接続情報が書かれません（" + mmss(w.waited_s) +
                          " 待ちました）。ログイン名管理ツールに出たエラー（906 など）があれば caora diagnose で調べてください",
                      "no connection info was written (waited " + mmss(w.waited_s) +
                          "): if the login-name tool showed an error (906 …), look it up with caora diagnose"});
        }
        if (last.password_matches == false)
          return end(i, GuideStatus::Problem, "problem",
                     {"接続情報のパスワードが、入力されたものと一致しません。このままではログインに失敗します（905: パスワード誤り）",
                      "the connection info's password is not the one given: logging in will fail (905: wrong password)"});
        if (!last.password_matches)
          r.seen.push_back("password: not checked");
        else
          r.seen.push_back("password: matches");
        break;
      }
      case GuideCheck::AppRunning: {
        auto w = watch({"アプリケーションが起動するのを待っています", "waiting for the application to start"}, [&] {
          host.forget();
          ProbeResult p = host.probe("host.processes");
          r.seen.clear();
          if (!p.known) {
            r.seen.push_back("processes: cannot be read (" + p.reason.en + ")");
            return false;
          }
          for (const auto& name : req.app_processes)
            for (const auto& running : p.value)
              if (running.is_string() && to_lower_ascii(running.get<std::string>()) == to_lower_ascii(name)) {
                r.seen.push_back("running: " + running.get<std::string>());
                return true;
              }
          r.seen.push_back("running: none of " + join(req.app_processes, ", "));
          return false;
        });
        if (w.end == WatchEnd::TimedOut)
          return end(i, GuideStatus::TimedOut, "timed-out",
                     {"アプリケーションが起動しません（" + mmss(w.waited_s) + " 待ちました）。「起動バッチ」を実行したか確かめてください",
                      "the application did not start (waited " + mmss(w.waited_s) + "): check that 「起動バッチ」 was run"});
        break;
      }
      case GuideCheck::UnitReady: {
        auto w = watch({"アダプターとリーダーを待っています", "waiting for the adapter and the reader"}, [&] {
          UnitLook l = look_unit(host, serial);
          r.seen = l.seen;
          return l.unit && l.address && l.reader;
        });
        if (w.end == WatchEnd::TimedOut)
          return end(i, GuideStatus::TimedOut, "timed-out",
                     {"アダプター（IPv4アドレス付き）かPC/SCリーダーが見えません（" + mmss(w.waited_s) + " 待ちました）。caora pair で確かめてください",
                      "the adapter (with its IPv4 address) or the PC/SC reader is not seen (waited " + mmss(w.waited_s) +
                          "): check with caora pair"});
        break;
      }
      case GuideCheck::Person: {
        if (!io.confirm(st))
          return end(i, GuideStatus::Stopped, "stopped",
                     {"中断しました。Caoraの画面が「スタート」にならないときは caora diagnose qa-17",
                      "stopped; if the unit's screen does not show 「スタート」, see caora diagnose qa-17"});
        break;
      }
    }
    r.step_status[i] = "done";
  }
  r.status = GuideStatus::Done;
  r.message = {"登録が終わり、各手順を確認しました", "the registration is done and each step was checked"};
}

json guide_steps_json(const GuideRequest& req, const GuideResult& r) {
  json steps = json::array();
  auto specs = registration_steps(req);
  for (size_t i = 0; i < specs.size(); ++i)
    steps.push_back({{"index", i + 1},
                     {"id", specs[i].id},
                     {"instruction", {{"ja", specs[i].instruction.ja}, {"en", specs[i].instruction.en}}},
                     {"check", guide_check_name(specs[i].check)},
                     {"verified", {{"ja", specs[i].verified.ja}, {"en", specs[i].verified.en}}},
                     {"status", i < r.step_status.size() ? r.step_status[i] : "pending"}});
  return steps;
}

std::string guide_text(const GuideRequest& req, const GuideResult& r, Lang lang) {
  bool ja = lang == Lang::Ja;
  std::ostringstream o;
  o << (ja ? "対象: " : "unit: ") << r.serial.value_or(ja ? "（不明）" : "(unknown)") << "  " << req.account << " ↔ " << req.reader
    << " (" << env_label(req.env).in(lang) << ")\n";
  auto specs = registration_steps(req);
  for (size_t i = 0; i < specs.size(); ++i) {
    std::string st = i < r.step_status.size() ? r.step_status[i] : "pending";
    const char* mark = st == "done" ? "✓" : st == "pending" ? " " : "✗";
    o << mark << " " << i + 1 << ". " << specs[i].instruction.in(lang) << "\n     " << (ja ? "確認: " : "check: ")
      << specs[i].verified.in(lang) << "\n";
  }
  for (const auto& w : r.warnings) o << "! " << w.in(lang) << "\n";
  for (const auto& l : r.seen) o << (ja ? "  見えたもの: " : "  seen: ") << l << "\n";
  const char* mark = r.status == GuideStatus::Done ? "✓ " : r.status == GuideStatus::Planned ? "" : "✗ ";
  o << mark << r.message.in(lang) << "\n";
  return o.str();
}

}  // namespace caora
