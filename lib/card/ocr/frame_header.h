// An image's size read from its header, before anything is decoded, so that a
// 40-megapixel photo is refused with a clear message instead of costing 120 MB and
// seconds of decoding. PNG (IHDR) and JPEG (the SOF marker); anything else is left
// to the decoder to judge.
#pragma once

#include <optional>
#include <string>

namespace caora::card {

struct FrameSize {
  long width = 0;
  long height = 0;
};

std::optional<FrameSize> frame_size_from_header(const std::string& bytes);

// The slot camera's frame is about 2 megapixels (1200 x 1600); a phone photo of a card
// is up to 12. More is not a card camera's picture.
inline constexpr long kMaxFramePixels = 16L * 1000 * 1000;

}  // namespace caora::card
