#include "core/journal.h"
#include "core/json_util.h"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>

#ifndef _WIN32
#include <fcntl.h>
#include <unistd.h>
#endif

#include "core/archive.h"
#include "core/state.h"

namespace caora {

using nlohmann::json;

std::string content_hash(const std::string& bytes) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a 64
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ULL;
  char buf[32];
  std::snprintf(buf, sizeof buf, "fnv1a64:%016llx", static_cast<unsigned long long>(h));
  return buf;
}

static const char* op_name(FileChange::Op op) {
  switch (op) {
    case FileChange::Op::Modify: return "modify";
    case FileChange::Op::Remove: return "remove";
    case FileChange::Op::RemoveTree: return "remove-tree";
  }
  return "?";
}

static std::string new_id() {
  static std::mt19937 rng(std::random_device{}());
  std::string t = now_iso8601();  // 2026-11-21T05:12:00+09:00
  std::string compact;
  for (char c : t.substr(0, 19))
    if (c != '-' && c != ':') compact.push_back(c == 'T' ? '-' : c);
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", static_cast<unsigned>(rng() & 0xFFFF));
  return compact + "-" + suffix;
}

// bench/journal_fsync.sh measures the journal's own flushes apart from the
// file writes' (CAORA_BENCH_NO_FSYNC=journal); nothing else sets it.
static bool journal_sync_skipped() {
  static const bool skip = [] {
    const char* v = std::getenv("CAORA_BENCH_NO_FSYNC");
    return v && std::string(v) == "journal";
  }();
  return skip;
}

static bool journal_sync(int fd) { return journal_sync_skipped() || sync_fd(fd); }

Status Journal::append(const json& event) {
  Status dirs = make_private_dirs(dir_);
  if (!dirs) return dirs;
  fs::path path = dir_ / "journal.jsonl";
  std::string line = event.dump() + "\n";
#ifdef _WIN32
  FILE* f = _wfopen(path.c_str(), L"ab");
  if (f == nullptr) return errno_error(errno, path, "ジャーナルに書き込み", "append to the journal");
  bool ok = std::fwrite(line.data(), 1, line.size(), f) == line.size() && std::fflush(f) == 0 && journal_sync(_fileno(f));
  ok = std::fclose(f) == 0 && ok;
  if (!ok) return errno_error(errno, path, "ジャーナルに書き込み", "append to the journal");
#else
  bool created = !fs::exists(path);
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return errno_error(errno, path, "ジャーナルに書き込み", "append to the journal");
  // One write(2) per line: O_APPEND keeps a line whole at the end even if
  // something else appended meanwhile.
  ssize_t n = write(fd, line.data(), line.size());
  // The line is on disk before the change it announces is made.
  bool ok = n == static_cast<ssize_t>(line.size()) && journal_sync(fd);
  int err = errno;
  ok = close(fd) == 0 && ok;
  if (!ok) return errno_error(err ? err : EIO, path, "ジャーナルに書き込み", "append to the journal");
  if (created && !journal_sync_skipped()) sync_dir(dir_);
#endif
  return ok_status();
}

// The journal's paths are absolute: an undo run from another folder must reach
// the same files. Entries from before that carry relative ones.
static bool recorded_path_is_absolute(const json& change) {
  return fs::u8path(json_string(change, "path")).is_absolute();
}

static Error relative_entry(const std::string& id, const json& change, const fs::path& state_dir) {
  std::string p = json_string(change, "path");
  std::string backups = display_path(state_dir / "backups" / id);
  return make_error(ErrorKind::NeedsTechnician,
                    "記録 " + id + " のパス " + p + " は実行時のフォルダからの相対パスです（古い caora の記録）。どのインストールを変更したか特定できないため戻しません。バックアップ " + backups + " から手で戻してください",
                    "journal entry " + id + " records " + p + " relative to the folder caora ran in (an older caora's entry): " +
                        "which install it changed cannot be told, so it is not undone. Its backups are in " + backups + "; restore by hand");
}

static std::optional<FileMeta> recorded_meta(const json& change) {
  if (!change.contains("mode") || !change["mode"].is_number_unsigned()) return std::nullopt;
  FileMeta m;
  m.mode = change["mode"].get<unsigned>();
  m.uid = change.contains("uid") && change["uid"].is_number_integer() ? change["uid"].get<long>() : -1;
  m.gid = change.contains("gid") && change["gid"].is_number_integer() ? change["gid"].get<long>() : -1;
  return m;
}

