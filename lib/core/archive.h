// Zip archives of folders, for removals that must stay undoable.
#pragma once

#include <ctime>
#include <functional>

#include "core/fs.h"

namespace caora {

// Writes every file under `dir` (paths relative to it) into a new zip at
// `zip_path`, then reopens the zip and checks each entry's size before
// reporting success.
Status zip_directory(const fs::path& dir, const fs::path& zip_path);
// Extracts `zip_path` into `dir` (which must not exist yet).
Status unzip_to(const fs::path& zip_path, const fs::path& dir);

// One file member of a zip, read into memory.
struct ZipEntryData {
  std::string name;
  std::time_t mtime = 0;
  std::string data;
};
// Calls `fn` for each file member of the zip at `path`, or of the zip in `bytes`
// when `path` is null (a zip inside a zip stays in memory). A member larger than
// `member_limit` is an error naming it; so is a damaged archive. With `only`,
// just the member of that name is read.
Status for_each_zip_member(const fs::path* path, const std::string* bytes, size_t member_limit,
                           const std::function<Status(ZipEntryData&)>& fn, const std::string* only = nullptr);

}  // namespace caora
