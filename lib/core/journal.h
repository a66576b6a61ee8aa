// The journal of changes caora made to a site: every change is backed up and
// recorded before it happens, and `caora undo <id>` restores it.
//
// Layout in the state folder: journal.jsonl (one event per line, append-only,
// each flushed to disk before what it announces happens: begin, wrote N,
// applied | failed, undo-begun, undone) and backups/<id>/ (original bytes, or a
// zip for removed folders). Paths are absolute. The folder and its files are
// owner-only.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/fs.h"

namespace caora {

struct FileChange {
  enum class Op { Modify, Remove, RemoveTree };
  Op op;
  fs::path path;
  std::string new_bytes;  // Modify only
};

struct JournalEntry {
  std::string id;
  std::string time;
  std::string action;
  nlohmann::json params;
  nlohmann::json changes;  // as recorded, each with "written": true once it was made
  std::string state;       // begun | applied | failed | undoing | undone
};

class Journal {
 public:
  explicit Journal(fs::path state_dir) : dir_(std::move(state_dir)) {}
  const fs::path& dir() const { return dir_; }

  // Backs up, records, then applies `changes` in order. If one fails, the
  // ones already made are restored and the entry is marked failed.
  Expected<std::string> apply(const std::string& action, const nlohmann::json& params,
                              const std::vector<FileChange>& changes);
  Expected<std::vector<JournalEntry>> entries() const;
  // Restores what entry `id` changed: an applied entry, one interrupted while
  // it was being made (begun: what was written is put back), or one whose undo
  // was interrupted (undoing: finished). Refuses when a file was changed by
  // someone else since, unless `force`, and entries recorded with relative
  // paths (older caora).
  Status undo(const std::string& id, bool force);

 private:
  friend class SystemChange;
  Status append(const nlohmann::json& event);
  // Leftover temp files of killed runs: in backups/*/ and in the folders of
  // interrupted entries (write_file_atomic cleans only the folder it writes in).
  void remove_stale_temps() const;
  fs::path dir_;
};

// A change the journal cannot make itself (an adapter, a service, a scheduled
// restart): recorded as begun before the backend makes it, then marked applied
// by done(), or failed when it goes out of scope without, so `caora history`
// never claims a change that did not happen.
class SystemChange {
 public:
  static Expected<SystemChange> begin(Journal& journal, const std::string& action, const nlohmann::json& params);
  SystemChange(SystemChange&& other) noexcept : journal_(other.journal_), id_(std::move(other.id_)) { other.journal_ = nullptr; }
  SystemChange(const SystemChange&) = delete;
  SystemChange& operator=(const SystemChange&) = delete;
  SystemChange& operator=(SystemChange&&) = delete;
  ~SystemChange();
  const std::string& id() const { return id_; }
  Status done();

 private:
  SystemChange(Journal* journal, std::string id) : journal_(journal), id_(std::move(id)) {}
  Journal* journal_;
  std::string id_;
};

std::string content_hash(const std::string& bytes);

}  // namespace caora
