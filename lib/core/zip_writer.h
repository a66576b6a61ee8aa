// A plain zip writer (PKWARE APPNOTE 6.3, zip64 where sizes or offsets need it)
// for archives built member by member: a member compressed beforehand in
// memory (libdeflate, on any thread) is written whole; a member too large to
// hold is streamed through zlib with a data descriptor after it. libzip cannot
// take data that is already compressed, nor write to a stream it does not own.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

#include "core/fs.h"

namespace caora {

// Where the archive's bytes go: a file descriptor or a string in memory (a zip
// inside a zip is built in memory, so nothing unredacted touches the disk).
class ZipSink {
 public:
  virtual ~ZipSink() = default;
  virtual Status write(const void* data, size_t size) = 0;
  uint64_t offset() const { return offset_; }

 protected:
  uint64_t offset_ = 0;
};

class StringSink : public ZipSink {
 public:
  Status write(const void* data, size_t size) override;
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

// Writes to an open descriptor; ENOSPC and the like come back as errors naming `path`.
class FdSink : public ZipSink {
 public:
  FdSink(int fd, fs::path path) : fd_(fd), path_(std::move(path)) {}
  Status write(const void* data, size_t size) override;

 private:
  int fd_;
  fs::path path_;
};

struct ZipMember {
  std::string name;      // UTF-8, forward slashes
  std::string data;      // compressed (or stored) bytes
  uint32_t crc = 0;      // of the uncompressed bytes
  uint64_t size = 0;     // uncompressed
  bool deflated = false;
  std::time_t mtime = 0;
};

// Compresses `raw` into a member (raw deflate via libdeflate at `level`, kept
// stored when deflate does not make it smaller). Safe on any thread.
ZipMember make_member(std::string name, const std::string& raw, std::time_t mtime, int level = 6);
uint32_t crc32_of(const void* data, size_t size, uint32_t crc = 0);

class ZipWriter {
 public:
  explicit ZipWriter(ZipSink& sink);
  ~ZipWriter();
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  Status add(const ZipMember& member);
  // A member written as it is produced: zlib deflate, zip64 sizes in a data descriptor.
  Status begin_stream(const std::string& name, std::time_t mtime, int level = 6);
  Status stream_write(const void* data, size_t size);
  Status end_stream();
  // The central directory and the end records; the writer is spent afterwards.
  Status finish();
  size_t member_count() const { return entries_.size(); }

 private:
  struct Entry {
    std::string name;
    uint32_t crc;
    uint64_t csize, usize, offset;
    uint16_t method, flags, dos_time, dos_date;
    bool zip64;
  };
  Status deflate_chunk(const void* data, size_t size, int flush);
  ZipSink& sink_;
  std::vector<Entry> entries_;
  struct Stream;
  Stream* stream_ = nullptr;
};

}  // namespace caora
