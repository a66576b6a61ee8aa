#include "workflows/collect_logs.h"

#include <fcntl.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

#ifdef _WIN32
#include <io.h>
#include <sys/stat.h>
#else
#include <unistd.h>
#endif

#include "core/archive.h"
#include "core/journal.h"
#include "core/sha256.h"
#include "core/state.h"
#include "core/strings.h"
#include "core/zip_writer.h"
#include "workflows/collect_ticket.h"

namespace caora {

namespace {

using SteadyTime = std::chrono::steady_clock;

constexpr size_t kChunk = size_t{4} << 20;         // redaction works on line-aligned chunks of this size
constexpr size_t kWholeMember = size_t{16} << 20;  // larger files are streamed, not held
constexpr size_t kZipMemberLimit = size_t{512} << 20;

double seconds_since(SteadyTime::time_point t) { return std::chrono::duration<double>(SteadyTime::now() - t).count(); }

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool ends_with_ci(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && lower(s.substr(s.size() - suffix.size())) == suffix;
}

struct Item {
  std::string bundle_path;
  std::string collector;
  std::optional<fs::path> source;
  std::string bytes;  // generated content when there is no source
  std::time_t mtime = 0;
  uint64_t size = 0;
  bool zip = false;
  nlohmann::json note;  // added to the file's manifest entry
};

struct CollectorRecord {
  std::string name;
  std::string status = "ok";  // ok | partial | failed | timed_out | unavailable | skipped
  double seconds = 0;
  bool timed_out = false;
  std::string error;
  nlohmann::json extra = nlohmann::json::object();
};

std::string utc_stamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
#ifdef _WIN32
  gmtime_s(&tm, &t);
#else
  gmtime_r(&t, &tm);
#endif
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string host_name() {
  std::string h;
#ifdef _WIN32
  if (const char* c = std::getenv("COMPUTERNAME")) h = c;
#else
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) == 0) h = buf;
#endif
  std::string out;
  for (char c : h)
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') out.push_back(c);
  return out.empty() ? "terminal" : out;
}

std::string random_hex(size_t bytes) {
  std::random_device rd;
  std::string out;
  const char* hex = "0123456789abcdef";
  for (size_t i = 0; i < bytes; ++i) {
    unsigned v = rd() & 0xFF;
    out.push_back(hex[v >> 4]);
    out.push_back(hex[v & 15]);
  }
  return out;
}

bool inside(const fs::path& child, const fs::path& parent) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(child, ec), p = fs::weakly_canonical(parent, ec);
  auto ci = c.begin();
  for (auto pi = p.begin(); pi != p.end(); ++pi, ++ci) {
    if (pi->empty()) continue;
    if (ci == c.end() || *ci != *pi) return false;
  }
  return true;
}

// Reads a file as line-aligned chunks: a field never spans two chunks.
class ChunkReader {
 public:
  explicit ChunkReader(const fs::path& p) : path_(p), in_(p, std::ios::binary) {
    std::error_code ec;
    size_ = fs::file_size(p, ec);
    // A size the system does not know (0 for some special files): one chunk at most.
    left_ = ec || size_ == 0 ? kChunk : size_;
  }
  bool ok() const { return bool(in_); }
  // Reads the first bytes to decide the encoding, keeping them for next().
  TextForm form() {
    if (!decided_) {
      fill();
      form_ = detect_text_form(buf_);
      decided_ = true;
    }
    return form_;
  }
  bool next(std::string& chunk) {
    form();
    fill();
    if (buf_.empty()) return false;
    size_t cut = buf_.size();
    if (!eof_) {
      size_t nl = std::string::npos;
      if (form_ == TextForm::Utf16Le || form_ == TextForm::Utf16Be) {
        for (size_t i = (buf_.size() & ~size_t{1}); i >= 2; i -= 2) {
          bool hit = form_ == TextForm::Utf16Le ? (buf_[i - 2] == '\n' && buf_[i - 1] == '\0')
                                                : (buf_[i - 2] == '\0' && buf_[i - 1] == '\n');
          if (hit) {
            nl = i;
            break;
          }
        }
        if (nl == std::string::npos) nl = buf_.size() & ~size_t{1};
      } else {
        size_t pos = buf_.rfind('\n');
        nl = pos == std::string::npos ? buf_.size() : pos + 1;
      }
      cut = nl == 0 ? buf_.size() : nl;
    }
    if (cut == buf_.size()) {
      chunk.swap(buf_);  // the whole buffer (a file of one chunk): no copy
      buf_.clear();
    } else {
      chunk.assign(buf_, 0, cut);
      buf_.erase(0, cut);
    }
    return true;
  }
  bool failed() const { return bad_; }
  // The file's size is no longer what it was when opened: it grew, or it was
  // truncated or replaced (rotated) while read. What was read is still a prefix
  // of the file as opened (the open handle follows a rotated file).
  bool changed() const {
    std::error_code ec;
    auto now = fs::file_size(path_, ec);
    return ec || now != size_;
  }

 private:
  void fill() {
    if (eof_ || buf_.size() >= kChunk) return;
    if (left_ == 0) {
      // Only the bytes the file had when opened: a log appended to while read
      // gives a consistent prefix instead of a read that never ends.
      eof_ = true;
      return;
    }
    size_t old = buf_.size();
    // No more than the file holds: zero-filling 4 MiB for every small log would
    // cost more than reading it.
    size_t want = std::min<uint64_t>(kChunk - old, left_);
    buf_.resize(old + want);
    in_.read(&buf_[old], std::streamsize(want));
    std::streamsize got = in_.gcount();
    buf_.resize(old + size_t(got));
    left_ = left_ > uint64_t(got) ? left_ - uint64_t(got) : 0;
    if (in_.eof()) eof_ = true;  // truncated while read: shorter than it was
    else if (!in_) {
      bad_ = true;
      eof_ = true;
    }
  }
  fs::path path_;
  std::ifstream in_;
  std::string buf_;
  bool eof_ = false, bad_ = false, decided_ = false;
  uint64_t size_ = 0;  // when opened
  uint64_t left_ = 0;  // of that, not read yet
  TextForm form_ = TextForm::Utf8;
};

