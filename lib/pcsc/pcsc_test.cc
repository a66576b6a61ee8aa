#include "pcsc/pcsc.h"

#include <catch2/catch.hpp>

using namespace caora;
using namespace caora::pcsc;

TEST_CASE("readers are split into units and foreign readers by name") {
  auto split = classify_readers({"PFU Caora 2113001 00 00", "SONY FeliCa Port/PaSoRi 4.0 00 00", "caora (2113002) 01 00",
                                 "Virtual PCD 00 00"},
                                usb::embedded_unit_table());
  CHECK(split.units == std::vector<std::string>{"PFU Caora 2113001 00 00", "caora (2113002) 01 00"});
  CHECK(split.foreign == std::vector<std::string>{"SONY FeliCa Port/PaSoRi 4.0 00 00", "Virtual PCD 00 00"});
  CHECK(classify_readers({}, usb::embedded_unit_table()).units.empty());
}

TEST_CASE("hold states have names for evidence") {
  CHECK(std::string(hold_name(Hold::Exclusive)) == "exclusive");
  CHECK(std::string(hold_name(Hold::NoCard)) == "no card");
}
