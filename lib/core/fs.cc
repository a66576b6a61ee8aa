#include "core/fs.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#ifdef _WIN32
#include <io.h>
#include <windows.h>
#define caora_fsync _commit
#define caora_fileno _fileno
#else
#include <unistd.h>
#define caora_fsync fsync
#define caora_fileno fileno
#endif

namespace caora {

// Paths are opened by their wide name on Windows: the narrow one goes through
// the ANSI code page, which cannot hold every name (a Japanese folder on an
// English system).
static FILE* open_path(const fs::path& path, const char* mode) {
#ifdef _WIN32
  std::wstring m(mode, mode + std::strlen(mode));
  return _wfopen(path.c_str(), m.c_str());
#else
  return std::fopen(path.c_str(), mode);
#endif
}

static void remove_path(const fs::path& path) {
  std::error_code ec;
  fs::remove(path, ec);
}

std::string display_path(const fs::path& path) { return path.generic_u8string(); }

Error errno_error(int err, const fs::path& path, const char* what_ja, const char* what_en) {
  ErrorKind kind = ErrorKind::Io;
  if (err == ENOENT || err == ENOTDIR) kind = ErrorKind::NotFound;
  if (err == EACCES || err == EPERM || err == EROFS) kind = ErrorKind::Permission;
  std::string p = display_path(path);
  std::string reason = kind == ErrorKind::Permission ? std::string("access denied (") + std::strerror(err) + ")"
                                                    : std::strerror(err);
  const char* ja_reason = kind == ErrorKind::NotFound     ? "見つかりません"
                          : kind == ErrorKind::Permission ? "アクセスが拒否されました"
                                                          : "入出力エラー";
  return make_error(kind, std::string(what_ja) + "できません: " + p + "（" + ja_reason + "）",
                    std::string("cannot ") + what_en + " " + p + ": " + reason);
}

Error fs_error(const std::error_code& ec, const fs::path& path, const char* what_ja, const char* what_en) {
  return errno_error(ec.value(), path, what_ja, what_en);
}

static Error too_large(const fs::path& path, size_t limit) {
  std::string p = display_path(path), mib = std::to_string(limit >> 20) + " MiB";
  return make_error(ErrorKind::Parse, "ファイルが大きすぎます: " + p + "（上限 " + mib + "）",
                    "file too large: " + p + " (the limit is " + mib + ")");
}

Expected<std::string> read_file(const fs::path& path, size_t limit) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return errno_error(EISDIR, path, "読み込み", "read");
  // A regular file says its size up front; a device or pipe is read up to the limit.
  if (fs::is_regular_file(path, ec)) {
    auto size = fs::file_size(path, ec);
    if (!ec && size > limit) return too_large(path, limit);
  }
  FILE* f = open_path(path, "rb");
  if (f == nullptr) return errno_error(errno, path, "読み込み", "read");
  std::string bytes;
  char buf[65536];
  size_t n;
  bool over = false;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (bytes.size() + n > limit) {
      over = true;
      break;
    }
    bytes.append(buf, n);
  }
  bool failed = std::ferror(f) != 0;
  int err = errno;
  std::fclose(f);
  if (over) return too_large(path, limit);
  if (failed) return errno_error(err, path, "読み込み", "read");
  return bytes;
}

Status make_dirs(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return fs_error(ec, path, "フォルダを作成", "create folder");
  return ok_status();
}

Status write_file_atomic(const fs::path& path, const std::string& bytes) {
  static std::mt19937_64 rng(std::random_device{}());
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  std::ostringstream name;
  name << "." << path.filename().u8string() << ".caora-" << std::hex << rng() << ".tmp";
  fs::path tmp = dir / fs::u8path(name.str());
  FILE* f = open_path(tmp, "wb");
  if (f == nullptr) return errno_error(errno, path, "書き込み", "write");
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = ok && std::fflush(f) == 0 && caora_fsync(caora_fileno(f)) == 0;
  int err = errno;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    remove_path(tmp);
    return errno_error(err ? err : EIO, path, "書き込み", "write");
  }
#ifdef _WIN32
  // Replaces the target in one step, as rename(2) does on POSIX.
  if (!MoveFileExW(tmp.c_str(), path.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    DWORD e = GetLastError();
    remove_path(tmp);
    return errno_error(e == ERROR_ACCESS_DENIED ? EACCES : e == ERROR_PATH_NOT_FOUND ? ENOENT : EIO, path, "書き込み", "write");
  }
#else
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    remove_path(tmp);
    return fs_error(ec, path, "書き込み", "write");
  }
#endif
  return ok_status();
}

}  // namespace caora