std::string read_error_reason(const fs::path& p) {
  std::error_code ec;
  auto st = fs::status(p, ec);
  if (ec) return ec.message();
#ifndef _WIN32
  if (::access(p.c_str(), R_OK) != 0) return std::strerror(errno);
#endif
  (void)st;
  return "cannot be read";
}

// Everything one bundle run shares between its threads.
struct Run {
  const CollectOptions& opts;
  Redactor redactor;
  SteadyTime::time_point started = SteadyTime::now();
  SteadyTime::time_point deadline;
  std::mutex mu;  // the writer, the records, the counts
  ZipWriter* writer = nullptr;
  nlohmann::json files = nlohmann::json::array();
  nlohmann::json left_out = nlohmann::json::array();
  nlohmann::json unreadable = nlohmann::json::array();
  RedactCounts totals;
  std::map<std::string, std::vector<std::string>> cut_by_deadline;  // collector → files
  std::map<std::string, int> unreadable_by_collector;
  std::atomic<uint64_t> bytes_done{0};
  std::atomic<size_t> items_done{0};
  SteadyTime::time_point last_progress = SteadyTime::now();
  Error write_error;
  bool write_failed = false;
  explicit Run(const CollectOptions& o, std::string salt) : opts(o), redactor(std::move(salt)) {
    deadline = started + std::chrono::duration_cast<SteadyTime::duration>(std::chrono::duration<double>(o.deadline_seconds));
  }
  bool past_deadline() const { return SteadyTime::now() >= deadline; }
};

std::string redact_bytes(Run& run, std::string data, TextForm form, RedactCounts& counts) {
  if (!run.opts.redact) return data;
  return run.redactor.redact(std::move(data), form, counts);
}

void learn_bytes(Run& run, const std::string& data) {
  if (!run.opts.redact) return;
  TextForm form = detect_text_form(data);
  for (size_t at = 0; at < data.size(); at += kChunk) run.redactor.learn(data.substr(at, kChunk), form);
}

bool looks_like_zip(const std::string& name, const std::string& head) {
  return ends_with_ci(name, ".zip") || head.compare(0, 4, "PK\x03\x04") == 0;
}

// A zip's members, each redacted, as a new zip in memory (nested ones likewise).
Expected<std::string> redact_zip(Run& run, const fs::path* path, const std::string* bytes, RedactCounts& counts,
                                 nlohmann::json& left_out, int depth) {
  StringSink sink;
  ZipWriter w(sink);
  Status s = for_each_zip_member(path, bytes, kZipMemberLimit, [&](ZipEntryData& e) -> Status {
    if (!run.opts.with_images && is_image_path(e.name)) {
      left_out.push_back(e.name);
      return ok_status();
    }
    std::string out;
    if (depth < 4 && looks_like_zip(e.name, e.data)) {
      auto inner = redact_zip(run, nullptr, &e.data, counts, left_out, depth + 1);
      if (!inner) return inner.error();
      out = std::move(*inner);
    } else {
      TextForm form = detect_text_form(e.data);
      out = redact_bytes(run, e.data, form, counts);
    }
    return w.add(make_member(e.name, out, e.mtime));
  });
  if (!s) return s.error();
  TRY(w.finish());
  return std::move(sink.bytes());
}

Status learn_zip(Run& run, const fs::path* path, const std::string* bytes, int depth) {
  return for_each_zip_member(path, bytes, kZipMemberLimit, [&](ZipEntryData& e) -> Status {
    if (!run.opts.with_images && is_image_path(e.name)) return ok_status();
    if (depth < 4 && looks_like_zip(e.name, e.data)) return learn_zip(run, nullptr, &e.data, depth + 1);
    learn_bytes(run, e.data);
    return ok_status();
  });
}

void learn_item(Run& run, const Item& item) {
  if (!item.source) {
    if (item.zip) (void)learn_zip(run, nullptr, &item.bytes, 0);
    else learn_bytes(run, item.bytes);
    return;
  }
  if (item.zip) {
    (void)learn_zip(run, &*item.source, nullptr, 0);  // a damaged zip is reported by the write pass
    return;
  }
  ChunkReader r(*item.source);
  if (!r.ok()) return;
  TextForm form = r.form();
  std::string chunk;
  while (r.next(chunk)) {
    run.redactor.learn(chunk, form);
    if (run.past_deadline()) return;
  }
}

void progress(Run& run, bool force = false) {
  if (!run.opts.progress) return;
  auto now = SteadyTime::now();
  if (!force && (seconds_since(run.started) < 1.0 || now - run.last_progress < std::chrono::milliseconds(500))) return;
  run.last_progress = now;
  std::string files = std::to_string(run.items_done.load()), mib = std::to_string(run.bytes_done.load() >> 20),
              secs = std::to_string(int(seconds_since(run.started)));
  run.opts.progress({files + " ファイル、" + mib + " MiB、" + secs + " 秒", files + " files, " + mib + " MiB, " + secs + " s"});
}

