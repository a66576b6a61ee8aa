#include "card/tlv.h"

namespace caora {

static Error tlv_error(size_t pos, const std::string& ja, const std::string& en) {
  return make_error(ErrorKind::Parse, "TLV（位置 " + std::to_string(pos) + "）: " + ja, "TLV at offset " + std::to_string(pos) + ": " + en);
}

static Expected<std::pair<uint32_t, size_t>> read_header(const std::string& b, size_t pos, size_t* header) {
  size_t p = pos;
  if (p >= b.size()) return tlv_error(pos, "タグがありません", "no tag");
  uint32_t tag = static_cast<unsigned char>(b[p++]);
  if ((tag & 0x1F) == 0x1F) {
    int more = 0;
    do {
      if (p >= b.size()) return tlv_error(pos, "タグが途中で切れています", "truncated tag");
      if (++more > 3) return tlv_error(pos, "タグが長すぎます", "tag too long");
      tag = (tag << 8) | static_cast<unsigned char>(b[p]);
    } while (static_cast<unsigned char>(b[p++]) & 0x80);
  }
  if (p >= b.size()) return tlv_error(pos, "長さがありません", "no length");
  size_t len = static_cast<unsigned char>(b[p++]);
  if (len & 0x80) {
    size_t n = len & 0x7F;
    if (n == 0 || n > 3) return tlv_error(pos, "長さの形式が不正です", "unsupported length form");
    if (p + n > b.size()) return tlv_error(pos, "長さが途中で切れています", "truncated length");
    len = 0;
    for (size_t i = 0; i < n; ++i) len = (len << 8) | static_cast<unsigned char>(b[p++]);
  }
  *header = p - pos;
  return std::make_pair(tag, len);
}

Expected<Tlv> parse_tlv(const std::string& b, size_t& pos) {
  size_t header = 0;
  auto h = read_header(b, pos, &header);
  if (!h) return h.error();
  size_t len = h->second;
  if (len > b.size() - pos - header) return tlv_error(pos, "値がデータの終わりを超えています", "value runs past the end of the data");
  Tlv t;
  t.tag = h->first;
  t.header_size = header;
  t.value = b.substr(pos + header, len);
  pos += header + len;
  return t;
}

Expected<std::vector<Tlv>> parse_tlv_list(const std::string& b) {
  std::vector<Tlv> out;
  size_t pos = 0;
  while (pos < b.size()) {
    unsigned char c = b[pos];
    if (c == 0x00 || c == 0xFF) {
      // Padding after the last object: only if nothing else follows.
      if (b.find_first_not_of(std::string(1, static_cast<char>(c)), pos) == std::string::npos) break;
    }
    auto t = parse_tlv(b, pos);
    if (!t) return t.error();
    out.push_back(std::move(t.value()));
  }
  return out;
}

Expected<size_t> tlv_total_size(const std::string& head) {
  size_t header = 0;
  auto h = read_header(head, 0, &header);
  if (!h) return h.error();
  return header + h->second;
}

}  // namespace caora
