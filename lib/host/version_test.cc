#include "host/version.h"

#include <catch2/catch.hpp>

using namespace caora;

static int cmp(const char* a, const char* b) {
  auto x = Version::parse(a);
  auto y = Version::parse(b);
  REQUIRE(x.ok());
  REQUIRE(y.ok());
  auto c = x->compare(*y);
  REQUIRE(c.has_value());
  return *c;
}

TEST_CASE("reader software versions order numerically") {
  CHECK(cmp("1.5.3.0", "1.5.3.0") == 0);
  CHECK(cmp("1.5.2.9", "1.5.3.0") < 0);
  CHECK(cmp("1.10.2.1", "1.6.0.0") > 0);  // not text order
  CHECK(cmp("v1.6.0.0", "1.6.0.0") == 0);
  CHECK(cmp("1.5.3", "1.5.3.0") == 0);
  CHECK(cmp("1.5.3", "1.5.3.1") < 0);
}

TEST_CASE("firmware versions order by both parts") {
  CHECK(cmp("CAORA_MSN_P2.10.3_A16.4.1", "CAORA_MSN_P2.11.7_A16.5.4") < 0);
  CHECK(cmp("CAORA_MSN_P2.11.7_A16.5.4", "CAORA_MSN_P2.11.7_A16.5.4") == 0);
  CHECK(cmp("CAORA_MSN_P2.11.7_A16.6.0", "CAORA_MSN_P2.11.7_A16.5.4") > 0);
  CHECK(cmp("caora_msn_p2.12.0_a16.5.4", "CAORA_MSN_P2.11.7_A16.5.4") > 0);
}

TEST_CASE("face-auth DLL versions with a letter suffix") {
  CHECK(cmp("2.0.9J", "2.1.0J") < 0);
  CHECK(cmp("2.1.0J", "2.1.0J") == 0);
  CHECK(cmp("2.1.1J", "2.1.0J") > 0);
  CHECK(cmp("2.1.0", "2.1.0J") < 0);
}

TEST_CASE("versions of different families do not compare") {
  auto a = Version::parse("1.5.3.0");
  auto b = Version::parse("CAORA_MSN_P2.11.7_A16.5.4");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK_FALSE(a->compare(*b).has_value());
}

TEST_CASE("bad versions are errors") {
  for (const char* bad : {"", "   ", "1..2/3", "1.2.3.4444444444", "...", "１.２"}) {
    INFO(bad);
    CHECK_FALSE(Version::parse(bad).ok());
  }
}

TEST_CASE("a component's family decides what compares") {
  auto reader = *Version::parse("1.6.0.0");
  auto firmware = *Version::parse("CAORA_MSN_P2.11.7_A16.5.4");
  auto dll = *Version::parse("2.1.0J");
  CHECK(reader.fits(VersionFamily::ReaderSoftware));
  CHECK_FALSE(reader.fits(VersionFamily::Firmware));
  CHECK(firmware.fits(VersionFamily::Firmware));
  CHECK_FALSE(firmware.fits(VersionFamily::ReaderSoftware));
  CHECK_FALSE(firmware.fits(VersionFamily::FaceDll));
  CHECK(dll.fits(VersionFamily::FaceDll));
  CHECK_FALSE(dll.fits(VersionFamily::ReaderSoftware));
  // Same token kinds, so compare() alone would order them; the family does not.
  auto other_product = *Version::parse("OTHER_MSN_P2.12.0_A16.6.0");
  CHECK(other_product.compare(firmware).has_value());
  CHECK_FALSE(other_product.compare_in(VersionFamily::Firmware, firmware).has_value());
  CHECK(*Version::parse("CAORA_MSN_P2.12.0_A16.6.0")->compare_in(VersionFamily::Firmware, firmware) > 0);
  CHECK_FALSE(reader.compare_in(VersionFamily::Firmware, reader).has_value());
  CHECK(version_family_of("reader-software") == VersionFamily::ReaderSoftware);
  CHECK_FALSE(version_family_of("bios").has_value());
}