// Writes one item into the bundle; errors of the output itself stop the run.
void write_item(Run& run, const Item& item) {
  RedactCounts counts;
  nlohmann::json entry = {{"path", item.bundle_path}, {"collector", item.collector}};
  if (item.source) entry["source"] = display_path(*item.source);
  if (!item.note.is_null()) entry.update(item.note);
  Sha256 hash;
  uint64_t written = 0;
  Status st = ok_status();
  auto record_unreadable = [&](const std::string& why) {
    std::lock_guard<std::mutex> lock(run.mu);
    run.unreadable.push_back({{"source", display_path(*item.source)}, {"reason", why}, {"collector", item.collector}});
    ++run.unreadable_by_collector[item.collector];
  };
  if (item.zip) {
    nlohmann::json left = nlohmann::json::array();
    auto z = item.source ? redact_zip(run, &*item.source, nullptr, counts, left, 0)
                         : redact_zip(run, nullptr, &item.bytes, counts, left, 0);
    if (!z) {
      if (item.source) record_unreadable(z.error().message.en);
      else {
        std::lock_guard<std::mutex> lock(run.mu);
        run.unreadable.push_back({{"source", item.bundle_path}, {"reason", z.error().message.en}, {"collector", item.collector}});
        ++run.unreadable_by_collector[item.collector];
      }
      return;
    }
    if (!left.empty()) entry["left_out"] = left;
    hash.update(z->data(), z->size());
    written = z->size();
    ZipMember m = make_member(item.bundle_path, *z, item.mtime);
    std::lock_guard<std::mutex> lock(run.mu);
    st = run.writer->add(m);
  } else if (!item.source || item.size <= kWholeMember) {
    std::string data;
    TextForm form = TextForm::Utf8;
    if (item.source) {
      ChunkReader r(*item.source);
      if (!r.ok()) {
        record_unreadable(read_error_reason(*item.source));
        return;
      }
      form = r.form();
      std::string chunk;
      while (r.next(chunk)) {
        std::string part = redact_bytes(run, std::move(chunk), form, counts);
        if (data.empty()) data = std::move(part);
        else data += part;
      }
      if (r.failed()) {
        record_unreadable(read_error_reason(*item.source));
        return;
      }
      if (r.changed()) entry["changed_while_read"] = true;
    } else {
      data = redact_bytes(run, item.bytes, detect_text_form(item.bytes), counts);
    }
    entry["encoding"] = text_form_name(form);
    hash.update(data.data(), data.size());
    written = data.size();
    ZipMember m = make_member(item.bundle_path, data, item.mtime);
    std::lock_guard<std::mutex> lock(run.mu);
    st = run.writer->add(m);
  } else {
    // Too large to hold: streamed, the writer held for the whole file.
    ChunkReader r(*item.source);
    if (!r.ok()) {
      record_unreadable(read_error_reason(*item.source));
      return;
    }
    TextForm form = r.form();
    entry["encoding"] = text_form_name(form);
    std::lock_guard<std::mutex> lock(run.mu);
    st = run.writer->begin_stream(item.bundle_path, item.mtime);
    std::string chunk;
    while (st && r.next(chunk)) {
      run.bytes_done += chunk.size();
      std::string out = redact_bytes(run, std::move(chunk), form, counts);
      hash.update(out.data(), out.size());
      written += out.size();
      st = run.writer->stream_write(out.data(), out.size());
      if (run.past_deadline()) {
        entry["cut_by_deadline"] = true;
        run.cut_by_deadline[item.collector].push_back(item.bundle_path);
        break;
      }
    }
    if (st) st = run.writer->end_stream();
    if (r.failed()) entry["read_error"] = read_error_reason(*item.source);
    if (r.changed()) entry["changed_while_read"] = true;
  }
  std::lock_guard<std::mutex> lock(run.mu);
  if (!st) {
    if (!run.write_failed) run.write_error = st.error();
    run.write_failed = true;
    return;
  }
  entry["size"] = written;
  entry["sha256"] = hash.hex_digest();
  entry["redactions"] = counts;
  for (const auto& [k, v] : counts) run.totals[k] += v;
  run.files.push_back(entry);
  if (item.size <= kWholeMember) run.bytes_done += item.size;
  ++run.items_done;
}

// Files under `dir` (recursively), newer than `cutoff`, as items. Links are
// followed only when they stay inside `dir`.
void walk(const fs::path& dir, const std::string& prefix, const std::string& collector, std::time_t cutoff,
          std::vector<Item>& items, CollectorRecord& rec, nlohmann::json& not_followed, bool with_images) {
  std::error_code ec;
  auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    rec.status = "partial";
    rec.error = display_path(dir) + ": " + ec.message();
    return;
  }
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) {
      rec.status = "partial";
      rec.error = display_path(dir) + ": " + ec.message();
      break;
    }
    const fs::path p = it->path();
    std::error_code e2;
    fs::path rel = p.lexically_relative(dir);
    if (it->is_symlink(e2)) {
      fs::path target = fs::weakly_canonical(p, e2);
      if (e2 || !inside(target, dir)) {
        not_followed.push_back({{"source", display_path(p)}, {"reason", "symbolic link leads outside " + display_path(dir)}});
        continue;
      }
    }
    if (it->is_directory(e2)) {
#ifndef _WIN32
      if (::access(p.c_str(), R_OK | X_OK) != 0) {
        rec.status = "partial";
        rec.extra["unreadable_folders"].push_back({{"source", display_path(p)}, {"reason", std::strerror(errno)}});
      }
#endif
      continue;
    }
    if (!it->is_regular_file(e2)) continue;
    Item item;
    item.bundle_path = prefix + rel.generic_u8string();
    item.collector = collector;
    item.source = p;
    item.mtime = modified_time(p);
    item.size = it->file_size(e2);
    if (cutoff && item.mtime < cutoff) continue;
    if (!with_images && is_image_path(item.bundle_path)) {
      rec.extra["left_out"].push_back(item.bundle_path);
      continue;
    }
    item.zip = ends_with_ci(item.bundle_path, ".zip");
    items.push_back(std::move(item));
  }
}

