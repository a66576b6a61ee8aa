// The image-size sniffer that refuses huge frames before decoding: any bytes.
#include <cstdint>
#include <string>

#include "card/ocr/frame_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto s = caora::card::frame_size_from_header(std::string(reinterpret_cast<const char*>(data), size));
  if (s && (s->width < 0 || s->height < 0)) __builtin_trap();
  return 0;
}
