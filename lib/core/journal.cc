#include "core/journal.h"
#include "core/json_util.h"

#include <cstdio>
#include <random>

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

Status Journal::append(const json& event) {
  Status dirs = make_dirs(dir_);
  if (!dirs) return dirs;
  fs::path path = dir_ / "journal.jsonl";
  FILE* f = std::fopen(path.string().c_str(), "ab");
  if (f == nullptr) return errno_error(errno, path, "ジャーナルに書き込み", "append to the journal");
  std::string line = event.dump() + "\n";
  bool ok = std::fwrite(line.data(), 1, line.size(), f) == line.size() && std::fflush(f) == 0;
  ok = std::fclose(f) == 0 && ok;
  if (!ok) return errno_error(errno, path, "ジャーナルに書き込み", "append to the journal");
  return ok_status();
}

static Status restore(const json& change, const fs::path& state_dir) {
  std::string op = json_string(change, "op");
  fs::path path = fs::u8path(json_string(change, "path"));
  if (op == "create") {
    std::error_code ec;
    fs::remove(path, ec);
    if (ec) return fs_error(ec, path, "削除", "remove");
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
  return write_file_atomic(path, *bytes);
}

Expected<std::string> Journal::apply(const std::string& action, const json& params,
                                     const std::vector<FileChange>& changes) {
  std::string id = new_id();
  fs::path backups = dir_ / "backups" / id;
  Status dirs = make_dirs(backups);
  if (!dirs) return dirs.error();

  json recorded = json::array();
  for (size_t i = 0; i < changes.size(); ++i) {
    const FileChange& c = changes[i];
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
      Status w = write_file_atomic(bak, *original);
      if (!w) return w.error();
      rec["backup"] = fs::relative(bak, dir_).generic_u8string();
      rec["before"] = content_hash(*original);
      if (c.op == FileChange::Op::Modify) rec["after"] = content_hash(c.new_bytes);
    }
    recorded.push_back(rec);
  }
  Status begun = append({{"event", "begin"}, {"id", id}, {"time", now_iso8601()}, {"action", action},
                         {"params", params}, {"changes", recorded}});
  if (!begun) return begun.error();

  for (size_t i = 0; i < changes.size(); ++i) {
    const FileChange& c = changes[i];
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
    if (!done) {
      // Put back what was already changed, newest first.
      for (size_t k = i + 1; k-- > 0;) (void)restore(recorded[k], dir_);
      (void)append({{"event", "failed"}, {"id", id}, {"time", now_iso8601()}});
      return done.error();
    }
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
    for (auto& e : out)
      if (e.id == id) e.state = event;
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

  // Check first, change after: an undo either happens whole or not at all.
  for (const auto& change : entry->changes) {
    fs::path path = fs::u8path(json_string(change, "path"));
    std::string op = json_string(change, "op");
    if (path.empty() || op.empty() || (op != "create" && json_string(change, "backup").empty()))
      return make_error(ErrorKind::Parse, "ジャーナルの記録 " + id + " が壊れているため戻せません",
                        "journal entry " + id + " is damaged and cannot be undone");
    std::error_code ec;
    bool exists = fs::exists(path, ec);
    if (op == "modify" || op == "create") {
      auto now = read_file(path);
      std::string expect = json_string(change, "after");
      if (!force && (!now || content_hash(*now) != expect))
        return make_error(ErrorKind::Usage,
                          display_path(path) + " は caora の変更後に別途変更されています。--force で上書きして戻せます",
                          display_path(path) + " was changed again after caora changed it; --force restores it anyway");
    } else if (exists && !force) {
      return make_error(ErrorKind::Usage, display_path(path) + " がすでに存在します。--force で置き換えて戻せます",
                        display_path(path) + " exists again; --force replaces it with the backup");
    }
  }
  for (auto it = entry->changes.rbegin(); it != entry->changes.rend(); ++it) {
    Status s = restore(*it, dir_);
    if (!s) return s;
  }
  return append({{"event", "undone"}, {"id", id}, {"time", now_iso8601()}});
}

}  // namespace caora
