#include "core/fs.h"

#include <cctype>
#include <chrono>
#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#ifdef _WIN32
#include <io.h>
#include <process.h>
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
#define caora_fsync _commit
#define caora_fileno _fileno
#else
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
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

#ifdef _WIN32
// The state folder holds copies of site files: only SYSTEM, Administrators and
// the folder's owner, inherited by what is created in it. Best effort: a file
// system without ACLs keeps its own rules.
static void restrict_to_admins_and_owner(const fs::path& path) {
  PSECURITY_DESCRIPTOR sd = nullptr;
  if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FA;;;OW)",
                                                            SDDL_REVISION_1, &sd, nullptr))
    return;
  BOOL present = FALSE, defaulted = FALSE;
  PACL dacl = nullptr;
  if (GetSecurityDescriptorDacl(sd, &present, &dacl, &defaulted) && present) {
    std::wstring name = path.wstring();
    (void)SetNamedSecurityInfoW(&name[0], SE_FILE_OBJECT, DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                nullptr, nullptr, dacl, nullptr);
  }
  LocalFree(sd);
}
#endif

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
  uintmax_t expected = 0;
  if (fs::is_regular_file(path, ec)) {
    auto size = fs::file_size(path, ec);
    if (!ec && size > limit) return too_large(path, limit);
    if (!ec) expected = size;
  }
  FILE* f = open_path(path, "rb");
  if (f == nullptr) return errno_error(errno, path, "読み込み", "read");
  std::string bytes;
  // A file of known size is read straight into its place: for a 100 MB model, growing
  // the string chunk by chunk copied it about three times over (a good part of loading it).
  if (expected > 0) {
    bytes.resize(size_t(expected));
    bytes.resize(std::fread(&bytes[0], 1, bytes.size(), f));
  }
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

Status make_private_dirs(const fs::path& path) {
  Status made = make_dirs(path);
  if (!made) return made;
#ifdef _WIN32
  restrict_to_admins_and_owner(path);
#else
  struct stat st {};
  // Only a folder we own is narrowed: chmod on someone else's would fail anyway.
  if (stat(path.c_str(), &st) == 0 && st.st_uid == geteuid() && (st.st_mode & 0777) != 0700) {
    if (chmod(path.c_str(), 0700) != 0) return errno_error(errno, path, "フォルダの権限を変更", "restrict the folder's permissions on");
  }
#endif
  return ok_status();
}

long current_pid() {
#ifdef _WIN32
  return static_cast<long>(_getpid());
#else
  return static_cast<long>(getpid());
#endif
}

bool process_alive(long pid) {
  if (pid <= 0) return false;
#ifdef _WIN32
  HANDLE h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(pid));
  if (h == nullptr) return GetLastError() == ERROR_ACCESS_DENIED;
  DWORD code = 0;
  bool alive = GetExitCodeProcess(h, &code) && code == STILL_ACTIVE;
  CloseHandle(h);
  return alive;
#else
  return kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
#endif
}

// The benchmark's comparison (bench/journal_fsync.sh) turns the flushes off to
// measure what they cost; nothing else sets this.
static bool sync_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("CAORA_BENCH_NO_FSYNC");
    return !(v && *v == '1');
  }();
  return enabled;
}

bool sync_fd(int fd) { return !sync_enabled() || caora_fsync(fd) == 0; }

void sync_dir(const fs::path& dir) {
#ifndef _WIN32
  if (!sync_enabled()) return;
  int fd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)fsync(fd);
  close(fd);
#else
  (void)dir;
#endif
}

fs::path write_target(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_symlink(path, ec)) return path;
  fs::path resolved = fs::weakly_canonical(path, ec);
  return ec ? path : resolved;
}

std::optional<FileMeta> file_meta(const fs::path& path) {
#ifdef _WIN32
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  return FileMeta{};
#else
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileMeta{static_cast<unsigned>(st.st_mode & 07777), static_cast<long>(st.st_uid), static_cast<long>(st.st_gid)};
#endif
}

std::time_t modified_time(const fs::path& path) {
#ifdef _WIN32
  // The offset between the file clock and the system clock now converts one to the other.
  std::error_code ec;
  auto ft = fs::last_write_time(path, ec);
  if (ec) return 0;
  auto age = std::chrono::duration_cast<std::chrono::seconds>(fs::file_time_type::clock::now() - ft).count();
  return std::time(nullptr) - std::time_t(age);
#else
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) return 0;
  return st.st_mtime;
#endif
}

// ".NAME.caora-PID-HEX.tmp" → PID, else 0.
static long temp_file_pid(const std::string& name) {
  if (name.size() < 6 || name[0] != '.' || name.compare(name.size() - 4, 4, ".tmp") != 0) return 0;
  size_t at = name.rfind(".caora-");
  if (at == std::string::npos) return 0;
  size_t p = at + 7, dash = name.find('-', p);
  if (dash == std::string::npos || dash == p || dash > name.size() - 5) return 0;
  long pid = 0;
  for (size_t i = p; i < dash; ++i) {
    if (name[i] < '0' || name[i] > '9' || pid > 100000000) return 0;
    pid = pid * 10 + (name[i] - '0');
  }
  for (size_t i = dash + 1; i < name.size() - 4; ++i)
    if (!std::isxdigit(static_cast<unsigned char>(name[i]))) return 0;
  return pid;
}