static Status restore(const json& change, const fs::path& state_dir) {
  std::string op = json_string(change, "op");
  fs::path path = fs::u8path(json_string(change, "path"));
  if (op == "create") {
    std::error_code ec;
    fs::remove(path, ec);
    if (ec) return fs_error(ec, path, "削除", "remove");
    sync_dir(path.parent_path());
    return ok_status();
  }
  fs::path backup = state_dir / fs::u8path(json_string(change, "backup"));
  if (op == "remove-tree") {
    std::error_code ec;
    fs::remove_all(path, ec);
    return unzip_to(backup, path);
  }
  auto bytes = read_file(backup);
  if (!bytes) return bytes.error();
  WriteOptions opts;
  opts.create_meta = recorded_meta(change);  // a removed file comes back as it was
  return write_file_atomic(path, *bytes, opts);
}

Expected<std::string> Journal::apply(const std::string& action, const json& params,
                                     const std::vector<FileChange>& changes) {
  std::string id = new_id();
  fs::path backups = dir_ / "backups" / id;
  Status dirs = make_private_dirs(dir_);
  if (dirs) dirs = make_private_dirs(dir_ / "backups");
  if (dirs) dirs = make_private_dirs(backups);
  if (!dirs) return dirs.error();
  remove_stale_temps();

  // Absolute, and a link's file rather than the link: undo must find the same
  // file from any folder, and a link stays a link.
  std::vector<FileChange> resolved = changes;
  for (auto& c : resolved) {
    std::error_code ec;
    c.path = fs::absolute(c.path, ec).lexically_normal();
    if (c.op == FileChange::Op::Modify) c.path = write_target(c.path);
    if (c.op != FileChange::Op::Modify && fs::is_symlink(c.path, ec))
      return make_error(ErrorKind::Usage, display_path(c.path) + " はシンボリックリンクのため削除しません",
                        "not removing " + display_path(c.path) + ": it is a symbolic link");
  }
  const std::vector<FileChange>& changes_ = resolved;

  json recorded = json::array();
  for (size_t i = 0; i < changes_.size(); ++i) {
    const FileChange& c = changes_[i];
    json rec = {{"op", op_name(c.op)}, {"path", c.path.u8string()}};
    if (c.op == FileChange::Op::RemoveTree) {
      fs::path zip = backups / (std::to_string(i) + ".zip");
      Status z = zip_directory(c.path, zip);
      if (!z) return z.error();
      rec["backup"] = fs::relative(zip, dir_).generic_u8string();
    } else if (c.op == FileChange::Op::Modify && !fs::exists(c.path)) {
      // Writing a file that was not there: undo removes it again.
      rec["op"] = "create";
      rec["after"] = content_hash(c.new_bytes);
    } else {
      auto original = read_file(c.path);
      if (!original) return original.error();
      fs::path bak = backups / (std::to_string(i) + ".bak");
      WriteOptions priv;
      priv.private_mode = true;
      Status w = write_file_atomic(bak, *original, priv);
      if (!w) return w.error();
      rec["backup"] = fs::relative(bak, dir_).generic_u8string();
      rec["before"] = content_hash(*original);
      if (auto meta = file_meta(c.path); meta && meta->mode != 0) {
        rec["mode"] = meta->mode;
        rec["uid"] = meta->uid;
        rec["gid"] = meta->gid;
      }
      if (c.op == FileChange::Op::Modify) rec["after"] = content_hash(c.new_bytes);
    }
    recorded.push_back(rec);
  }
  Status begun = append({{"event", "begin"}, {"id", id}, {"time", now_iso8601()}, {"action", action},
                         {"params", params}, {"changes", recorded}});
  if (!begun) return begun.error();

  for (size_t i = 0; i < changes_.size(); ++i) {
    const FileChange& c = changes_[i];
    Status done = ok_status();
    std::error_code ec;
    switch (c.op) {
      case FileChange::Op::Modify: done = write_file_atomic(c.path, c.new_bytes); break;
      case FileChange::Op::Remove:
        if (!fs::remove(c.path, ec)) done = fs_error(ec ? ec : std::make_error_code(std::errc::no_such_file_or_directory), c.path, "削除", "remove");
        break;
      case FileChange::Op::RemoveTree:
        fs::remove_all(c.path, ec);
        if (ec) done = fs_error(ec, c.path, "削除", "remove");
        break;
    }
    if (done && c.op != FileChange::Op::Modify) sync_dir(c.path.parent_path());  // the removal is on disk
    if (!done) {
      // Put back what was already changed, newest first.
      for (size_t k = i + 1; k-- > 0;) (void)restore(recorded[k], dir_);
      (void)append({{"event", "failed"}, {"id", id}, {"time", now_iso8601()}});
      return done.error();
    }
    // Which files of the entry are written: an interrupted run's entry says
    // how far it got (caora history), and undo knows what to put back.
    Status noted = append({{"event", "wrote"}, {"id", id}, {"change", i}});
    if (!noted) return noted.error();
  }
  Status applied = append({{"event", "applied"}, {"id", id}, {"time", now_iso8601()}});
  if (!applied) return applied.error();
  return id;
}

