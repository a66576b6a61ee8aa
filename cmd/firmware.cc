// caora firmware status | refresh | download | history | install: the
// versions on the terminal against the vendor's minimums and a signed
// manifest, fetched and checked before anything is kept.
#include <cstdio>
#include <ctime>
#include <iostream>

#include "cmd/context.h"
#include "core/state.h"
#include "host/install_root/file_site.h"
#include "workflows/firmware.h"
#include "workflows/firmware_install.h"

#ifdef _WIN32
#include <io.h>
#define caora_fw_isatty(fd) _isatty(fd)
#else
#include <unistd.h>
#define caora_fw_isatty(fd) isatty(fd)
#endif

namespace caora {

namespace {

struct FirmwareOpts {
  std::string action;
  std::optional<std::string> manifest_url, trust_key, cacert, component, out_dir, file;
  bool reboot = false, resume = false, allow_downgrade = false;
  int timeout = 600;
};

const char* kDefaultManifestUrlEnv = "CAORA_FIRMWARE_MANIFEST_URL";

HttpsOptions https_options(const FirmwareOpts& o, bool progress) {
  HttpsOptions h;
  if (o.cacert) h.cacert = fs::u8path(*o.cacert);
  if (progress) {
    bool tty = caora_fw_isatty(2);
    auto last = std::make_shared<int>(-1);
    h.progress = [tty, last](uint64_t have, uint64_t total) {
      if (total == 0) return;
      int pct = static_cast<int>(have * 100 / total);
      if (pct == *last) return;
      if (tty) {
        int bar = pct / 4;
        std::fprintf(stderr, "\r[%-25s] %3d%% %llu/%llu", std::string(static_cast<size_t>(bar), '#').c_str(), pct,
                     static_cast<unsigned long long>(have), static_cast<unsigned long long>(total));
        if (have == total) std::fprintf(stderr, "\n");
      } else if (*last < 0 || pct / 25 != *last / 25) {
        // Without a terminal: a line at each quarter, not a flood.
        std::fprintf(stderr, "%3d%% %llu/%llu\n", pct, static_cast<unsigned long long>(have),
                     static_cast<unsigned long long>(total));
      }
      *last = pct;
    };
  }
  return h;
}

const char* verdict_mark(const std::string& v) {
  if (v == "ok") return "✓";
  if (v == "below-minimum" || v == "revoked") return "✗";
  if (v == "outdated") return "!";
  return "?";
}

int run_status(Context& ctx, const FirmwareOpts&) {
  Lang lang = ctx.lang();
  bool ja = lang == Lang::Ja;
  auto cached = load_cached_manifest(ctx.state());
  if (!cached) return ctx.fail(cached.error());
  auto site = ctx.open();
  if (!site) return ctx.fail(site.error());
  UnitFirmwareSource units;
  if (site->root)
    units = [root = *site->root, profile = site->profile]() -> Expected<std::vector<UnitFirmwareRow>> {
      FileSite file_site(root, profile);
      TRY_ASSIGN(auto list, file_site.unit_firmware());
      std::vector<UnitFirmwareRow> rows;
      for (const auto& u : list) rows.push_back({u.serial, u.file, file_site.firmware_ini_key(), u.version});
      return rows;
    };
  FirmwareStatus st = firmware_status(*site->host, units, *cached);
  int code = st.problem() ? kExitProblem : kExitOk;
  if (ctx.json) {
    ctx.print_json(st.to_json());
    return code;
  }
  std::string text;
  if (st.manifest)
    text += (ja ? "マニフェスト: manifest_version " : "Manifest: manifest_version ") + std::to_string(st.manifest->manifest_version) +
            (ja ? "（発行 " : " (issued ") + st.manifest->issued_at + (ja ? "、期限 " : ", expires ") + st.manifest->expires + ")\n";
  else
    text += (ja ? "マニフェスト: " : "Manifest: ") + st.manifest_note.in(lang) + "\n";
  for (const auto& c : st.checks) {
    text += std::string("  ") + verdict_mark(c.verdict) + " " + c.component + (c.unit.empty() ? "" : " [" + c.unit + "]") + ": " +
            c.installed.value_or(ja ? "（不明）" : "(unknown)");
    if (c.min_safe) text += (ja ? "  最低 " : "  minimum ") + *c.min_safe;
    if (c.newest) text += (ja ? "  最新 " : "  newest ") + *c.newest;
    text += "  " + c.verdict + "\n";
    if (!c.note.en.empty()) text += "      " + c.note.in(lang) + "\n";
  }
  ctx.out(text);
  return code;
}

int run_refresh(Context& ctx, const FirmwareOpts& o) {
  Lang lang = ctx.lang();
  std::optional<std::string> url = o.manifest_url;
  if (const char* env = std::getenv(kDefaultManifestUrlEnv); !url && env && *env) url = env;
  if (!url)
    return ctx.fail(make_error(ErrorKind::Usage, "--manifest-url（または CAORA_FIRMWARE_MANIFEST_URL）が必要です。既定の配布元は組み込んでいません",
                               "--manifest-url (or CAORA_FIRMWARE_MANIFEST_URL) is needed: no publisher is built in"));
  RefreshRequest req;
  req.url = *url;
  if (o.trust_key) req.trust_key = fs::u8path(*o.trust_key);
  req.https = https_options(o, false);
  req.now_s = static_cast<int64_t>(std::time(nullptr));
  RefreshResult r = refresh_manifest(ctx.state(), req);
  HistoryEntry h;
  h.action = "refresh";
  h.component = "manifest";
  h.before = r.cached_version ? std::to_string(*r.cached_version) : "";
  h.after = r.accepted ? std::to_string(*r.new_version) : h.before;
  h.outcome = r.accepted ? (r.unchanged ? "unchanged" : "accepted") : "refused:" + r.refusal;
  h.detail = r.accepted ? *url : r.reason.en;
  Status hs = append_history(ctx.state(), h);
  if (!hs) std::cerr << hs.error().message.in(lang) << "\n";
  int code = r.accepted ? kExitOk : r.refusal == "plain-http" ? kExitUsage : kExitProblem;
  if (ctx.json) {
    nlohmann::json j = r.to_json();
    j["schema"] = "caora.firmware-refresh/1";
    j["url"] = *url;
    ctx.print_json(j);
    return code;
  }
  if (!r.accepted) {
    std::cerr << "caora: " << (lang == Lang::Ja ? "マニフェストを受け付けません: " : "manifest refused: ") << r.reason.in(lang) << "\n";
    return code;
  }
  bool ja = lang == Lang::Ja;
  ctx.out(r.unchanged ? (ja ? "✓ キャッシュ済みのマニフェストと同じです（署名を再確認しました）: manifest_version "
                            : "✓ the same manifest as cached (signature checked again): manifest_version ") +
                            std::to_string(*r.new_version) + "\n"
                      : (ja ? "✓ マニフェストを受け付けました: manifest_version " : "✓ manifest accepted: manifest_version ") +
                            std::to_string(*r.new_version) + (ja ? "（鍵 " : " (key ") + r.key_id + ")\n");
  return code;
}

int run_download(Context& ctx, const FirmwareOpts& o) {
  Lang lang = ctx.lang();
  DownloadRequest req;
  if (o.component) req.component = *o.component;
  req.out_dir = o.out_dir ? fs::u8path(*o.out_dir) : fs::current_path();
  req.https = https_options(o, true);
  auto r = download_component(ctx.state(), req);
  HistoryEntry h;
  h.action = "download";
  h.component = req.component;
  if (r) {
    h.after = r->version;
    h.outcome = "ok";
    h.detail = r->file;
  } else {
    h.outcome = "failed";
    h.detail = r.error().message.en;
  }
  Status hs = append_history(ctx.state(), h);
  if (!hs) std::cerr << hs.error().message.in(lang) << "\n";
  if (!r) {
    Error e = r.error();
    if (e.kind == ErrorKind::Permission || e.kind == ErrorKind::Io) {
      // A mismatch or a stopped transfer is a problem found, not an internal error.
      std::cerr << "caora: " << e.message.in(lang) << "\n";
      if (ctx.json) ctx.print_json(error_json(e, kExitProblem));
      return kExitProblem;
    }
    return ctx.fail(e);
  }
  if (ctx.json) {
    ctx.print_json({{"schema", "caora.firmware-download/1"}, {"component", r->component}, {"version", r->version},
                    {"url", r->url}, {"file", r->file}, {"sha256", r->sha256}, {"length", r->length},
                    {"resumed", r->resumed}, {"resumed_from", r->resumed_from}});
    return kExitOk;
  }
  bool ja = lang == Lang::Ja;
  ctx.out((ja ? "✓ " : "✓ ") + r->component + " " + r->version + ": " + r->file + (ja ? "（長さと sha256 を確認済み）" : " (length and sha256 checked)") +
          (r->resumed ? (ja ? "、" + std::to_string(r->resumed_from) + " バイトから再開" : ", resumed from byte " + std::to_string(r->resumed_from)) : "") +
          "\n");
  return kExitOk;
}

int run_history(Context& ctx, const FirmwareOpts&) {
  auto list = read_history(ctx.state());
  if (!list) return ctx.fail(list.error());
  if (ctx.json) {
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& e : *list) entries.push_back(e.to_json());
    ctx.print_json({{"schema", "caora.firmware-history/1"}, {"entries", entries}});
    return kExitOk;
  }
  bool ja = ctx.lang() == Lang::Ja;
  std::string text;
  if (list->empty()) text = ja ? "履歴はありません\n" : "No history\n";
  for (const auto& e : *list)
    text += e.time + "  " + e.action + "  " + e.component + "  " + (e.before.empty() ? "-" : e.before) + " → " +
            (e.after.empty() ? "-" : e.after) + "  " + e.outcome + (e.detail.empty() ? "" : "  " + e.detail) + "\n";
  ctx.out(text);
  return kExitOk;
}

}  // namespace

