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

Status for_each_zip_member(const fs::path* path, const std::string* bytes, size_t member_limit,
                           const std::function<Status(ZipEntryData&)>& fn, const std::string* only) {
  std::string label = path ? display_path(*path) : std::string("(zip in memory)");
  zip_t* z = nullptr;
  if (path) {
    int err = 0;
    z = zip_open(path->string().c_str(), ZIP_RDONLY, &err);
    if (z == nullptr) {
      zip_error_t ze;
      zip_error_init_with_code(&ze, err);
      std::string why = zip_error_strerror(&ze);
      zip_error_fini(&ze);
      return zip_failure(*path, why);
    }
  } else {
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t* src = zip_source_buffer_create(bytes->data(), bytes->size(), 0, &ze);
    if (src) z = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (z == nullptr) {
      std::string why = zip_error_strerror(&ze);
      zip_error_fini(&ze);
      if (src) zip_source_free(src);
      return zip_failure(fs::u8path(label), why);
    }
    zip_error_fini(&ze);
  }
  zip_int64_t n = zip_get_num_entries(z, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    if (zip_stat_index(z, zip_uint64_t(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) continue;
    ZipEntryData e;
    e.name = st.name;
    if (!e.name.empty() && e.name.back() == '/') continue;
    if (only && e.name != *only) continue;
    e.mtime = (st.valid & ZIP_STAT_MTIME) ? st.mtime : 0;
    if ((st.valid & ZIP_STAT_SIZE) && st.size > member_limit) {
      zip_discard(z);
      return zip_failure(fs::u8path(label), e.name + ": member too large (" + std::to_string(st.size) + " bytes)");
    }
    zip_file_t* f = zip_fopen_index(z, zip_uint64_t(i), 0);
    if (f == nullptr) {
      std::string why = zip_strerror(z);
      zip_discard(z);
      return zip_failure(fs::u8path(label), e.name + ": " + why);
    }
    e.data.resize((st.valid & ZIP_STAT_SIZE) ? size_t(st.size) : 0);
    zip_int64_t got = e.data.empty() ? 0 : zip_fread(f, e.data.data(), e.data.size());
    zip_fclose(f);
    if (got < 0 || size_t(got) != e.data.size()) {
      zip_discard(z);
      return zip_failure(fs::u8path(label), e.name + ": read failed");
    }
    Status s = fn(e);
    if (!s) {
      zip_discard(z);
      return s;
    }
  }
  zip_discard(z);
  return ok_status();
}

}  // namespace caora