nlohmann::json journal_json(const fs::path& state_dir) {
  nlohmann::json out = nlohmann::json::array();
  Journal j(state_dir);
  auto entries = j.entries();
  if (!entries) return out;
  for (const auto& e : *entries) out.push_back({{"id", e.id}, {"time", e.time}, {"action", e.action}, {"params", e.params}});
  return out;
}

std::string profile_string(const nlohmann::json& raw, const char* section, const char* key, const char* fallback) {
  if (raw.is_object() && raw.contains(section) && raw[section].is_object() && raw[section].contains(key) &&
      raw[section][key].is_string())
    return raw[section][key].get<std::string>();
  return fallback;
}

std::vector<std::string> profile_list(const nlohmann::json& raw, const char* section, const char* key,
                                      std::vector<std::string> fallback) {
  if (raw.is_object() && raw.contains(section) && raw[section].is_object() && raw[section].contains(key) &&
      raw[section][key].is_array()) {
    std::vector<std::string> out;
    for (const auto& v : raw[section][key])
      if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
  }
  return fallback;
}

void run_system_collector(Run& run, const SystemCollector& sc, std::vector<Item>& items, CollectorRecord& rec) {
  const SystemLogSource& src = *run.opts.system_logs;
  double timeout = run.opts.collector_timeout_seconds;
  double left = std::chrono::duration<double>(run.deadline - SteadyTime::now()).count();
  if (left < timeout) timeout = std::max(0.1, left);
  std::string out;
  for (const auto& argv : sc.commands) {
    auto r = src.run(argv, timeout);
    if (!r) {
      rec.status = "unavailable";
      rec.error = r.error().message.en;
      return;
    }
    if (r->timed_out) {
      rec.status = "timed_out";
      rec.timed_out = true;
      rec.error = argv[0] + " did not finish within " + std::to_string(int(timeout)) + " s";
      return;
    }
    if (r->exit_code != 0) {
      rec.status = "failed";
      rec.error = argv[0] + " exited with " + std::to_string(r->exit_code) + ": " + truncate_for_echo(r->err, 300);
      return;
    }
    out = std::move(r->out);
    if (r->truncated) rec.extra["truncated"] = true;
  }
  if (!sc.line_filter.empty()) {
    std::string kept;
    size_t at = 0;
    std::string needle = lower(sc.line_filter);
    while (at < out.size()) {
      size_t nl = out.find('\n', at);
      size_t end = nl == std::string::npos ? out.size() : nl + 1;
      if (lower(out.substr(at, end - at)).find(needle) != std::string::npos) kept.append(out, at, end - at);
      at = end;
    }
    out = std::move(kept);
  }
  if (sc.file) {
    std::error_code ec;
    if (!fs::exists(*sc.file, ec)) {
      rec.status = sc.commands.empty() ? "unavailable" : "failed";
      rec.error = display_path(*sc.file) + " does not exist";
      return;
    }
    Item item;
    item.bundle_path = sc.bundle_path;
    item.collector = sc.name;
    if (sc.temporary) {
      auto bytes = read_file(*sc.file, kZipMemberLimit);
      fs::remove(*sc.file, ec);
      if (!bytes) {
        rec.status = "failed";
        rec.error = bytes.error().message.en;
        return;
      }
      item.bytes = std::move(*bytes);
      item.size = item.bytes.size();
    } else {
      item.source = *sc.file;
      item.size = fs::file_size(*sc.file, ec);
    }
    item.mtime = std::time(nullptr);
    items.push_back(std::move(item));
    return;
  }
  Item item;
  item.bundle_path = sc.bundle_path;
  item.collector = sc.name;
  item.bytes = std::move(out);
  item.size = item.bytes.size();
  item.mtime = std::time(nullptr);
  items.push_back(std::move(item));
}

Error usage(const std::string& ja, const std::string& en) { return make_error(ErrorKind::Usage, ja, en); }

Expected<fs::path> check_output(const CollectOptions& opts, const fs::path& out) {
  std::error_code ec;
  fs::path parent = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  if (!fs::is_directory(parent, ec))
    return usage("出力先のフォルダがありません: " + display_path(parent),
                 "the output folder does not exist: " + display_path(parent));
  if (opts.root && inside(out, *opts.root))
    return usage("出力先が Caora のインストールフォルダの中です: " + display_path(out) + "（別の場所を -o で指定してください）",
                 "the output is inside the Caora install root: " + display_path(out) + " (choose another place with -o)");
  if (fs::exists(fs::symlink_status(out, ec)) && !opts.force)
    return usage("出力先のファイルが既にあります: " + display_path(out) + "（上書きするには --force）",
                 "the output file exists already: " + display_path(out) + " (--force to replace it)");
  if (fs::is_directory(out, ec))
    return usage("出力先がフォルダです: " + display_path(out), "the output is a folder: " + display_path(out));
  return out;
}

class HashingFdSink : public FdSink {
 public:
  using FdSink::FdSink;
  Status write(const void* data, size_t size) override {
    hash.update(data, size);
    return FdSink::write(data, size);
  }
  Sha256 hash;
};

}  // namespace

bool is_image_path(const std::string& path) {
  static const char* const ext[] = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".jp2", ".j2k", ".tif", ".tiff",
                                    ".webp", ".heic", ".raw", ".yuv"};
  for (const char* e : ext)
    if (ends_with_ci(path, e)) return true;
  return false;
}

