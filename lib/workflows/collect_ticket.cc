#include "workflows/collect_ticket.h"

namespace caora {

namespace {

struct FieldSpec {
  const char* id;
  const char* ja;
  const char* en;
};

// Non-error QA 29's list, with the institution's name and code as two fields.
const FieldSpec kFields[] = {
    {"institution_name", "医療機関名・薬局名", "institution (clinic or pharmacy) name"},
    {"institution_code", "医療機関コード", "institution code"},
    {"contact", "ご連絡先", "contact"},
    {"serials", "CaoraのシリアルNo.（背面シールの SER. NO.）", "Caora serial numbers (SER. NO. on the back label)"},
    {"reader_software_version", "本人認証用カードリーダーソフトバージョン", "reader software version"},
    {"phenomenon", "発生している事象", "what happens (as specific as possible)"},
    {"error_code", "エラーコード", "error code"},
    {"detail_code", "エラー詳細コード", "detail code"},
    {"occurred_at", "事象の発生日時", "date and time it happened"},
};

std::string probe_text(const nlohmann::json& snapshot, const char* name) {
  if (!snapshot.is_object() || !snapshot.contains("probes")) return {};
  const auto& probes = snapshot["probes"];
  if (!probes.contains(name)) return {};
  const auto& p = probes[name];
  if (!p.value("known", false) || !p.contains("value")) return {};
  const auto& v = p["value"];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) {
      std::string s = e.is_string() ? e.get<std::string>() : e.dump();
      out += (out.empty() ? "" : ", ") + s;
    }
    return out;
  }
  if (v.is_null()) return {};
  return v.dump();
}

}  // namespace

const std::vector<std::string>& ticket_field_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> v;
    for (const auto& f : kFields) v.push_back(f.id);
    return v;
  }();
  return ids;
}

Expected<std::vector<TicketField>> make_ticket(const nlohmann::json& snapshot, const nlohmann::json& journal,
                                               const std::map<std::string, std::string>& given) {
  std::vector<TicketField> fields;
  for (const auto& f : kFields) fields.push_back({f.id, f.ja, f.en, "", ""});
  auto set = [&](const std::string& id, const std::string& value, const std::string& source) {
    for (auto& f : fields)
      if (f.id == id && !value.empty()) {
        f.value = value;
        f.source = source;
      }
  };
  std::string serials = probe_text(snapshot, "usb.units.serials");
  set("serials", serials, "probe usb.units.serials");
  if (serials.empty()) set("serials", probe_text(snapshot, "site.ini.serials"), "probe site.ini.serials");
  set("reader_software_version", probe_text(snapshot, "site.reader_software.version"),
      "probe site.reader_software.version");
  // The newest journal entry that was about a code: what the technician was fixing.
  if (journal.is_array()) {
    for (auto it = journal.rbegin(); it != journal.rend(); ++it) {
      const auto& params = (*it).value("params", nlohmann::json::object());
      if (!params.is_object() || !params.contains("code") || !params["code"].is_string()) continue;
      set("error_code", params["code"].get<std::string>(), "journal " + (*it).value("id", std::string()));
      if (params.contains("detail") && params["detail"].is_string())
        set("detail_code", params["detail"].get<std::string>(), "journal " + (*it).value("id", std::string()));
      set("occurred_at", (*it).value("time", std::string()), "journal " + (*it).value("id", std::string()));
      break;
    }
  }
  for (const auto& [id, value] : given) {
    bool known = false;
    for (const auto& f : kFields) known = known || id == f.id;
    if (!known) {
      std::string list;
      for (const auto& f : kFields) list += (list.empty() ? "" : ", ") + std::string(f.id);
      return make_error(ErrorKind::Usage, "--ticket の項目名が不明です: " + id + "（使える項目: " + list + "）",
                        "unknown --ticket field: " + id + " (known: " + list + ")");
    }
    set(id, value, "--ticket");
  }
  return fields;
}

std::string ticket_text(const std::vector<TicketField>& fields) {
  std::string out =
      "Caoraサポートデスク宛 ログ送付時の記入事項 (non-error QA 29) / what the vendor's support desk asks for with the logs\r\n\r\n";
  for (const auto& f : fields) {
    out += "・" + f.label_ja + " / " + f.label_en + ":\r\n    ";
    out += f.value.empty() ? "（記入） (fill in)" : f.value;
    out += "\r\n";
  }
  return out;
}

nlohmann::json ticket_json(const std::vector<TicketField>& fields) {
  nlohmann::json doc = {{"schema", "caora.ticket/1"}, {"fields", nlohmann::json::array()}};
  for (const auto& f : fields)
    doc["fields"].push_back({{"id", f.id},
                             {"label", {{"ja", f.label_ja}, {"en", f.label_en}}},
                             {"value", f.value.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.value)},
                             {"filled", !f.value.empty()},
                             {"source", f.source}});
  return doc;
}

}  // namespace caora
