#include "core/lock.h"

#include <cerrno>
#include <string>

#ifdef _WIN32
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#endif

#include "core/state.h"
#include "core/strings.h"

namespace caora {

static Error held_by(const std::string& owner, const fs::path& path) {
  long pid = std::atol(owner.c_str());
  std::string who_ja = pid > 0 ? "別の caora（pid " + std::to_string(pid) + "）" : "別の caora";
  std::string who_en = pid > 0 ? "another caora (pid " + std::to_string(pid) + ")" : "another caora";
  return make_error(ErrorKind::Locked,
                    who_ja + "がこの端末を変更中です。終わるのを待ってから再実行してください。ロック: " + display_path(path),
                    who_en + " is changing this terminal; wait for it to finish and run again. Lock: " + display_path(path));
}

#ifdef _WIN32
// The lock is one byte far past the pid, so others can still read the pid
// (a locked range cannot be read through another handle).
static constexpr DWORD kLockOffsetHigh = 0x7FFFFFFF;

Expected<SiteLock> SiteLock::acquire(const fs::path& state_dir) {
  Status dirs = make_private_dirs(state_dir);
  if (!dirs) return dirs.error();
  fs::path path = state_dir / "lock";
  HANDLE h = CreateFileW(path.c_str(), GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                         nullptr, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (h == INVALID_HANDLE_VALUE)
    return errno_error(GetLastError() == ERROR_ACCESS_DENIED ? EACCES : EIO, path, "ロックファイルを開く", "open the lock file");
  OVERLAPPED ov{};
  ov.OffsetHigh = kLockOffsetHigh;
  if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov)) {
    CloseHandle(h);
    auto owner = read_file(path);
    return held_by(owner ? trim(*owner) : std::string(), path);
  }
  std::string content = std::to_string(current_pid()) + " " + now_iso8601() + "\n";
  SetFilePointer(h, 0, nullptr, FILE_BEGIN);
  DWORD written = 0;
  (void)WriteFile(h, content.data(), static_cast<DWORD>(content.size()), &written, nullptr);
  SetEndOfFile(h);
  return SiteLock(h);
}

SiteLock::~SiteLock() {
  if (handle_ == kNone) return;
  // Closing the handle releases the lock; the file stays for the next run.
  CloseHandle(static_cast<HANDLE>(handle_));
}
#else
Expected<SiteLock> SiteLock::acquire(const fs::path& state_dir) {
  Status dirs = make_private_dirs(state_dir);
  if (!dirs) return dirs.error();
  fs::path path = state_dir / "lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return errno_error(errno, path, "ロックファイルを開く", "open the lock file");
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    close(fd);
    if (err != EWOULDBLOCK) return errno_error(err, path, "ロックを取得", "lock");
    // The holder writes its pid after taking the lock: an empty file here is
    // a holder that has not written yet, still a holder.
    auto owner = read_file(path);
    return held_by(owner ? trim(*owner) : std::string(), path);
  }
  // What an earlier holder wrote is only a message; it is replaced.
  std::string content = std::to_string(current_pid()) + " " + now_iso8601() + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, content.data(), content.size(), 0) != static_cast<ssize_t>(content.size())) {
    int err = errno;
    close(fd);
    return errno_error(err, path, "ロックファイルを書き込み", "write the lock file");
  }
  return SiteLock(fd);
}

SiteLock::~SiteLock() {
  if (handle_ == kNone) return;
  // Only the owner gets here, and closing drops only its own lock. The file
  // stays: removing it would let a newcomer lock a new file while a waiter
  // holds the old one.
  close(handle_);
}
#endif

}  // namespace caora
