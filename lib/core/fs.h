// File-system helpers that know nothing of Caora. Every write that replaces a
// file goes through write_file_atomic: a temp file in the same folder, flushed,
// then renamed over the target and the folder flushed, so a crash never leaves
// a half-written file. The temp file's name carries the writer's pid
// (.NAME.caora-PID-HEX.tmp), so a later write in the same folder can tell a
// dead writer's leftover from a live one's and removes only the former.
#pragma once

#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace caora {

namespace fs = std::filesystem;

// Every input is read with a ceiling, so a wrong path (/dev/zero, a disk image)
// is a clear error instead of an exhausted memory. Site files, snapshots,
// recipes, profiles and the journal are small; images and model files get
// their own, larger ceilings from the caller.
constexpr size_t kReadLimitDefault = size_t{16} << 20;
constexpr size_t kReadLimitImage = size_t{64} << 20;
constexpr size_t kReadLimitModel = size_t{512} << 20;
Expected<std::string> read_file(const fs::path& path, size_t limit = kReadLimitDefault);
// How a written file's permissions are decided. A file that exists keeps its
// mode and owner (a rewrite that cannot keep the owner is refused); a file that
// is created takes `create_mode`, or the process default (umask) without one.
// `private_mode` forces owner-only (0600) whether the file exists or not: the
// state folder's copies of site files must not be readable by others.
struct FileMeta {
  unsigned mode = 0;  // permission bits (POSIX); 0 when unknown (Windows)
  long uid = -1, gid = -1;
};
struct WriteOptions {
  std::optional<FileMeta> create_meta;
  bool private_mode = false;
};
Status write_file_atomic(const fs::path& path, const std::string& bytes, const WriteOptions& opts = {});
// A symbolic link at `path` is written through: the bytes go to the file it
// names, and the link stays a link. This is that file (or `path` itself).
fs::path write_target(const fs::path& path);
// Mode and owner of an existing file (following links); nullopt when absent.
std::optional<FileMeta> file_meta(const fs::path& path);
// When a file was last written, as a time_t (C++17 has no file_clock → time_t);
// 0 when it cannot be read.
std::time_t modified_time(const fs::path& path);
// Removes `.*.caora-PID-HEX.tmp` files in `dir` whose writer is no longer
// running. Returns how many were removed.
int remove_stale_temp_files(const fs::path& dir);
// Flushes a folder's entry list (after a rename or a new file in it). No-op
// on Windows, where MOVEFILE_WRITE_THROUGH does it.
void sync_dir(const fs::path& dir);
// fsync(2) (_commit on Windows); true on success.
bool sync_fd(int fd);
// Whether the process with this id is running (EPERM counts as running).
bool process_alive(long pid);
long current_pid();
// Folders and files of the state folder: owner-only (0700; on Windows a
// protected DACL for SYSTEM, Administrators and the owner).
Status make_dirs(const fs::path& path);
Status make_private_dirs(const fs::path& path);
// Maps an errno value to a bilingual error naming the path.
Error errno_error(int err, const fs::path& path, const char* what_ja, const char* what_en);
Error fs_error(const std::error_code& ec, const fs::path& path, const char* what_ja, const char* what_en);
// The path as UTF-8 with forward slashes, for messages and JSON.
std::string display_path(const fs::path& path);

}  // namespace caora
