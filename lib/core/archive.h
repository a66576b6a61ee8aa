// Zip archives of folders, for removals that must stay undoable.
#pragma once

#include "core/fs.h"

namespace caora {

// Writes every file under `dir` (paths relative to it) into a new zip at
// `zip_path`, then reopens the zip and checks each entry's size before
// reporting success.
Status zip_directory(const fs::path& dir, const fs::path& zip_path);
// Extracts `zip_path` into `dir` (which must not exist yet).
Status unzip_to(const fs::path& zip_path, const fs::path& dir);

}  // namespace caora
