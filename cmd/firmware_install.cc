// caora firmware install: the guided, checked install (lib/workflows/firmware_install).
#include <cstdlib>
#include <iostream>

#include "cmd/context.h"
#include "cmd/guide_console.h"
#include "core/process.h"
#include "core/state.h"
#include "diag/consent.h"
#include "workflows/firmware.h"
#include "workflows/firmware_install.h"

namespace caora {

namespace {

int exit_for(InstallStatus s) {
  switch (s) {
    case InstallStatus::Done: return kExitOk;
    case InstallStatus::Refused: return kExitProblem;
    case InstallStatus::Problem: return kExitProblem;
    case InstallStatus::NeedsRestart: return kExitTechnician;
    case InstallStatus::RestartScheduled: return kExitTechnician;
    case InstallStatus::Stopped: return kExitTechnician;
    case InstallStatus::TimedOut: return kExitTimeout;
    case InstallStatus::NotBack: return kExitTimeout;
  }
  return kExitInternal;
}

}  // namespace

int run_firmware_install(Context& ctx, const std::string& component, const std::optional<std::string>& file, bool reboot,
                         bool resume, bool allow_downgrade, int timeout) {
  Lang lang = ctx.lang();
  fs::path state_dir = ctx.state();
  if (resume && file)
    return ctx.fail(make_error(ErrorKind::Usage, "--resume は記録されたファイルで続けます（ファイルは不要です）",
                               "--resume continues with the recorded file (no file is taken)"));
  auto cached = load_cached_manifest(state_dir);
  if (!cached) return ctx.fail(cached.error());
  auto site = ctx.open();
  if (!site) return ctx.fail(site.error());
  std::shared_ptr<FileSite> file_site;
  if (site->root) file_site = std::make_shared<FileSite>(*site->root, site->profile);

  TerminalInteraction interaction(lang, ctx.json);
  bool interactive = interaction.interactive();
  // Running an installer changes the terminal: consent first, then the site lock.
  auto lock = confirm_then_lock(interaction, ctx.yes, state_dir,
                                {"カードリーダーソフト／ファームウェアのインストール手順を始めます", "Start the guided install of the reader software / firmware"},
                                {file ? "run " + *file : "guide the restart and wait for " + component}, "the install");
  if (!lock) return ctx.fail(lock.error());

  SteadyClock clock(clock_scale_from_env());
  ConsoleStepIo<InstallStepSpec> io(lang, interactive && !ctx.yes, !ctx.json && interactive, kPromptDone);
  Journal journal(state_dir);
  InstallParts parts;
  parts.host = site->host.get();
  parts.clock = &clock;
  parts.io = &io;
  parts.journal = &journal;
  parts.state_dir = state_dir;
#ifdef _WIN32
  parts.installer = [](const fs::path& f) { return run_program(f, {}, true); };
#else
  parts.installer = [](const fs::path& f) { return run_program(f, {}, false); };
#endif
  if (file_site)
    parts.unit_versions = [file_site]() {
      std::vector<std::pair<std::string, std::optional<std::string>>> out;
      file_site->forget();
      if (auto units = file_site->unit_firmware())
        for (const auto& u : *units) out.emplace_back(u.serial, u.version);
      return out;
    };
  InstallRequest req;
  req.component = component;
  if (file) req.file = fs::u8path(*file);
  req.reboot = reboot;
  req.resume = resume;
  req.allow_downgrade = allow_downgrade;
  req.timeout_s = timeout;
  req.now = now_iso8601();
  InstallResult r = run_firmware_install(parts, *cached, req);
  io.end_line();

  HistoryEntry h;
  h.action = "install";
  h.component = component;
  h.before = r.state.before_version;
  h.after = r.installed_after.value_or(r.status == InstallStatus::Done ? r.state.target_version : "");
  h.outcome = install_status_name(r.status);
  h.detail = r.message.en;
  if (Status hs = append_history(state_dir, h); !hs) std::cerr << hs.error().message.in(lang) << "\n";

  int code = exit_for(r.status);
  if (ctx.json) {
    ctx.print_json(r.to_json());
    return code;
  }
  std::string text = (r.status == InstallStatus::Done ? "✓ " : r.status == InstallStatus::Refused || r.status == InstallStatus::Problem ? "✗ " : "! ") +
                     r.message.in(lang) + "\n";
  for (const auto& s : r.seen) text += "    " + s + "\n";
  if (r.state.installer_exit) text += (lang == Lang::Ja ? "    インストーラーの終了コード: " : "    installer exit code: ") + std::to_string(*r.state.installer_exit) + "\n";
  ctx.out(text);
  return code;
}

}  // namespace caora
