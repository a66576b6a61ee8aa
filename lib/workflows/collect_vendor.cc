#include "workflows/collect_vendor.h"

#include <algorithm>
#include <chrono>
#include <fstream>

#include "core/strings.h"
#include "host/version.h"

namespace caora {

namespace {

const nlohmann::json* section(const nlohmann::json& profile, const char* name) {
  if (!profile.is_object() || !profile.contains(name) || !profile[name].is_object()) return nullptr;
  return &profile[name];
}

std::string probed_version(const nlohmann::json& snapshot) {
  if (!snapshot.is_object() || !snapshot.contains("probes")) return {};
  const auto& probes = snapshot["probes"];
  if (!probes.contains("site.reader_software.version")) return {};
  const auto& p = probes["site.reader_software.version"];
  if (!p.value("known", false) || !p.contains("value") || !p["value"].is_string()) return {};
  return p["value"].get<std::string>();
}

// The management tool's steps, as QA 29 gives them for 1.6.0.0 and later.
std::vector<Text> guide_steps() {
  return {
      {"Caora管理ツールを起動します。", "Start the Caora management tool (Caora管理ツール)."},
      {"左上の「最新の情報に更新」を押し、「シリアルNo.」が表示されることを確認します（表示されないときは USB ケーブルを確かめてからもう一度）。",
       "Press 「最新の情報に更新」 (refresh) at the top left and check that the unit's 「シリアルNo.」 (serial number) shows "
       "(if it does not, check the USB cable and refresh again)."},
      {"状態が「停止中」であることを確認します。「稼働中」なら中段の「終了」を押します。",
       "Check that the state is 「停止中」 (stopped); if it is 「稼働中」 (running), press 「終了」 (stop) in the middle."},
      {"下段の「ログ収集」を押します。「停止中のCaoraに対しn分後に自動的に起動を試みます。」にチェックがあると n 分後に稼働中に戻るので、その前に押してください。",
       "Press 「ログ収集」 (collect logs) at the bottom. If 「停止中のCaoraに対しn分後に自動的に起動を試みます。」 is ticked, the unit "
       "starts again after n minutes: press it before then."},
  };
}

}  // namespace

std::vector<std::string> vendor_command(const fs::path& shortcut) {
  std::string ext = to_lower_ascii(shortcut.extension().u8string());
  std::string p = shortcut.u8string();
  // `start /wait` hands the shortcut to the shell, which resolves its target as a double-click would.
  if (ext == ".lnk") return {"cmd.exe", "/d", "/c", "start", "", "/wait", p};
  if (ext == ".bat" || ext == ".cmd") return {"cmd.exe", "/d", "/c", p};
  return {p};
}

VendorPlan plan_vendor_collect(const nlohmann::json& snapshot, const nlohmann::json& profile, const fs::path& root) {
  VendorPlan plan;
  plan.version = probed_version(snapshot);
  plan.zip_name = "CaoraLogCollect.zip";
  std::vector<std::string> dirs = {"OnlineAuthApp/App/Execute/logManualCollect", "OnlineAuthApp/App/Execute/LogManualCollect"};
  // QA 29 names the shortcut and its folder; the file name's .lnk is Windows' own for a shortcut.
  std::string shortcut = "OnlineAuthApp/App/Execute/bin/ログ手動収集.lnk";
  if (const auto* s = section(profile, "vendor_log_collect")) {
    if (s->contains("file") && (*s)["file"].is_string()) plan.zip_name = (*s)["file"].get<std::string>();
    if (s->contains("dirs") && (*s)["dirs"].is_array()) {
      dirs.clear();
      for (const auto& d : (*s)["dirs"])
        if (d.is_string()) dirs.push_back(d.get<std::string>());
    }
    if (s->contains("shortcut") && (*s)["shortcut"].is_string()) shortcut = (*s)["shortcut"].get<std::string>();
    plan.shortcut_assumed = s->value("shortcut_assumed", true);
  }
  for (const auto& d : dirs) plan.dirs.push_back(root / fs::u8path(d));
  plan.shortcut = root / fs::u8path(shortcut);

  // QA 29's dividing line; a version that does not read as the reader
  // software's counts as unknown.
  std::optional<int> vs_1_6;
  if (auto v = Version::parse(plan.version); v.ok())
    vs_1_6 = v->compare_in(VersionFamily::ReaderSoftware, *Version::parse("1.6.0.0"));
  std::error_code ec;
  bool older = vs_1_6 && *vs_1_6 < 0;
  if (older || (!vs_1_6 && fs::is_regular_file(plan.shortcut, ec))) {
    plan.mode = VendorMode::Run;
    plan.argv = vendor_command(plan.shortcut);
    plan.steps = {{"Caora管理ツールが起動していれば「受付終了」で終了してください（QA 29）。",
                   "If the Caora management tool is open, close it with 「受付終了」 first (QA 29)."}};
  } else {
    plan.mode = VendorMode::Guide;
    plan.steps = guide_steps();
  }
  return plan;
}

bool zip_looks_complete(const fs::path& p) {
  std::ifstream in(p, std::ios::binary | std::ios::ate);
  if (!in) return false;
  std::streamoff size = in.tellg();
  if (size < 22) return false;
  // The record is 22 bytes plus a comment of at most 64 KiB, at the very end.
  std::streamoff span = std::min<std::streamoff>(size, 22 + 65535);
  std::string tail(size_t(span), '\0');
  in.seekg(size - span);
  if (!in.read(&tail[0], span)) return false;
  for (size_t i = tail.size() - 22 + 1; i-- > 0;) {
    if (tail.compare(i, 4, "PK\x05\x06") != 0) continue;
    size_t comment = size_t(uint8_t(tail[i + 20])) | size_t(uint8_t(tail[i + 21])) << 8;
    if (i + 22 + comment == tail.size()) return true;
  }
  return false;
}


VendorWaitResult wait_for_vendor_zip(const VendorPlan& plan, const VendorWait& w) {
  VendorWaitResult r;
  Clock& clock = *w.clock;
  struct Seen {
    fs::path path;
    uint64_t size = 0;
    std::time_t mtime = 0;
    Clock::time_point since;
  };
  std::optional<Seen> last;
  WatchLoop loop;
  loop.clock = w.clock;
  loop.timeout_s = w.timeout_s;
  loop.poll_ms = w.poll_ms;
  loop.look = [&]() -> bool {
    std::optional<Seen> now;
    for (const auto& d : plan.dirs) {
      fs::path p = d / fs::u8path(plan.zip_name);
      std::time_t t = modified_time(p);
      if (t == 0 || t < w.started) continue;
      std::error_code ec;
      uint64_t size = fs::file_size(p, ec);
      if (ec) continue;
      if (!now || t > now->mtime) now = Seen{p, size, t, clock.now()};
    }
    if (!now) {
      last.reset();
      return false;
    }
    r.partial_zip = now->path;
    if (!last || last->path != now->path || last->size != now->size || last->mtime != now->mtime) {
      last = now;
      return false;
    }
    if (seconds_between(last->since, clock.now()) < w.settle_s) return false;
    if (!zip_looks_complete(now->path)) return false;
    r.zip = now->path;
    return true;
  };
  loop.tick = [&](double remaining) {
    if (w.failed) {
      if (auto e = w.failed()) {
        r.error = *e;
        return false;
      }
    }
    double waited = w.timeout_s - remaining;
    return !w.tick || w.tick(remaining, waited, last ? last->size : 0);
  };
  WatchResult wr = watch_until(loop);
  r.end = wr.end;
  r.waited_s = wr.waited_s;
  if (r.end == WatchEnd::Seen) r.partial_zip.reset();
  return r;
}

}  // namespace caora