Expected<SystemChange> SystemChange::begin(Journal& journal, const std::string& action, const json& params) {
  std::string id = new_id();
  Status begun = journal.append({{"event", "begin"}, {"id", id}, {"time", now_iso8601()}, {"action", action},
                                 {"params", params}, {"changes", json::array()}});
  if (!begun) return begun.error();
  return SystemChange(&journal, std::move(id));
}

Status SystemChange::done() {
  Journal* j = journal_;
  journal_ = nullptr;
  if (j == nullptr) return ok_status();
  return j->append({{"event", "applied"}, {"id", id_}, {"time", now_iso8601()}});
}

SystemChange::~SystemChange() {
  if (journal_ != nullptr) (void)journal_->append({{"event", "failed"}, {"id", id_}, {"time", now_iso8601()}});
}

Expected<std::vector<JournalEntry>> Journal::entries() const {
  std::vector<JournalEntry> out;
  fs::path path = dir_ / "journal.jsonl";
  std::error_code ec;
  if (!fs::exists(path, ec)) return out;
  auto text = read_file(path);
  if (!text) return text.error();
  size_t line_no = 0, pos = 0;
  while (pos < text->size()) {
    size_t end = text->find('\n', pos);
    if (end == std::string::npos) end = text->size();
    std::string line = text->substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    json ev = json::parse(line, nullptr, false);
    if (ev.is_discarded() || !ev.is_object() || !ev.contains("id") || !ev["id"].is_string() || !ev.contains("event") ||
        !ev["event"].is_string()) {
      // A torn last line (power cut while appending) is skipped, not fatal.
      continue;
    }
    std::string id = ev["id"];
    std::string event = ev["event"];
    if (event == "begin") {
      JournalEntry e;
      e.id = id;
      e.time = json_string(ev, "time");
      e.action = json_string(ev, "action");
      e.params = ev.contains("params") ? ev["params"] : json::object();
      e.changes = ev.contains("changes") && ev["changes"].is_array() ? ev["changes"] : json::array();
      e.state = "begun";
      out.push_back(e);
      continue;
    }
    for (auto& e : out) {
      if (e.id != id) continue;
      if (event == "wrote") {
        if (ev.contains("change") && ev["change"].is_number_unsigned() && ev["change"].get<size_t>() < e.changes.size())
          e.changes[ev["change"].get<size_t>()]["written"] = true;
      } else if (event == "undo-begun") {
        e.state = "undoing";
      } else {
        e.state = event;
      }
    }
  }
  return out;
}

