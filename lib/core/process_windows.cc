// run_process() over CreateProcessW: a command line quoted as the C runtime
// parses it, stdout and stderr through pipes drained by two threads.
#include "core/process.h"

#include <windows.h>
#include <shellapi.h>

#include <chrono>
#include <thread>

namespace caora {

namespace {

std::wstring widen(const std::string& s) {
  int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), int(s.size()), nullptr, 0);
  std::wstring w(size_t(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, s.data(), int(s.size()), w.data(), n);
  return w;
}

std::wstring quote(const std::wstring& a) {
  if (!a.empty() && a.find_first_of(L" \t\"") == std::wstring::npos) return a;
  std::wstring q = L"\"";
  size_t slashes = 0;
  for (wchar_t c : a) {
    if (c == L'\\') { ++slashes; continue; }
    if (c == L'"') q.append(slashes * 2 + 1, L'\\');
    else q.append(slashes, L'\\');
    slashes = 0;
    q.push_back(c);
  }
  q.append(slashes * 2, L'\\');
  return q + L"\"";
}

void drain(HANDLE h, std::string* dst, size_t cap, bool* truncated) {
  char buf[65536];
  DWORD n = 0;
  while (ReadFile(h, buf, sizeof buf, &n, nullptr) && n > 0) {
    if (dst->size() < cap) dst->append(buf, std::min<size_t>(n, cap - dst->size()));
    else if (truncated) *truncated = true;
  }
}

}  // namespace

Expected<ProcessResult> run_process(const std::vector<std::string>& argv, double timeout_seconds, size_t out_cap) {
  if (argv.empty()) return make_error(ErrorKind::Internal, "コマンドがありません", "no command");
  SECURITY_ATTRIBUTES sa{sizeof sa, nullptr, TRUE};
  HANDLE out_r, out_w, err_r, err_w;
  if (!CreatePipe(&out_r, &out_w, &sa, 0) || !CreatePipe(&err_r, &err_w, &sa, 0))
    return make_error(ErrorKind::Io, "パイプを作成できません", "cannot create a pipe");
  SetHandleInformation(out_r, HANDLE_FLAG_INHERIT, 0);
  SetHandleInformation(err_r, HANDLE_FLAG_INHERIT, 0);
  std::wstring cmd;
  for (const auto& a : argv) cmd += (cmd.empty() ? L"" : L" ") + quote(widen(a));
  STARTUPINFOW si{};
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdOutput = out_w;
  si.hStdError = err_w;
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  PROCESS_INFORMATION pi{};
  BOOL ok = CreateProcessW(nullptr, cmd.data(), nullptr, nullptr, TRUE, CREATE_NO_WINDOW, nullptr, nullptr, &si, &pi);
  CloseHandle(out_w);
  CloseHandle(err_w);
  if (!ok) {
    CloseHandle(out_r);
    CloseHandle(err_r);
    return make_error(ErrorKind::NotFound, argv[0] + " を起動できません", "cannot start " + argv[0]);
  }
  ProcessResult r;
  std::thread t1(drain, out_r, &r.out, out_cap, &r.truncated);
  std::thread t2(drain, err_r, &r.err, size_t(65536), nullptr);
  DWORD wait = WaitForSingleObject(pi.hProcess, DWORD(timeout_seconds * 1000));
  if (wait == WAIT_TIMEOUT) {
    r.timed_out = true;
    TerminateProcess(pi.hProcess, 1);
    WaitForSingleObject(pi.hProcess, 5000);
  }
  DWORD code = 0;
  GetExitCodeProcess(pi.hProcess, &code);
  r.exit_code = int(code);
  t1.join();
  t2.join();
  CloseHandle(out_r);
  CloseHandle(err_r);
  CloseHandle(pi.hProcess);
  CloseHandle(pi.hThread);
  return r;
}

// The installer: run through the shell so that "runas" asks for administrator
// rights, as double-clicking it would.
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

Expected<int> run_attached(const fs::path& program, const std::wstring& command_line) {
  std::wstring cmd = command_line;  // CreateProcessW may write into it
  STARTUPINFOW si{};
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
  si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
  si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
  PROCESS_INFORMATION pi{};
  std::wstring app = program.wstring();
  if (!CreateProcessW(app.c_str(), cmd.data(), nullptr, nullptr, TRUE, 0, nullptr, nullptr, &si, &pi)) {
    DWORD err = GetLastError();
    return make_error(ErrorKind::Io, "起動できません（エラー " + std::to_string(err) + "）: " + display_path(program),
                      "cannot start (error " + std::to_string(err) + "): " + display_path(program));
  }
  // Ctrl+C reaches both on a shared console: the child stops as it would alone,
  // and this process stays to pass its exit code on.
  SetConsoleCtrlHandler(nullptr, TRUE);
  WaitForSingleObject(pi.hProcess, INFINITE);
  SetConsoleCtrlHandler(nullptr, FALSE);
  DWORD code = 0;
  BOOL got = GetExitCodeProcess(pi.hProcess, &code);
  CloseHandle(pi.hProcess);
  CloseHandle(pi.hThread);
  if (!got) return make_error(ErrorKind::Io, "終了コードを読めません", "cannot read the exit code");
  return static_cast<int>(code);
}

}  // namespace caora
