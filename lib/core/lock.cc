#include "core/lock.h"

#include <fcntl.h>

#include <cerrno>
#include <cstdio>
#include <string>

#ifdef _WIN32
#include <io.h>
#include <process.h>
#include <windows.h>
#else
#include <signal.h>
#include <unistd.h>
#endif

#include "core/state.h"
#include "core/strings.h"

namespace caora {

static long current_pid() {
#ifdef _WIN32
  return static_cast<long>(_getpid());
#else
  return static_cast<long>(getpid());
#endif
}

static bool process_alive(long pid) {
  if (pid <= 0) return false;
#ifdef _WIN32
  HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(pid));
  if (h == nullptr) return GetLastError() == ERROR_ACCESS_DENIED;
  DWORD code = 0;
  bool alive = GetExitCodeProcess(h, &code) && code == STILL_ACTIVE;
  CloseHandle(h);
  return alive;
#else
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
#endif
}

Expected<SiteLock> SiteLock::acquire(const fs::path& state_dir) {
  Status dirs = make_dirs(state_dir);
  if (!dirs) return dirs.error();
  fs::path path = state_dir / "lock";
  for (int attempt = 0; attempt < 2; ++attempt) {
#ifdef _WIN32
    int fd = _open(path.string().c_str(), _O_CREAT | _O_EXCL | _O_WRONLY, 0644);
#else
    int fd = open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
#endif
    if (fd >= 0) {
      std::string content = std::to_string(current_pid()) + " " + now_iso8601() + "\n";
#ifdef _WIN32
      bool ok = _write(fd, content.data(), static_cast<unsigned>(content.size())) == static_cast<int>(content.size());
      _close(fd);
#else
      bool ok = write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
      close(fd);
#endif
      if (!ok) return errno_error(errno, path, "ロックファイルを書き込み", "write the lock file");
      return SiteLock(path);
    }
    if (errno != EEXIST) return errno_error(errno, path, "ロックファイルを作成", "create the lock file");
    auto held = read_file(path);
    std::string owner = held ? trim(*held) : std::string();
    long pid = std::atol(owner.c_str());
    if (process_alive(pid)) {
      return make_error(ErrorKind::Locked,
                        "別の caora（pid " + std::to_string(pid) + "）がこの端末を変更中です。終わるのを待ってから再実行してください。ロック: " + display_path(path),
                        "another caora (pid " + std::to_string(pid) + ") is changing this terminal; wait for it to finish and run again. Lock: " + display_path(path));
    }
    // The owner is gone: the lock is stale.
    std::remove(path.string().c_str());
  }
  return make_error(ErrorKind::Locked, "ロックを取得できません: " + display_path(path), "cannot take the lock " + display_path(path));
}

SiteLock::~SiteLock() {
  if (!path_.empty()) std::remove(path_.string().c_str());
}

}  // namespace caora
