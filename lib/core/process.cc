#include "core/process.h"

#ifdef _WIN32
#include <windows.h>
#include <shellapi.h>
#else
#include <cerrno>
#include <spawn.h>
#include <sys/wait.h>
extern char** environ;
#endif

namespace caora {

#ifdef _WIN32

namespace {
std::wstring widen(const std::string& s) {
  if (s.empty()) return {};
  int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring w(static_cast<size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
  return w;
}
}  // namespace

Expected<int> run_program(const fs::path& program, const std::vector<std::string>& args, bool elevated) {
  std::wstring params;
  for (const auto& a : args) params += (params.empty() ? L"\"" : L" \"") + widen(a) + L"\"";
  std::wstring file = program.wstring();
  SHELLEXECUTEINFOW info{};
  info.cbSize = sizeof info;
  info.fMask = SEE_MASK_NOCLOSEPROCESS | SEE_MASK_NOASYNC;
  info.lpVerb = elevated ? L"runas" : L"open";
  info.lpFile = file.c_str();
  info.lpParameters = params.empty() ? nullptr : params.c_str();
  info.nShow = SW_SHOWNORMAL;
  if (!ShellExecuteExW(&info) || info.hProcess == nullptr) {
    DWORD err = GetLastError();
    if (err == ERROR_CANCELLED)
      return make_error(ErrorKind::Permission, "管理者権限の確認が取り消されました: " + display_path(program),
                        "the administrator prompt was cancelled: " + display_path(program));
    return make_error(ErrorKind::Io, "起動できません（エラー " + std::to_string(err) + "）: " + display_path(program),
                      "cannot start (error " + std::to_string(err) + "): " + display_path(program));
  }
  WaitForSingleObject(info.hProcess, INFINITE);
  DWORD code = 0;
  BOOL got = GetExitCodeProcess(info.hProcess, &code);
  CloseHandle(info.hProcess);
  if (!got) return make_error(ErrorKind::Io, "終了コードを読めません", "cannot read the exit code");
  return static_cast<int>(code);
}

#else

Expected<int> run_program(const fs::path& program, const std::vector<std::string>& args, bool) {
  std::vector<std::string> argv_s = {program.string()};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv_s[0].c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0) return errno_error(rc, program, "起動できません", "cannot start");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return errno_error(errno, program, "終了を待てません", "cannot wait for");
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

#endif

}  // namespace caora