std::string default_bundle_name() { return "caora-logs-" + host_name() + "-" + utc_stamp() + ".zip"; }

std::vector<SystemCollector> LinuxSystemLogs::collectors(int since_days, const fs::path&) const {
  std::string since = "-" + std::to_string(since_days) + "d";
  std::vector<SystemCollector> v;
  v.push_back({"system-journal", "system/journal.txt", {{"journalctl", "--no-pager", "-o", "short-iso", "--since", since}},
               std::nullopt, false, ""});
  v.push_back({"kernel-usb", "system/kernel-usb.txt",
               {{"journalctl", "--no-pager", "-k", "-o", "short-iso", "--since", since}}, std::nullopt, false, "usb"});
  return v;
}

std::vector<SystemCollector> WindowsSystemLogs::collectors(int since_days, const fs::path& scratch) const {
  std::vector<SystemCollector> v;
  std::string ms = std::to_string(int64_t(since_days) * 86400000);
  for (const char* log : {"System", "Application"}) {
    fs::path evtx = scratch / (std::string(log) + ".evtx");
    SystemCollector c;
    c.name = std::string("event-log-") + lower(log);
    c.bundle_path = std::string("system/") + log + ".evtx";
    c.commands.push_back({"wevtutil", "epl", log, evtx.string(),
                          "/q:*[System[TimeCreated[timediff(@SystemTime) <= " + ms + "]]]", "/ow:true"});
    // The messages as text of this PC's language, so the file reads on another PC.
    c.commands.push_back({"wevtutil", "al", evtx.string(), "/l:ja-JP"});
    c.file = evtx;
    c.temporary = true;
    v.push_back(std::move(c));
  }
  SystemCollector setup;
  setup.name = "setupapi";
  setup.bundle_path = "system/setupapi.dev.log";
  setup.file = windows_dir_ / "INF" / "setupapi.dev.log";
  v.push_back(std::move(setup));
  return v;
}

Expected<ListedSystemLogs> ListedSystemLogs::parse(const std::string& text) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_array())
    return make_error(ErrorKind::Parse, "システムログ収集の一覧が JSON の配列ではありません", "system log list is not a JSON array");
  std::vector<SystemCollector> out;
  for (const auto& e : doc) {
    if (!e.is_object() || !e.contains("name") || !e.contains("path"))
      return make_error(ErrorKind::Parse, "システムログ収集の項目に name と path が必要です", "each system log entry needs name and path");
    SystemCollector c;
    c.name = e["name"].get<std::string>();
    c.bundle_path = e["path"].get<std::string>();
    for (const auto& cmd : e.value("commands", nlohmann::json::array())) c.commands.push_back(cmd.get<std::vector<std::string>>());
    if (e.contains("file")) c.file = fs::u8path(e["file"].get<std::string>());
    c.line_filter = e.value("filter", std::string());
    out.push_back(std::move(c));
  }
  return ListedSystemLogs(std::move(out));
}

std::unique_ptr<SystemLogSource> platform_system_logs() {
  if (const char* listed = std::getenv("CAORA_SYSTEM_LOGS"); listed && *listed) {
    auto text = read_file(fs::u8path(listed));
    if (text) {
      auto l = ListedSystemLogs::parse(*text);
      if (l) return std::make_unique<ListedSystemLogs>(std::move(*l));
    }
  }
#ifdef _WIN32
  const char* windir = std::getenv("SystemRoot");
  return std::make_unique<WindowsSystemLogs>(fs::u8path(windir ? windir : "C:\\Windows"));
#else
  return std::make_unique<LinuxSystemLogs>();
#endif
}

// --vendor: the vendor's own collection (non-error QA 29) started or guided,
// then waited for; `found` is the zip it finished.
void run_vendor_collect(const CollectOptions& opts, CollectorRecord& rec, std::optional<fs::path>& found) {
  if (!opts.root) {
    rec.status = "unavailable";
    rec.error = "no install root (--root or CAORA_ROOT)";
    return;
  }
  VendorPlan plan = plan_vendor_collect(opts.snapshot, opts.profile, *opts.root);
  rec.extra["mode"] = plan.mode == VendorMode::Run ? "run" : "guide";
  rec.extra["reader_version"] = plan.version.empty() ? nlohmann::json(nullptr) : nlohmann::json(plan.version);
  if (plan.mode == VendorMode::Run) {
    rec.extra["shortcut"] = display_path(plan.shortcut);
    rec.extra["shortcut_assumed"] = plan.shortcut_assumed;
    std::error_code ec;
    if (!fs::exists(plan.shortcut, ec)) {
      rec.status = "failed";
      rec.error = "the log collection shortcut is not at " + display_path(plan.shortcut) +
                  " (run the vendor's log collection by hand, non-error QA 29)";
      return;
    }
  }
  if (opts.vendor_guide && !opts.vendor_guide(plan)) {
    rec.status = "failed";
    rec.error = "stopped before the vendor's log collection";
    return;
  }
  // Seconds granularity: a zip written in the second the run starts still counts.
  std::time_t started = std::time(nullptr) - 1;
  std::mutex mu;
  std::optional<std::string> run_error;
  std::thread runner;
  if (plan.mode == VendorMode::Run) {
    runner = std::thread([&] {
      auto r = run_process(plan.argv, opts.vendor_run_timeout_seconds, size_t{1} << 20);
      std::lock_guard<std::mutex> lock(mu);
      if (!r) run_error = r.error().message.en;
      else if (r->timed_out) run_error = "the vendor's log collection was still running after " +
                                         std::to_string(int(opts.vendor_run_timeout_seconds)) + " s";
      else if (r->exit_code != 0) run_error = "the vendor's log collection ended with exit code " + std::to_string(r->exit_code);
    });
  }
  SteadyClock real;
  VendorWait w;
  w.clock = opts.clock ? opts.clock : &real;
  w.timeout_s = opts.vendor_wait_seconds;
  w.started = started;
  auto last_line = SteadyTime::now() - std::chrono::seconds(10);
  w.tick = [&](double remaining, double waited, uint64_t size) {
    if (opts.progress && SteadyTime::now() - last_line >= std::chrono::seconds(1)) {
      last_line = SteadyTime::now();
      std::string of = std::to_string(int(waited)), limit = std::to_string(int(waited + remaining));
      Text line{plan.zip_name + " を待っています: " + of + " / " + limit + " 秒",
                "waiting for " + plan.zip_name + ": " + of + " s of " + limit + " s"};
      if (size > 0) {
        line.ja += "、いま " + std::to_string(size / 1024) + " KiB";
        line.en += ", " + std::to_string(size / 1024) + " KiB so far";
      }
      opts.progress(line);
    }
    return true;
  };
  w.failed = [&]() -> std::optional<std::string> {
    std::lock_guard<std::mutex> lock(mu);
    return run_error;
  };
  VendorWaitResult r = wait_for_vendor_zip(plan, w);
  if (runner.joinable()) runner.join();
  rec.extra["waited_seconds"] = std::round(r.waited_s * 10) / 10;
  if (r.end == WatchEnd::Seen && r.zip) {
    found = r.zip;
    rec.extra["zip"] = display_path(*r.zip);
    return;
  }
  if (!r.error.empty()) {
    rec.status = "failed";
    rec.error = r.error;
    return;
  }
  rec.status = "timed_out";
  rec.timed_out = true;
  rec.error = plan.zip_name + (r.partial_zip ? " was still being written" : " did not appear") + " after " +
              std::to_string(int(opts.vendor_wait_seconds)) + " s";
  if (r.partial_zip) rec.extra["incomplete"] = display_path(*r.partial_zip);
}