int run_firmware_install(Context& ctx, const std::string& component, const std::optional<std::string>& file, bool reboot,
                         bool resume, bool allow_downgrade, int timeout);

void setup_firmware(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<FirmwareOpts>();
  app.add_option("action", o->action,
                 ctx.tr("status（版の確認）、refresh（署名付きマニフェストの取得）、download（検証付きダウンロード）、history（履歴）、install（手順を確認しながらインストール）",
                        "status (versions), refresh (the signed manifest), download (verified), history, or install (a guided, checked install)"))
      ->required()
      ->check(CLI::IsMember({"status", "refresh", "download", "history", "install"}));
  app.add_option("file", o->file, ctx.tr("install: インストーラー（download で検証したファイル）", "install: the installer (a file download verified)"))
      ->check(utf8_text());
  app.add_option("--manifest-url", o->manifest_url, ctx.tr("refresh: マニフェストの https:// URL（署名は URL.minisig）", "refresh: the manifest's https:// URL (its signature at URL.minisig)"))
      ->check(utf8_text());
  app.add_option("--trust-key", o->trust_key, ctx.tr("refresh: 信頼する minisign 公開鍵ファイル（既定: 状態フォルダの trusted-keys/）", "refresh: the minisign public key file to trust (default: the state folder's trusted-keys/)"))
      ->check(utf8_text());
  app.add_option("--cacert", o->cacert, ctx.tr("refresh/download: 信頼する CA 証明書（PEM）。検証は無効にできません", "refresh/download: the CA certificates (PEM) to trust; verification is never turned off"))
      ->check(utf8_text());
  app.add_option("--component", o->component, ctx.tr("download/install: reader-software（既定）か firmware", "download/install: reader-software (default) or firmware"))
      ->check(CLI::IsMember({"reader-software", "firmware"}));
  app.add_option("-o,--output-dir", o->out_dir, ctx.tr("download: 保存先フォルダ（既定: 現在のフォルダ）", "download: the folder to save into (default: the current folder)"))
      ->check(utf8_text());
  app.add_flag("--reboot", o->reboot, ctx.tr("install: 端末の再起動を予約する（なければ再起動を案内するだけ）", "install: schedule the terminal's restart (without it, the restart is only asked for)"));
  app.add_flag("--resume", o->resume, ctx.tr("install: 再起動後に続ける", "install: continue after the restart"));
  app.add_flag("--allow-downgrade", o->allow_downgrade, ctx.tr("install: 古い版へのインストールを許す", "install: allow installing an older version"));
  app.add_option("--timeout", o->timeout, ctx.tr("install: 各待ちの上限（秒、既定 600）", "install: the limit of each wait in seconds (default 600)"))
      ->check(CLI::Range(1, 86400));
  app.callback([&ctx, o] {
    ctx.run = [&ctx, o]() -> int {
      if (o->action != "install" && o->file)
        return ctx.fail(make_error(ErrorKind::Usage, "ファイルを取るのは install だけです", "only install takes a file"));
      if (o->action == "status") return run_status(ctx, *o);
      if (o->action == "refresh") return run_refresh(ctx, *o);
      if (o->action == "download") return run_download(ctx, *o);
      if (o->action == "history") return run_history(ctx, *o);
      return run_firmware_install(ctx, o->component.value_or("reader-software"), o->file, o->reboot, o->resume,
                                  o->allow_downgrade, o->timeout);
    };
  });
}

}  // namespace caora
