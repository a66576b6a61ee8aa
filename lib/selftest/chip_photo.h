// The chip stage as the card self-test runs it: after the card face has given a
// 照合番号B, VERIFY it on the card in a PC/SC reader, read the face photo, decode
// it (JPEG 2000) and, when asked, write it as PNG. Lives beside the OCR because
// it needs the image codecs of the pipeline libraries.
#pragma once

#include <optional>
#include <string>

#include "card/chip_stage.h"
#include "card/verification_number_b.h"

namespace caora::card {

ChipStageResult run_chip_with_photo(const std::string& reader, const VerificationNumberB& number, bool force,
                                    const std::optional<std::string>& photo_png);

}  // namespace caora::card
