#include "card/ocr/frame_header.h"

#include <cstdint>

namespace caora::card {

namespace {

uint32_t be32(const std::string& b, size_t i) {
  return uint32_t(uint8_t(b[i])) << 24 | uint32_t(uint8_t(b[i + 1])) << 16 | uint32_t(uint8_t(b[i + 2])) << 8 |
         uint8_t(b[i + 3]);
}
unsigned be16(const std::string& b, size_t i) { return unsigned(uint8_t(b[i])) << 8 | uint8_t(b[i + 1]); }

}  // namespace

std::optional<FrameSize> frame_size_from_header(const std::string& b) {
  // PNG: the signature, then IHDR with width and height as the first chunk.
  static const char kPng[] = "\x89PNG\r\n\x1a\n";
  if (b.size() >= 24 && b.compare(0, 8, kPng, 8) == 0 && b.compare(12, 4, "IHDR") == 0)
    return FrameSize{long(be32(b, 16)), long(be32(b, 20))};
  // JPEG: walk the markers to the first start-of-frame (SOF0..SOF15 but DHT, JPG, DAC).
  if (b.size() < 4 || uint8_t(b[0]) != 0xFF || uint8_t(b[1]) != 0xD8) return std::nullopt;
  size_t i = 2;
  while (i + 4 <= b.size()) {
    if (uint8_t(b[i]) != 0xFF) return std::nullopt;
    uint8_t marker = uint8_t(b[i + 1]);
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      i += 2;
      continue;
    }
    unsigned len = be16(b, i + 2);
    if (len < 2) return std::nullopt;
    bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof) {
      if (i + 9 > b.size() || len < 7) return std::nullopt;
      return FrameSize{long(be16(b, i + 7)), long(be16(b, i + 5))};
    }
    if (marker == 0xDA || marker == 0xD9) return std::nullopt;  // scan or end before any frame header
    i += 2 + len;
  }
  return std::nullopt;
}

}  // namespace caora::card
