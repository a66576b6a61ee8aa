// One caora changing a site at a time: an exclusive lock file in the state
// folder holding the owner's pid. A lock left by a process that no longer
// exists is taken over.
#pragma once

#include "core/fs.h"

namespace caora {

class SiteLock {
 public:
  static Expected<SiteLock> acquire(const fs::path& state_dir);
  SiteLock(SiteLock&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  SiteLock& operator=(SiteLock&&) = delete;
  SiteLock(const SiteLock&) = delete;
  ~SiteLock();

 private:
  explicit SiteLock(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

}  // namespace caora
