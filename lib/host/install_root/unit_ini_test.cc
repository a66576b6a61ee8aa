#include "host/install_root/unit_ini.h"

#include <catch2/catch.hpp>

using namespace caora;

TEST_CASE("a healthy unit ini parses") {
  auto ini = parse_unit_ini("[Device]\r\nSerialNo=2113001\r\n; comment\r\nFirmwareVersion = CAORA_MSN_P2.11.7_A16.5.4\r\n");
  REQUIRE(ini.ok());
  REQUIRE(ini->find("FirmwareVersion") != nullptr);
  CHECK(*ini->find("FirmwareVersion") == "CAORA_MSN_P2.11.7_A16.5.4");
}

TEST_CASE("corrupt unit inis are recognised") {
  CHECK_FALSE(parse_unit_ini("").ok());
  CHECK_FALSE(parse_unit_ini(std::string("[Device]\r\nSerial\0\0\0", 19)).ok());
  CHECK_FALSE(parse_unit_ini("[Device\r\nA=1\r\n").ok());
  CHECK_FALSE(parse_unit_ini("[Device]\r\ngarbage line\r\n").ok());
  CHECK_FALSE(parse_unit_ini("; only a comment\r\n").ok());
  CHECK_FALSE(parse_unit_ini("\xFF\xFE[\x00").ok());
}
