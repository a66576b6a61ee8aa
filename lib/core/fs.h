// File-system helpers that know nothing of Caora. Every write that replaces a
// file goes through write_file_atomic: a temp file in the same folder, flushed,
// then renamed over the target, so a crash never leaves a half-written file.
#pragma once

#include <filesystem>
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
Status write_file_atomic(const fs::path& path, const std::string& bytes);
Status make_dirs(const fs::path& path);
// Maps an errno value to a bilingual error naming the path.
Error errno_error(int err, const fs::path& path, const char* what_ja, const char* what_en);
Error fs_error(const std::error_code& ec, const fs::path& path, const char* what_ja, const char* what_en);
// The path as UTF-8 with forward slashes, for messages and JSON.
std::string display_path(const fs::path& path);

}  // namespace caora
