#include "core/helper_exec.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#ifndef _WIN32
#include <unistd.h>
#endif

namespace caora {

namespace {

std::optional<fs::path> self_path() {
#ifdef _WIN32
  // No helper is built for Windows; only $env_var can name one there.
  return std::nullopt;
#else
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  return p;
#endif
}

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

HelperSearch find_helper(const std::string& name, const char* env_var, const std::string& libexec_dir) {
  HelperSearch search;
  std::optional<fs::path> self = self_path();
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

Error exec_helper(const fs::path& path, const std::vector<std::string>& argv) {
#ifdef _WIN32
  (void)argv;
  return make_error(ErrorKind::Unsupported, display_path(path) + " を起動できません（Windows では未対応）",
                    "cannot start " + display_path(path) + ": not supported on Windows");
#else
  // Whatever this process buffered must come out before the helper's output.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(path.c_str(), args.data());
  return errno_error(errno, path, "起動", "start");
#endif
}

}  // namespace caora
