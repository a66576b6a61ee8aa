#include "core/zip_writer.h"

#include <libdeflate.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <memory>

#ifdef _WIN32
#include <io.h>
#else
#include <unistd.h>
#endif

namespace caora {

namespace {

constexpr uint32_t kMax32 = 0xFFFFFFFFu;

void put16(std::string& s, uint16_t v) {
  s.push_back(char(v & 0xFF));
  s.push_back(char(v >> 8));
}
void put32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(char((v >> (8 * i)) & 0xFF));
}
void put64(std::string& s, uint64_t v) {
  for (int i = 0; i < 8; ++i) s.push_back(char((v >> (8 * i)) & 0xFF));
}

void dos_time(std::time_t t, uint16_t& time, uint16_t& date) {
  std::tm tm{};
#ifdef _WIN32
  localtime_s(&tm, &t);
#else
  localtime_r(&t, &tm);
#endif
  if (tm.tm_year < 80) {  // zip cannot say before 1980
    time = 0;
    date = (1 << 5) | 1;
    return;
  }
  time = uint16_t((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
  date = uint16_t(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
}

Error zip_error(const std::string& what) {
  return make_error(ErrorKind::Internal, "zip を作成できません: " + what, "cannot write zip: " + what);
}

}  // namespace

Status StringSink::write(const void* data, size_t size) {
  bytes_.append(static_cast<const char*>(data), size);
  offset_ += size;
  return ok_status();
}

Status FdSink::write(const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    size_t chunk = size > (size_t{1} << 30) ? (size_t{1} << 30) : size;
#ifdef _WIN32
    int n = ::_write(fd_, p, unsigned(chunk));
#else
    ssize_t n = ::write(fd_, p, chunk);
#endif
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(errno, path_, "書き込み", "write");
    }
    p += n;
    size -= size_t(n);
    offset_ += uint64_t(n);
  }
  return ok_status();
}

uint32_t crc32_of(const void* data, size_t size, uint32_t crc) { return libdeflate_crc32(crc, data, size); }

ZipMember make_member(std::string name, const std::string& raw, std::time_t mtime, int level) {
  ZipMember m;
  m.name = std::move(name);
  m.mtime = mtime;
  m.size = raw.size();
  m.crc = crc32_of(raw.data(), raw.size());
  if (!raw.empty()) {
    // One compressor per thread: allocating one costs more than a small member.
    thread_local std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> c{nullptr,
                                                                                          libdeflate_free_compressor};
    thread_local int c_level = -1;
    if (!c || c_level != level) {
      c.reset(libdeflate_alloc_compressor(level));
      c_level = level;
    }
    // The bound is about the input's size, and logs deflate to a tenth of it:
    // a buffer kept per thread spares zeroing and faulting in that much per member.
    thread_local std::unique_ptr<char[]> out;
    thread_local size_t out_size = 0;
    size_t bound = libdeflate_deflate_compress_bound(c.get(), raw.size());
    if (out_size < bound) {
      out.reset(new char[bound]);
      out_size = bound;
    }
    size_t n = libdeflate_deflate_compress(c.get(), raw.data(), raw.size(), out.get(), out_size);
    if (n > 0 && n < raw.size()) {
      m.data.assign(out.get(), n);
      m.deflated = true;
      return m;
    }
  }
  m.data = raw;
  return m;
}

struct ZipWriter::Stream {
  z_stream z{};
  Entry entry{};
  std::string out;
};

ZipWriter::ZipWriter(ZipSink& sink) : sink_(sink) {}

ZipWriter::~ZipWriter() {
  if (stream_) {
    deflateEnd(&stream_->z);
    delete stream_;
  }
}

Status ZipWriter::add(const ZipMember& m) {
  if (stream_) return zip_error("a streamed member is still open");
  Entry e{};
  e.name = m.name;
  e.crc = m.crc;
  e.csize = m.data.size();
  e.usize = m.size;
  e.offset = sink_.offset();
  e.method = m.deflated ? 8 : 0;
  e.flags = 0x800;  // names are UTF-8
  dos_time(m.mtime, e.dos_time, e.dos_date);
  e.zip64 = e.csize >= kMax32 || e.usize >= kMax32;
  std::string h;
  put32(h, 0x04034b50);
  put16(h, e.zip64 ? 45 : 20);
  put16(h, e.flags);
  put16(h, e.method);
  put16(h, e.dos_time);
  put16(h, e.dos_date);
  put32(h, e.crc);
  put32(h, e.zip64 ? kMax32 : uint32_t(e.csize));
  put32(h, e.zip64 ? kMax32 : uint32_t(e.usize));
  put16(h, uint16_t(e.name.size()));
  put16(h, e.zip64 ? 20 : 0);
  h += e.name;
  if (e.zip64) {
    put16(h, 1);
    put16(h, 16);
    put64(h, e.usize);
    put64(h, e.csize);
  }
  TRY(sink_.write(h.data(), h.size()));
  TRY(sink_.write(m.data.data(), m.data.size()));
  entries_.push_back(std::move(e));
  return ok_status();
}

Status ZipWriter::begin_stream(const std::string& name, std::time_t mtime, int level) {
  if (stream_) return zip_error("a streamed member is still open");
  auto s = std::make_unique<Stream>();
  if (deflateInit2(&s->z, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return zip_error("deflateInit2");
  Entry& e = s->entry;
  e.name = name;
  e.offset = sink_.offset();
  e.method = 8;
  e.flags = 0x808;  // UTF-8 names, sizes in a data descriptor
  e.zip64 = true;
  dos_time(mtime, e.dos_time, e.dos_date);
  std::string h;
  put32(h, 0x04034b50);
  put16(h, 45);
  put16(h, e.flags);
  put16(h, e.method);
  put16(h, e.dos_time);
  put16(h, e.dos_date);
  put32(h, 0);
  put32(h, kMax32);
  put32(h, kMax32);
  put16(h, uint16_t(e.name.size()));
  put16(h, 20);
  h += e.name;
  put16(h, 1);
  put16(h, 16);
  put64(h, 0);
  put64(h, 0);
  Status w = sink_.write(h.data(), h.size());
  if (!w) {
    deflateEnd(&s->z);
    return w;
  }
  stream_ = s.release();
  return ok_status();
}

Status ZipWriter::deflate_chunk(const void* data, size_t size, int flush) {
  z_stream& z = stream_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<void*>(data));
  z.avail_in = uInt(size);
  std::string& out = stream_->out;
  out.resize(1 << 18);
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    rc = deflate(&z, flush);
    if (rc == Z_STREAM_ERROR) return zip_error("deflate");
    size_t have = out.size() - z.avail_out;
    stream_->entry.csize += have;
    TRY(sink_.write(out.data(), have));
  } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
  return ok_status();
}

Status ZipWriter::stream_write(const void* data, size_t size) {
  if (!stream_) return zip_error("no streamed member is open");
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    size_t n = size > (size_t{1} << 30) ? (size_t{1} << 30) : size;
    stream_->entry.crc = crc32_of(p, n, stream_->entry.crc);
    stream_->entry.usize += n;
    TRY(deflate_chunk(p, n, Z_NO_FLUSH));
    p += n;
    size -= n;
  }
  return ok_status();
}