// ".NAME.caora-HEX.tmp", as caora named temp files before the pid was in the
// name: whose they are cannot be told, only that no write takes an hour.
static bool legacy_temp_file(const std::string& name, const fs::path& path) {
  if (name.size() < 6 || name[0] != '.' || name.compare(name.size() - 4, 4, ".tmp") != 0) return false;
  size_t at = name.rfind(".caora-");
  if (at == std::string::npos || at + 7 >= name.size() - 4) return false;
  for (size_t i = at + 7; i < name.size() - 4; ++i)
    if (!std::isxdigit(static_cast<unsigned char>(name[i]))) return false;
  std::error_code ec;
  auto age = fs::file_time_type::clock::now() - fs::last_write_time(path, ec);
  return !ec && age > std::chrono::hours(1);
}

int remove_stale_temp_files(const fs::path& dir) {
  int removed = 0;
  std::error_code ec;
  fs::directory_iterator it(dir.empty() ? fs::path(".") : dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().u8string();
    long pid = temp_file_pid(name);
    bool legacy = pid == 0 && legacy_temp_file(name, it->path());
    // A live writer's file is its own business; ours is never left behind.
    if (!legacy && (pid == 0 || pid == current_pid() || process_alive(pid))) continue;
    std::error_code rm;
    if (it->is_regular_file(rm) && fs::remove(it->path(), rm)) ++removed;
  }
  return removed;
}

Status write_file_atomic(const fs::path& path, const std::string& bytes, const WriteOptions& opts) {
  static std::mt19937_64 rng(std::random_device{}());
  // The link stays a link: its file is the one rewritten.
  const fs::path target = write_target(path);
  fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  remove_stale_temp_files(dir);
  std::ostringstream name;
  name << "." << target.filename().u8string() << ".caora-" << std::dec << current_pid() << "-" << std::hex << rng() << ".tmp";
  fs::path tmp = dir / fs::u8path(name.str());
#ifdef _WIN32
  FILE* f = open_path(tmp, "wb");
  if (f == nullptr) return errno_error(errno, path, "書き込み", "write");
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = ok && std::fflush(f) == 0 && sync_fd(caora_fileno(f));
  int err = errno;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    remove_path(tmp);
    return errno_error(err ? err : EIO, path, "書き込み", "write");
  }
  // An existing file is replaced with ReplaceFileW, which gives the new file
  // the old one's ACL, owner and attributes (a plain move would leave the
  // temp file's, inherited from the folder). When it cannot, or there is no
  // file yet, MoveFileExW replaces the target in one step, as rename(2) does.
  // A private file (a redaction map) is narrowed before it has its name, and
  // does not take over the ACL of a file it replaces.
  if (opts.private_mode) restrict_to_admins_and_owner(tmp);
  std::error_code ec;
  if (!opts.private_mode && fs::exists(target, ec) &&
      ReplaceFileW(target.c_str(), tmp.c_str(), nullptr, REPLACEFILE_IGNORE_MERGE_ERRORS, nullptr, nullptr))
    return ok_status();
  if (!MoveFileExW(tmp.c_str(), target.c_str(), MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
    DWORD e = GetLastError();
    remove_path(tmp);
    return errno_error(e == ERROR_ACCESS_DENIED ? EACCES : e == ERROR_PATH_NOT_FOUND ? ENOENT : EIO, path, "書き込み", "write");
  }
#else
  std::optional<FileMeta> existing = file_meta(target);
  // Created owner-only, widened below: a copy of a 0600 file is never readable
  // by others, not even for the moment before its mode is set.
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno_error(errno, path, "書き込み", "write");
  auto fail = [&](int err, const char* ja, const char* en) {
    close(fd);
    remove_path(tmp);
    return errno_error(err ? err : EIO, path, ja, en);
  };
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail(errno, "書き込み", "write");
    done += static_cast<size_t>(n);
  }
  mode_t mode;
  if (opts.private_mode) {
    mode = 0600;
  } else if (existing) {
    // The owner first: chown clears the set-id bits that chmod then restores.
    if ((static_cast<long>(geteuid()) != existing->uid || static_cast<long>(getegid()) != existing->gid) &&
        fchown(fd, static_cast<uid_t>(existing->uid), static_cast<gid_t>(existing->gid)) != 0) {
      int err = errno;
      close(fd);
      remove_path(tmp);
      std::string p = display_path(path), owner = std::to_string(existing->uid) + ":" + std::to_string(existing->gid);
      return make_error(err == EPERM ? ErrorKind::Permission : ErrorKind::Io,
                        p + " の所有者（" + owner + "）を保てないため書き換えません。所有者か管理者として実行してください",
                        "not rewriting " + p + ": its owner (" + owner + ") cannot be kept (" + std::strerror(err) +
                            "); run as its owner or as administrator");
    }
    mode = static_cast<mode_t>(existing->mode);
  } else if (opts.create_meta && opts.create_meta->mode != 0) {
    // A file put back by undo: its recorded owner where this process may set it.
    if (opts.create_meta->uid >= 0) (void)fchown(fd, static_cast<uid_t>(opts.create_meta->uid), static_cast<gid_t>(opts.create_meta->gid));
    mode = static_cast<mode_t>(opts.create_meta->mode);
  } else {
    mode_t mask = umask(0);
    umask(mask);
    mode = 0666 & ~mask;
  }
  if (fchmod(fd, mode) != 0) return fail(errno, "書き込み", "write");
  if (!sync_fd(fd)) return fail(errno, "書き込み", "write");
  if (close(fd) != 0) {
    int err = errno;
    remove_path(tmp);
    return errno_error(err, path, "書き込み", "write");
  }
  if (std::rename(tmp.c_str(), target.c_str()) != 0) {
    int err = errno;
    remove_path(tmp);
    return errno_error(err, path, "書き込み", "write");
  }
  sync_dir(dir);
#endif
  return ok_status();
}

}  // namespace caora
