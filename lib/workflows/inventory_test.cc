#include "workflows/inventory.h"

#include <unistd.h>

#include <catch2/catch.hpp>

using namespace caora;

TEST_CASE("inventory: first sighting, a moved port, and the file round trip") {
  Inventory inv;
  auto first = record_sightings(inv, {{"2113001", "1-2", "PFU Caora 2113001 00 00"}, {"", "1-3", ""}}, "2026-11-21T09:00:00+09:00");
  REQUIRE(first.size() == 1);  // a unit without a serial is not kept
  CHECK(first[0].first_time);
  CHECK_FALSE(first[0].moved_from);
  auto again = record_sightings(inv, {{"2113001", "1-4", ""}}, "2026-11-21T10:00:00+09:00");
  REQUIRE(again.size() == 1);
  CHECK_FALSE(again[0].first_time);
  CHECK(again[0].moved_from == std::optional<std::string>("1-2"));
  CHECK(again[0].first_seen == "2026-11-21T09:00:00+09:00");
  CHECK(inv.units[0].reader == "PFU Caora 2113001 00 00");  // an unseen reader does not erase the known one
  CHECK(inv.units[0].last_seen == "2026-11-21T10:00:00+09:00");
  inv.licences = 2;
  auto back = parse_inventory(inventory_text(inv), "inventory.json");
  REQUIRE(back);
  CHECK(back->licences == std::optional<int>(2));
  REQUIRE(back->units.size() == 1);
  CHECK(back->units[0].port_path == "1-4");

  fs::path dir = fs::temp_directory_path() / ("caora-inventory-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto empty = load_inventory(dir);
  REQUIRE(empty);
  CHECK(empty->units.empty());
  REQUIRE(save_inventory(dir, inv));
  auto loaded = load_inventory(dir);
  REQUIRE(loaded);
  CHECK(loaded->units[0].serial == "2113001");
  fs::remove_all(dir);
}

TEST_CASE("inventory: damaged files are errors that name the place") {
  auto e = parse_inventory("{\"schema\":\"caora.inventory/1\",\"units\":[{\"serial\":7}]}", "inv.json");
  REQUIRE_FALSE(e);
  CHECK(e.error().kind == ErrorKind::Parse);
  CHECK(e.error().message.en.find("inv.json /units/0/serial: not a string") == 0);
  CHECK_FALSE(parse_inventory("{", "inv.json"));
  CHECK_FALSE(parse_inventory("[]", "inv.json"));
  CHECK_FALSE(parse_inventory("{\"schema\":\"caora.inventory/1\",\"licences\":-1}", "inv.json"));
  CHECK_FALSE(parse_inventory("{\"schema\":\"caora.inventory/1\",\"units\":[{}]}", "inv.json"));
  CHECK(parse_inventory("{\"schema\":\"caora.inventory/1\"}", "inv.json"));
}
