// One caora changing a site at a time: an OS file lock (flock on POSIX,
// LockFileEx on Windows) on `lock` in the state folder, held for the run. The
// system drops it when its holder exits, however it exits, so there is no
// stale lock to take over and no check-then-remove race; the file itself is
// never removed (a new file at the same path would be a second, unrelated
// lock). The holder's pid is written into it for the "who holds it" message
// only.
#pragma once

#include "core/fs.h"

namespace caora {

class SiteLock {
 public:
  // Fails at once (ErrorKind::Locked, naming the holder's pid) when another
  // process holds the lock.
  static Expected<SiteLock> acquire(const fs::path& state_dir);
  SiteLock(SiteLock&& other) noexcept : handle_(other.handle_) { other.handle_ = kNone; }
  SiteLock& operator=(SiteLock&&) = delete;
  SiteLock(const SiteLock&) = delete;
  ~SiteLock();

 private:
#ifdef _WIN32
  using Handle = void*;
  static constexpr Handle kNone = nullptr;
#else
  using Handle = int;
  static constexpr Handle kNone = -1;
#endif
  explicit SiteLock(Handle h) : handle_(h) {}
  Handle handle_;
};

}  // namespace caora