Status Journal::undo(const std::string& id, bool force) {
  auto all = entries();
  if (!all) return all.error();
  const JournalEntry* entry = nullptr;
  for (const auto& e : *all)
    if (e.id == id) entry = &e;
  if (entry == nullptr)
    return make_error(ErrorKind::Usage, "ジャーナルに " + id + " はありません（caora history で確認してください）",
                      "no journal entry " + id + " (see caora history)");
  if (entry->state == "undone")
    return make_error(ErrorKind::Usage, id + " はすでに元に戻されています", id + " has already been undone");
  if (entry->state == "failed" && entry->changes.empty())
    return make_error(ErrorKind::Usage, id + " は失敗した変更です。元に戻すものは記録されていません",
                      id + " is a change that failed: nothing was recorded to undo");
  if (entry->state == "failed")
    return make_error(ErrorKind::Usage, id + " は失敗し、自動的に元に戻されています", id + " failed and was rolled back already");

  if (entry->changes.empty() && entry->state != "applied")
    return make_error(ErrorKind::NeedsTechnician,
                      id + " は途中で中断されたため、変更が行われたか分かりません。診断を再実行して現在の状態を確認してください",
                      id + " was interrupted before caora knew whether the change took effect; run the diagnosis again to see the site as it is");

  remove_stale_temps();

  // Check first, change after. Each file is either as caora left it (restore
  // it) or as it was before (an interrupted run never got to it, or an
  // interrupted undo already put it back: nothing to do). Anything else was
  // changed by someone else since, and only --force overwrites that.
  const bool interrupted = entry->state == "begun" || entry->state == "undoing";
  std::vector<const json*> to_restore;
  for (const auto& change : entry->changes) {
    fs::path path = fs::u8path(json_string(change, "path"));
    std::string op = json_string(change, "op");
    if (path.empty() || op.empty() || (op != "create" && json_string(change, "backup").empty()))
      return make_error(ErrorKind::Parse, "ジャーナルの記録 " + id + " が壊れているため戻せません",
                        "journal entry " + id + " is damaged and cannot be undone");
    if (!recorded_path_is_absolute(change)) return relative_entry(id, change, dir_);
    std::error_code ec;
    bool exists = fs::exists(path, ec) || fs::is_symlink(path, ec);
    std::optional<std::string> now_hash;
    if (exists && op != "remove-tree") {
      auto now = read_file(path);
      if (now) now_hash = content_hash(*now);
    }
    const std::string before = json_string(change, "before"), after = json_string(change, "after");
    bool as_left = false, as_before = false;
    if (op == "modify") {
      as_left = now_hash && *now_hash == after;
      as_before = now_hash && *now_hash == before;
    } else if (op == "create") {
      as_left = now_hash && *now_hash == after;
      as_before = !exists;
    } else if (op == "remove") {
      as_left = !exists;
      as_before = now_hash && *now_hash == before;
    } else {  // remove-tree: a tree half removed by an interrupted run is put back whole
      as_left = !exists || interrupted;
    }
    if (as_left) {
      to_restore.push_back(&change);
      continue;
    }
    if (as_before) continue;
    if (!force) {
      if (op == "remove" || op == "remove-tree")
        return make_error(ErrorKind::Usage, display_path(path) + " がすでに存在します。--force で置き換えて戻せます",
                          display_path(path) + " exists again; --force replaces it with the backup");
      return make_error(ErrorKind::Usage,
                        display_path(path) + " は caora の変更後に別途変更されています。--force で上書きして戻せます",
                        display_path(path) + " was changed again after caora changed it; --force restores it anyway");
    }
    to_restore.push_back(&change);
  }
  // Marked before anything is put back: an undo that is interrupted in turn
  // shows as "undoing", and the next plain undo finishes it.
  TRY(append({{"event", "undo-begun"}, {"id", id}, {"time", now_iso8601()}}));
  for (auto it = to_restore.rbegin(); it != to_restore.rend(); ++it) {
    Status s = restore(**it, dir_);
    if (!s) return s;
  }
  return append({{"event", "undone"}, {"id", id}, {"time", now_iso8601()}});
}

void Journal::remove_stale_temps() const {
  // An interrupted entry may have left a temp file in any folder it writes in,
  // including ones this run does not write in.
  if (auto all = entries()) {
    for (const auto& e : *all) {
      if (e.state != "begun" && e.state != "undoing") continue;
      for (const auto& c : e.changes) {
        fs::path p = fs::u8path(json_string(c, "path"));
        if (p.is_absolute()) remove_stale_temp_files(p.parent_path());
      }
    }
  }
  std::error_code ec;
  fs::directory_iterator it(dir_ / "backups", ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code dir_ec;
    if (it->is_directory(dir_ec)) remove_stale_temp_files(it->path());
  }
}

}  // namespace caora
