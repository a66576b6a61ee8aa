#include "core/helper_exec.h"

#include "core/process.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#ifdef _WIN32
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace caora {

namespace {

bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return false;
#ifdef _WIN32
  return true;
#else
  return ::access(p.c_str(), X_OK) == 0;
#endif
}

}  // namespace

std::optional<fs::path> this_executable() {
#ifdef _WIN32
  std::wstring buf(MAX_PATH, L'\0');
  for (;;) {
    DWORD n = GetModuleFileNameW(nullptr, buf.data(), DWORD(buf.size()));
    if (n == 0) return std::nullopt;
    if (n < buf.size()) return fs::path(buf.substr(0, n));
    buf.resize(buf.size() * 2);  // a long path: the name was cut short
  }
#else
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  return p;
#endif
}

HelperSearch find_helper(const std::string& name, const char* env_var, const std::string& libexec_dir) {
  HelperSearch search;
  std::optional<fs::path> self = this_executable();
  auto is_self = [&](const fs::path& p) {
    std::error_code ec;
    return self && fs::equivalent(p, *self, ec);
  };
  auto consider = [&](const fs::path& p) {
    search.tried.push_back(p);
    if (!search.found && is_executable_file(p) && !is_self(p)) search.found = p;
  };
  const char* from_env = env_var ? std::getenv(env_var) : nullptr;
  if (from_env && *from_env) {
    consider(fs::u8path(from_env));
    return search;
  }
  if (!self) return search;
  fs::path dir = self->parent_path();
  consider(dir / name);
  if (!search.found) consider((dir / ".." / "libexec" / libexec_dir / name).lexically_normal());
  return search;
}

Expected<int> run_helper(const fs::path& path, const std::vector<std::string>& argv) {
  // Whatever this process buffered must come out before the helper's output.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
#ifdef _WIN32
  // Windows has no exec: the helper runs as a child on this console, with this
  // process's standard handles, and its exit code becomes this one's. It gets this
  // process's own command line, so its arguments arrive exactly as typed (argv
  // here went through the ANSI code page).
  (void)argv;
  return run_attached(path, GetCommandLineW());
#else
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(path.c_str(), args.data());
  return errno_error(errno, path, "起動", "start");
#endif
}

}  // namespace caora
