// JPEG 2000, the format the My Number card's chip stores the face photo in
// (greyscale, a few kB). Decoding is what the self-test needs for a reference
// read off a card; encoding is there to make such references from ordinary
// photos for tests and measurements.
#pragma once

#include <string>

#include "core/result.h"
#include "image/image.h"

namespace caora {

// True for a JP2 file or a raw J2K codestream.
bool looks_like_jpeg2000(const std::string& bytes);
// Decodes a JP2 file or a J2K codestream (1 component: greyscale; 3 or more: RGB;
// any precision, scaled to 8 bits). Errors as values, never a crash.
Expected<RgbImage> decode_jpeg2000(const std::string& bytes);
// Encodes `image` as a greyscale JP2 file of about `target_bytes` (lossy, one layer).
Expected<std::string> encode_jp2_grey(const RgbImage& image, size_t target_bytes);

}  // namespace caora
