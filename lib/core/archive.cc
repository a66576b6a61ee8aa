#include "core/archive.h"

#include <zip.h>

#include <map>

namespace caora {

static Error zip_failure(const fs::path& p, const std::string& why) {
  return make_error(ErrorKind::Io, "アーカイブを作成・展開できません: " + display_path(p) + "（" + why + "）",
                    "archive failed for " + display_path(p) + ": " + why);
}

Status zip_directory(const fs::path& dir, const fs::path& zip_path) {
  std::map<std::string, uintmax_t> expected;
  int err = 0;
  zip_t* z = zip_open(zip_path.string().c_str(), ZIP_CREATE | ZIP_EXCL, &err);
  if (z == nullptr) {
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    std::string why = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    return zip_failure(zip_path, why);
  }
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::string rel = fs::relative(it->path(), dir).generic_u8string();
    if (it->is_directory()) {
      zip_dir_add(z, rel.c_str(), ZIP_FL_ENC_UTF_8);
      continue;
    }
    if (!it->is_regular_file()) continue;
    zip_source_t* src = zip_source_file(z, it->path().string().c_str(), 0, -1);
    if (src == nullptr || zip_file_add(z, rel.c_str(), src, ZIP_FL_ENC_UTF_8) < 0) {
      if (src) zip_source_free(src);
      std::string why = zip_strerror(z);
      zip_discard(z);
      return zip_failure(it->path(), why);
    }
    expected[rel] = it->file_size();
  }
  if (ec) {
    zip_discard(z);
    return fs_error(ec, dir, "フォルダを読み込み", "read folder");
  }
  if (zip_close(z) != 0) {
    std::string why = zip_strerror(z);
    zip_discard(z);
    return zip_failure(zip_path, why);
  }
  // Reopen and compare before anyone deletes the originals.
  z = zip_open(zip_path.string().c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err);
  if (z == nullptr) return zip_failure(zip_path, "verification open failed");
  size_t files = 0;
  for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i) {
    zip_stat_t st;
    if (zip_stat_index(z, i, 0, &st) != 0) continue;
    std::string name = st.name;
    if (!name.empty() && name.back() == '/') continue;
    auto it = expected.find(name);
    if (it == expected.end() || it->second != st.size) {
      zip_close(z);
      return zip_failure(zip_path, "entry " + name + " does not match");
    }
    ++files;
  }
  zip_close(z);
  if (files != expected.size()) return zip_failure(zip_path, "entry count does not match");
  return ok_status();
}

Status unzip_to(const fs::path& zip_path, const fs::path& dir) {
  int err = 0;
  zip_t* z = zip_open(zip_path.string().c_str(), ZIP_RDONLY, &err);
  if (z == nullptr) return zip_failure(zip_path, "open failed");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    zip_close(z);
    return fs_error(ec, dir, "フォルダを作成", "create folder");
  }
  for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i) {
    zip_stat_t st;
    if (zip_stat_index(z, i, 0, &st) != 0) continue;
    std::string name = st.name;
    // Entries were written by zip_directory; still refuse anything escaping `dir`.
    if (name.find("..") != std::string::npos || (!name.empty() && name[0] == '/')) continue;
    fs::path target = dir / fs::u8path(name);
    if (!name.empty() && name.back() == '/') {
      fs::create_directories(target, ec);
      continue;
    }
    fs::create_directories(target.parent_path(), ec);
    zip_file_t* f = zip_fopen_index(z, i, 0);
    if (f == nullptr) {
      zip_close(z);
      return zip_failure(zip_path, "cannot read " + name);
    }
    std::string bytes(st.size, '\0');
    zip_int64_t got = st.size ? zip_fread(f, &bytes[0], st.size) : 0;
    zip_fclose(f);
    if (got != static_cast<zip_int64_t>(st.size)) {
      zip_close(z);
      return zip_failure(zip_path, "short read of " + name);
    }
    Status w = write_file_atomic(target, bytes);
    if (!w) {
      zip_close(z);
      return w;
    }
  }
  zip_close(z);
  return ok_status();
}

}  // namespace caora
