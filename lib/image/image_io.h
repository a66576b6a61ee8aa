// Reading images from files: JPEG (libjpeg), PNG (libpng) and JPEG 2000 (openjpeg, jp2.h), and writing PNG. Bad input is an error
// value, never a crash: truncated or corrupt files, zero-sized or huge images.
#pragma once

#include <string>

#include "core/result.h"
#include "image/image.h"

namespace caora {

// Larger than any camera frame or scan caora sees; refuses decompression bombs.
inline constexpr long kMaxImagePixels = 64L * 1000 * 1000;

// Decodes JPEG bytes (greyscale or colour) to RGB.
Expected<RgbImage> decode_jpeg(const std::string& bytes);
// Decodes PNG bytes (any bit depth, palette, alpha dropped) to RGB.
Expected<RgbImage> decode_png(const std::string& bytes);
// Decodes by content: JPEG, PNG or JPEG 2000.
Expected<RgbImage> decode_image(const std::string& bytes);
// Reads and decodes an image file by its content.
Expected<RgbImage> load_image(const std::string& path);
// PNG bytes of `image` (libpng's simplified API).
Expected<std::string> encode_png(const RgbImage& image);

}  // namespace caora