Expected<CollectResult> collect_logs(const CollectOptions& opts) {
  fs::path out;
  if (opts.output) out = *opts.output;
  else if (opts.redact_existing)
    out = opts.redact_existing->parent_path() / fs::u8path(opts.redact_existing->stem().u8string() + "-redacted.zip");
  else out = fs::u8path(default_bundle_name());
  TRY_ASSIGN(out, check_output(opts, out));
  if (opts.redact_existing) {
    std::error_code ec;
    if (!fs::is_regular_file(*opts.redact_existing, ec))
      return make_error(ErrorKind::NotFound, "zip ファイルがありません: " + display_path(*opts.redact_existing),
                        "no such zip file: " + display_path(*opts.redact_existing));
  }

  Run run(opts, random_hex(32));
  std::vector<CollectorRecord> records;
  std::vector<Item> items;
  nlohmann::json not_followed = nlohmann::json::array();
  std::time_t now = std::time(nullptr);
  std::time_t cutoff = opts.since_days > 0 ? now - std::time_t(opts.since_days) * 86400 : 0;
  auto collector = [&](const std::string& name, const std::function<void(CollectorRecord&)>& fn) {
    CollectorRecord rec;
    rec.name = name;
    auto t0 = SteadyTime::now();
    if (run.past_deadline()) {
      rec.status = "skipped";
      rec.error = "the run's deadline passed first";
    } else {
      fn(rec);
    }
    rec.seconds = seconds_since(t0);
    records.push_back(std::move(rec));
  };
  auto generated = [&](const std::string& path, const std::string& name, std::string bytes) {
    Item it;
    it.bundle_path = path;
    it.collector = name;
    it.bytes = std::move(bytes);
    it.size = it.bytes.size();
    it.mtime = now;
    items.push_back(std::move(it));
  };

  if (opts.redact_existing) {
    collector("redact-existing", [&](CollectorRecord& rec) {
      Status s = for_each_zip_member(&*opts.redact_existing, nullptr, kZipMemberLimit, [&](ZipEntryData& e) -> Status {
        Item it;
        it.bundle_path = e.name;
        it.collector = "redact-existing";
        it.bytes = std::move(e.data);
        it.size = it.bytes.size();
        it.mtime = e.mtime;
        it.note = {{"source", display_path(*opts.redact_existing) + "!" + e.name}};
        it.zip = looks_like_zip(e.name, it.bytes);
        if (!opts.with_images && is_image_path(e.name)) {
          rec.extra["left_out"].push_back(e.name);
          return ok_status();
        }
        items.push_back(std::move(it));
        return ok_status();
      });
      if (!s) {
        rec.status = "failed";
        rec.error = s.error().message.en;
      }
    });
    if (records.back().status == "failed") return make_error(ErrorKind::Parse, "zip を読めません: " + records.back().error,
                                                             "cannot read the zip: " + records.back().error);
  } else {
    collector("snapshot", [&](CollectorRecord&) { generated("snapshot.json", "snapshot", opts.snapshot.dump(2) + "\n"); });
    nlohmann::json journal = journal_json(opts.state_dir);
    Expected<std::vector<TicketField>> ticket = make_ticket(opts.snapshot, journal, opts.ticket);
    if (!ticket) return ticket.error();
    collector("ticket", [&](CollectorRecord&) {
      generated("ticket.txt", "ticket", ticket_text(*ticket));
      generated("ticket.json", "ticket", ticket_json(*ticket).dump(2) + "\n");
    });
    collector("state", [&](CollectorRecord& rec) {
      for (const char* name : {"journal.jsonl", "inventory.json"}) {
        fs::path p = opts.state_dir / name;
        std::error_code ec;
        if (!fs::is_regular_file(p, ec)) {
          rec.extra["absent"].push_back(name);
          continue;
        }
        Item it;
        it.bundle_path = std::string("caora/") + name;
        it.collector = "state";
        it.source = p;
        it.mtime = modified_time(p);
        it.size = fs::file_size(p, ec);
        items.push_back(std::move(it));
      }
    });
    collector("app-logs", [&](CollectorRecord& rec) {
      rec.extra["assumed"] = !opts.profile.contains("app_logs") || opts.profile["app_logs"].value("assumed", true);
      if (!opts.root) {
        rec.status = "unavailable";
        rec.error = "no install root (--root or CAORA_ROOT)";
        return;
      }
      for (const auto& d : profile_list(opts.profile, "app_logs", "dirs", {"OnlineAuthApp/App/Execute/log"})) {
        fs::path dir = *opts.root / fs::u8path(d);
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) {
          rec.extra["absent"].push_back(d);
          continue;
        }
        walk(dir, "app-logs/" + d + "/", "app-logs", cutoff, items, rec, not_followed, opts.with_images);
      }
    });
    std::optional<fs::path> vendor_zip;
    if (opts.vendor) collector("vendor-run", [&](CollectorRecord& rec) { run_vendor_collect(opts, rec, vendor_zip); });
    collector("vendor-log-collect", [&](CollectorRecord& rec) {
      if (!opts.root) {
        rec.status = "unavailable";
        rec.error = "no install root (--root or CAORA_ROOT)";
        return;
      }
      std::string zip_name = profile_string(opts.profile, "vendor_log_collect", "file", "CaoraLogCollect.zip");
      std::optional<fs::path> newest;
      std::time_t newest_t = 0;
      for (const auto& d : profile_list(opts.profile, "vendor_log_collect", "dirs",
                                        {"OnlineAuthApp/App/Execute/logManualCollect",
                                         "OnlineAuthApp/App/Execute/LogManualCollect"})) {
        fs::path p = *opts.root / fs::u8path(d) / fs::u8path(zip_name);
        std::error_code ec;
        if (!fs::is_regular_file(p, ec)) continue;
        // One the vendor's tool is still writing has no end record yet: half a zip is no evidence.
        if (!zip_looks_complete(p)) {
          rec.extra["incomplete"].push_back(display_path(p));
          continue;
        }
        std::time_t t = modified_time(p);
        if (!newest || t > newest_t) {
          newest = p;
          newest_t = t;
        }
      }
      if (vendor_zip) {
        newest = vendor_zip;
        newest_t = modified_time(*vendor_zip);
      }
      if (!newest) {
        rec.status = "unavailable";
        rec.error = zip_name + " not found (the vendor's log collection has not been run)";
        return;
      }
      double age_hours = double(now - newest_t) / 3600.0;
      rec.extra["age_hours"] = std::round(age_hours * 10) / 10;
      Item it;
      it.bundle_path = "vendor/" + zip_name;
      it.collector = "vendor-log-collect";
      it.source = *newest;
      it.mtime = newest_t;
      std::error_code ec;
      it.size = fs::file_size(*newest, ec);
      it.zip = true;
      it.note = {{"age_hours", rec.extra["age_hours"]}};
      items.push_back(std::move(it));
    });
    if (opts.system_logs) {
      fs::path scratch = opts.state_dir / ("collect-" + random_hex(6));
      bool scratch_made = false;
      for (const auto& sc : opts.system_logs->collectors(opts.since_days, scratch)) {
        if (!scratch_made && sc.temporary) {
          scratch_made = bool(make_private_dirs(scratch));
        }
        collector(sc.name, [&](CollectorRecord& rec) { run_system_collector(run, sc, items, rec); });
        if (opts.progress && seconds_since(run.started) > 1.0) opts.progress({sc.name + " を集めました", sc.name + " done"});
      }
      std::error_code ec;
      if (scratch_made) fs::remove_all(scratch, ec);
    }
    for (const auto& inc : opts.includes) {
      collector("include:" + display_path(inc), [&](CollectorRecord& rec) {
        std::error_code ec;
        auto st = fs::symlink_status(inc, ec);
        if (ec || !fs::exists(st)) {
          rec.status = "failed";
          rec.error = display_path(inc) + " does not exist";
          return;
        }
        std::string prefix = "include/" + fs::absolute(inc).filename().u8string();
        if (fs::is_directory(inc, ec)) {
          walk(inc, prefix + "/", "include:" + display_path(inc), 0, items, rec, not_followed, opts.with_images);
          return;
        }
        Item it;
        it.bundle_path = prefix;
        it.collector = "include:" + display_path(inc);
        it.source = inc;
        it.mtime = modified_time(inc);
        it.size = fs::file_size(inc, ec);
        it.zip = ends_with_ci(prefix, ".zip");
        items.push_back(std::move(it));
      });
    }
  }

  // Newest first, so a deadline cuts the oldest; generated files lead.
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (bool(a.source) != bool(b.source)) return !a.source;
    return a.mtime > b.mtime;
  });
  // Two items must not share a path in the bundle.
  {
    std::map<std::string, int> seen;
    for (auto& it : items) {
      int n = seen[it.bundle_path]++;
      if (n > 0) it.bundle_path += "." + std::to_string(n);
    }
  }

  int threads = std::max(1, opts.threads);
  auto parallel = [&](const std::function<void(const Item&)>& fn) {
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next++) < items.size();) fn(items[i]);
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
  };

  if (opts.redact) {
    if (opts.progress && seconds_since(run.started) > 1.0)
      opts.progress({std::to_string(items.size()) + " ファイルから伏せる値を探しています",
                     "scanning " + std::to_string(items.size()) + " files for values to redact"});
    parallel([&](const Item& it) { learn_item(run, it); });
  }

  // The bundle goes to a temp file beside FILE, renamed only once complete.
  fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  remove_stale_temp_files(dir);
  fs::path tmp = dir / fs::u8path("." + out.filename().u8string() + ".caora-" + std::to_string(current_pid()) + "-" +
                                   random_hex(4) + ".tmp");