Status ZipWriter::end_stream() {
  if (!stream_) return zip_error("no streamed member is open");
  Status d = deflate_chunk(nullptr, 0, Z_FINISH);
  deflateEnd(&stream_->z);
  Entry e = stream_->entry;
  delete stream_;
  stream_ = nullptr;
  TRY(d);
  std::string h;
  put32(h, 0x08074b50);
  put32(h, e.crc);
  put64(h, e.csize);
  put64(h, e.usize);
  TRY(sink_.write(h.data(), h.size()));
  entries_.push_back(std::move(e));
  return ok_status();
}

Status ZipWriter::finish() {
  if (stream_) return zip_error("a streamed member is still open");
  uint64_t cd_offset = sink_.offset();
  std::string cd;
  bool any64 = entries_.size() >= 0xFFFF;
  for (const Entry& e : entries_) {
    bool big = e.zip64 || e.csize >= kMax32 || e.usize >= kMax32;
    bool far = e.offset >= kMax32;
    any64 = any64 || big || far;
    std::string extra;
    if (big || far) {
      put16(extra, 1);
      put16(extra, uint16_t((big ? 16 : 0) + (far ? 8 : 0)));
      if (big) {
        put64(extra, e.usize);
        put64(extra, e.csize);
      }
      if (far) put64(extra, e.offset);
    }
    put32(cd, 0x02014b50);
    put16(cd, (3 << 8) | 45);  // made by: Unix, 4.5
    put16(cd, (big || far) ? 45 : 20);
    put16(cd, e.flags);
    put16(cd, e.method);
    put16(cd, e.dos_time);
    put16(cd, e.dos_date);
    put32(cd, e.crc);
    put32(cd, big ? kMax32 : uint32_t(e.csize));
    put32(cd, big ? kMax32 : uint32_t(e.usize));
    put16(cd, uint16_t(e.name.size()));
    put16(cd, uint16_t(extra.size()));
    put16(cd, 0);  // comment
    put16(cd, 0);  // disk
    put16(cd, 0);  // internal attributes
    put32(cd, uint32_t(0100644) << 16);
    put32(cd, far ? kMax32 : uint32_t(e.offset));
    cd += e.name;
    cd += extra;
  }
  TRY(sink_.write(cd.data(), cd.size()));
  uint64_t cd_size = cd.size();
  any64 = any64 || cd_offset >= kMax32 || cd_size >= kMax32;
  std::string end;
  if (any64) {
    uint64_t z64_offset = sink_.offset();
    put32(end, 0x06064b50);
    put64(end, 44);
    put16(end, 45);
    put16(end, 45);
    put32(end, 0);
    put32(end, 0);
    put64(end, entries_.size());
    put64(end, entries_.size());
    put64(end, cd_size);
    put64(end, cd_offset);
    put32(end, 0x07064b50);
    put32(end, 0);
    put64(end, z64_offset);
    put32(end, 1);
  }
  put32(end, 0x06054b50);
  put16(end, 0);
  put16(end, 0);
  uint16_t n16 = entries_.size() >= 0xFFFF ? 0xFFFF : uint16_t(entries_.size());
  put16(end, n16);
  put16(end, n16);
  put32(end, cd_size >= kMax32 ? kMax32 : uint32_t(cd_size));
  put32(end, cd_offset >= kMax32 ? kMax32 : uint32_t(cd_offset));
  put16(end, 0);
  return sink_.write(end.data(), end.size());
}

}  // namespace caora
