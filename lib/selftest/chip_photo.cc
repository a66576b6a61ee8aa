#include "selftest/chip_photo.h"

#include <chrono>

#include "core/fs.h"
#include "image/image_io.h"
#include "image/jp2.h"
#include "pcsc/card_channel.h"

namespace caora::card {

ChipStageResult run_chip_with_photo(const std::string& reader, const VerificationNumberB& number, bool force,
                                    const std::optional<std::string>& photo_png) {
  auto chip = run_chip_stage([](const std::string& name) { return pcsc::connect_reader(name); }, reader, number, force);
  if (chip.photo.jp2.empty()) return chip;
  auto start = std::chrono::steady_clock::now();
  auto image = decode_jpeg2000(chip.photo.jp2);
  if (!image) {
    chip.photo.error = Text{"顔写真（JPEG 2000）を復号できません: " + image.error().message.ja,
                            "the face photo (JPEG 2000) cannot be decoded: " + image.error().message.en};
    return chip;
  }
  chip.photo.width = image->width;
  chip.photo.height = image->height;
  if (photo_png) {
    auto png = encode_png(*image);
    Status written = png ? write_file_atomic(*photo_png, *png) : Status(png.error());
    if (written)
      chip.photo.written = *photo_png;
    else
      chip.photo.error = written.error().message;
  }
  auto total = chip.timings_ms.back();  // keep "total" last
  chip.timings_ms.pop_back();
  chip.timings_ms.push_back(
      {"photo", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count()});
  chip.timings_ms.push_back({total.first, total.second + chip.timings_ms.back().second});
  return chip;
}

}  // namespace caora::card