#ifdef _WIN32
  int fd = _wopen(tmp.c_str(), _O_WRONLY | _O_CREAT | _O_EXCL | _O_BINARY, _S_IREAD | _S_IWRITE);
#else
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
#endif
  if (fd < 0) return errno_error(errno, tmp, "作成", "create");
  auto fail = [&](const Error& e) -> Error {
#ifdef _WIN32
    _close(fd);
#else
    ::close(fd);
#endif
    std::error_code ec;
    fs::remove(tmp, ec);
    return e;
  };
  HashingFdSink sink(fd, tmp);
  ZipWriter writer(sink);
  run.writer = &writer;
  if (opts.progress && seconds_since(run.started) > 1.0) opts.progress({std::to_string(items.size()) + " ファイルを書き込んでいます", "writing " + std::to_string(items.size()) + " files"});
  std::atomic<bool> stop{false};
  std::mutex skip_mu;
  parallel([&](const Item& it) {
    if (stop) return;
    if (run.past_deadline()) {
      std::lock_guard<std::mutex> lock(skip_mu);
      run.cut_by_deadline[it.collector].push_back(it.bundle_path);
      return;
    }
    write_item(run, it);
    {
      std::lock_guard<std::mutex> lock(run.mu);
      if (run.write_failed) stop = true;
      progress(run);
    }
  });
  if (run.write_failed) return fail(run.write_error);

  for (auto& rec : records) {
    auto cut = run.cut_by_deadline.find(rec.name);
    if (cut != run.cut_by_deadline.end()) {
      rec.status = "partial";
      rec.timed_out = true;
      rec.error = std::to_string(cut->second.size()) + " file(s) left out when the run's deadline passed";
      rec.extra["cut_by_deadline"] = cut->second;
    }
    auto un = run.unreadable_by_collector.find(rec.name);
    if (un != run.unreadable_by_collector.end()) {
      if (rec.status == "ok") rec.status = "partial";
      if (rec.error.empty()) rec.error = std::to_string(un->second) + " file(s) could not be read";
    }
  }
  CollectResult result;
  nlohmann::json collectors = nlohmann::json::array();
  for (const auto& rec : records) {
    nlohmann::json c = {{"name", rec.name}, {"status", rec.status}, {"seconds", std::round(rec.seconds * 1000) / 1000},
                        {"timed_out", rec.timed_out}, {"error", rec.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(rec.error)}};
    if (!rec.extra.empty()) c.update(rec.extra);
    collectors.push_back(c);
    if (rec.status == "partial" || rec.status == "failed" || rec.status == "timed_out" || rec.status == "skipped")
      result.partial.push_back(rec.name);
  }
  std::sort(run.files.begin(), run.files.end(), [](const auto& a, const auto& b) { return a["path"] < b["path"]; });
  nlohmann::json manifest = {{"schema", kBundleSchema},
                             {"caora_version", opts.caora_version},
                             {"created_at", now_iso8601()},
                             {"options", opts.options_json},
                             {"redacted", opts.redact},
                             {"since_days", opts.since_days},
                             {"files", run.files},
                             {"collectors", collectors},
                             {"redactions", run.totals},
                             {"unreadable", run.unreadable},
                             {"not_followed", not_followed},
                             {"partial", result.partial}};
  Status m = writer.add(make_member("manifest.json", manifest.dump(2) + "\n", now));
  if (!m) return fail(m.error());
  Status f = writer.finish();
  if (!f) return fail(f.error());
  if (!sync_fd(fd)) return fail(errno_error(errno, tmp, "ディスクへの書き出し", "flush"));
