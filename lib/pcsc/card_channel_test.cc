#include "pcsc/card_channel.h"

#include <cstdlib>
#include <fstream>

#include <catch2/catch.hpp>

#include "card/chip_stage.h"
#include "core/fs.h"
// The face library (JPEG 2000, PNG) is left out of the Windows build.
#if defined(CAORA_FACE) || !defined(CAORA_LIVE_WINDOWS)
#define CAORA_CHIP_DRIVER_DECODES 1
#include "image/image_io.h"
#include "image/jp2.h"
#endif

using namespace caora;
using namespace caora::pcsc;

TEST_CASE("a reader is named in full, or by the start of its name", "[pcsc]") {
  const std::vector<std::string> readers = {"PFU Caora 2113001 00 00", "PFU Caora 2113001 01 00", "SONY FeliCa Port 00 00"};
  CHECK(matching_readers(readers, "PFU Caora 2113001 01 00") == std::vector<std::string>{"PFU Caora 2113001 01 00"});
  CHECK(matching_readers(readers, "sony felica") == std::vector<std::string>{"SONY FeliCa Port 00 00"});
  // Two slots of one unit: the whole name is needed.
  CHECK(matching_readers(readers, "PFU Caora").size() == 2);
  CHECK(matching_readers(readers, "Caora").empty());  // the start of the name, not any part
  CHECK(matching_readers(readers, "").empty());
  CHECK(matching_readers({}, "PFU").empty());
}

// Driven by tests/live/test_selftest_chip.py against a private pcscd with vpcd
// readers and the virtual My Number Card (tests/live/mynumber_card.py): the
// real PC/SC client code end to end. The script sets the card up, names the
// reader and the number, and checks the JSON written here against the card's
// own state. Hidden: it needs those parts.
TEST_CASE("chip stage against a live reader", "[.pcsc-live]") {
  auto env = [](const char* name) {
    const char* v = std::getenv(name);
    return std::string(v ? v : "");
  };
  const std::string reader = env("CAORA_LIVE_READER"), digits = env("CAORA_LIVE_NUMBER"), out = env("CAORA_LIVE_OUT");
  REQUIRE(!reader.empty());
  REQUIRE(digits.size() == 14);
  REQUIRE(!out.empty());
  // The script passes a 昭和 date; the stage sends the digits as they are.
  auto birth = make_japanese_date(Era::Showa, std::stoi(digits.substr(0, 2)), std::stoi(digits.substr(2, 2)),
                                  std::stoi(digits.substr(4, 2)));
  REQUIRE(birth);
  auto number = VerificationNumberB::make(*birth, std::stoi(digits.substr(6, 4)), digits.substr(10, 4));
  REQUIRE(number);
  REQUIRE(number->digits() == digits);
  // The script times a card put in later from here, not from its own launch of this
  // process: starting a large test binary takes long under load.
  // A plain write: the file appears when opened, with nothing slow (fsync) after it.
  if (!env("CAORA_LIVE_READY").empty()) std::ofstream(env("CAORA_LIVE_READY")) << "waiting\n";
  auto r = run_chip_stage([](const std::string& name) { return connect_reader(name); }, reader, *number,
                          env("CAORA_LIVE_FORCE") == "1");
#if CAORA_CHIP_DRIVER_DECODES
  if (!r.photo.jp2.empty()) {
    auto image = decode_jpeg2000(r.photo.jp2);
    REQUIRE(image);
    r.photo.width = image->width;
    r.photo.height = image->height;
    auto png = encode_png(*image);
    REQUIRE(png);
    r.photo.written = out + ".png";
    REQUIRE(write_file_atomic(r.photo.written, *png));
  }
#endif
  auto doc = chip_stage_json(r);
  doc["text"] = {{"ja", chip_stage_text(r).ja}, {"en", chip_stage_text(r).en}};
  REQUIRE(write_file_atomic(out, doc.dump(2)));
}
