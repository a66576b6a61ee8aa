#include "workflows/collect_ticket.h"

#include <catch2/catch.hpp>

using namespace caora;

TEST_CASE("the ticket is pre-filled from the probes and the journal", "[collect]") {
  nlohmann::json snap = {{"probes",
                          {{"usb.units.serials", {{"known", true}, {"value", {"2113001", "2113002"}}}},
                           {"site.reader_software.version", {{"known", true}, {"value", "1.6.0.0"}}}}}};
  nlohmann::json journal = nlohmann::json::array(
      {{{"id", "a"}, {"time", "2026-12-01T10:00:00+09:00"}, {"params", {{"code", "FUJ008"}, {"detail", "22013C04-2"}}}}});
  auto t = make_ticket(snap, journal, {{"contact", "03-1234-5678"}});
  REQUIRE(t);
  std::map<std::string, TicketField> by;
  for (const auto& f : *t) by[f.id] = f;
  CHECK(by["serials"].value == "2113001, 2113002");
  CHECK(by["reader_software_version"].value == "1.6.0.0");
  CHECK(by["error_code"].value == "FUJ008");
  CHECK(by["detail_code"].value == "22013C04-2");
  CHECK(by["occurred_at"].value == "2026-12-01T10:00:00+09:00");
  CHECK(by["contact"].source == "--ticket");
  CHECK(by["institution_name"].value.empty());
  CHECK(ticket_text(*t).find("（記入） (fill in)") != std::string::npos);
  CHECK(ticket_json(*t)["schema"] == "caora.ticket/1");
  CHECK(t->size() == ticket_field_ids().size());
}

TEST_CASE("an unknown ticket field is a usage error naming it", "[collect]") {
  auto t = make_ticket(nlohmann::json::object(), nlohmann::json::array(), {{"colour", "blue"}});
  REQUIRE_FALSE(t);
  CHECK(t.error().kind == ErrorKind::Usage);
  CHECK(t.error().message.en.find("colour") != std::string::npos);
}