#ifdef _WIN32
  _close(fd);
#else
  ::close(fd);
#endif
  result.sha256 = sink.hash.hex_digest();
  result.bundle = out;
  result.redactions = run.totals;
  result.manifest = manifest;
  auto drop_tmp = [&](const Error& e) -> Error {
    std::error_code ec;
    fs::remove(tmp, ec);
    return e;
  };
  // The map and the checksum first: a bundle at FILE always has both beside it.
  if (opts.redact) {
    fs::path map_path = out;
    map_path += ".map.json";
    nlohmann::json map = {{"schema", "caora.redaction-map/1"}, {"bundle", out.filename().u8string()},
                          {"note", "Private: the originals behind the bundle's tokens. Keep it off the bundle and off e-mail."},
                          {"tokens", nlohmann::json::object()}};
    for (const auto& [token, e] : run.redactor.map()) map["tokens"][token] = {{"kind", e.kind}, {"original", e.original}};
    WriteOptions wo;
    wo.private_mode = true;
    Status w = write_file_atomic(map_path, map.dump(2) + "\n", wo);
    if (!w) return drop_tmp(w.error());
    result.map = map_path;
  }
  fs::path sum_path = out;
  sum_path += ".sha256";
  Status s = write_file_atomic(sum_path, result.sha256 + "  " + out.filename().u8string() + "\n");
  if (!s) return drop_tmp(s.error());
  std::error_code ec;
  fs::rename(tmp, out, ec);
  if (ec) return drop_tmp(fs_error(ec, out, "名前の変更", "rename"));
  sync_dir(dir);
  return result;
}

}  // namespace caora
