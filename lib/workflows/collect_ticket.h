// The e-mail the vendor asks for with a log collection (non-error QA 29): its
// fields filled from what caora can read (the snapshot's probes, the journal),
// the rest from --ticket FIELD=VALUE, else marked for a person to fill in.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace caora {

struct TicketField {
  std::string id;        // institution_name, institution_code, contact, serials, …
  std::string label_ja;  // as the vendor's list words it
  std::string label_en;
  std::string value;     // empty: to be filled in
  std::string source;    // "probe usb.units.serials", "journal", "--ticket", ""
};

// The field ids --ticket accepts, in the vendor's order.
const std::vector<std::string>& ticket_field_ids();
// Fields filled from `snapshot` (caora.snapshot/2), the newest journal entry that
// names a code (`journal`: caora's journal entries as JSON), then `given`
// (--ticket; an unknown id is a usage error naming the known ones).
Expected<std::vector<TicketField>> make_ticket(const nlohmann::json& snapshot, const nlohmann::json& journal,
                                               const std::map<std::string, std::string>& given);
std::string ticket_text(const std::vector<TicketField>& fields);  // ticket.txt: ja and en labels, CRLF
nlohmann::json ticket_json(const std::vector<TicketField>& fields);  // ticket.json: caora.ticket/1

}  // namespace caora
