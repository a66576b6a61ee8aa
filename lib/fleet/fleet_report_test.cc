#include "fleet/fleet_report.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "core/fs.h"

using namespace caora;
using json = nlohmann::json;
namespace fs = std::filesystem;

static json finding(const std::string& recipe, const std::string& cause, const std::string& status) {
  return {{"recipe", recipe}, {"code", recipe.substr(6)}, {"cause", cause}, {"title", {{"ja", cause + "（ja）"}, {"en", cause + " (en)"}}},
          {"status", status}, {"evidence", json::array({"a long piece of evidence"})}, {"probes", json::array({"host.rdp.enabled"})}};
}

static json doctor(std::vector<json> findings, const char* reader, const char* firmware) {
  bool problem = false;
  for (const auto& f : findings) problem = problem || f["status"] == "present";
  return {{"schema", "caora.doctor/1"},
          {"status", problem ? "problem" : "ok"},
          {"summary", {{"present", 0}, {"absent", 0}, {"unknown", 0}}},
          {"findings", findings},
          {"terminal", {{"run_at", "2026-12-04T01:02:03Z"},
                        {"versions", {{"reader_software", reader ? json(reader) : json(nullptr)}, {"firmware", firmware ? json(firmware) : json(nullptr)}, {"face_dll", nullptr}}},
                        {"units", {"2113001"}}}}};
}

TEST_CASE("fleet: a doctor result keeps its present findings and checks versions against QA 24") {
  auto t = parse_terminal_result("clinic-01", doctor({finding("error-008", "rdp", "present"), finding("error-008", "sleep", "absent"),
                                                      finding("error-011", "arp", "unknown")},
                                                     "1.5.2.0", "CAORA_MSN_P2.11.7_A16.5.4")
                                                  .dump());
  REQUIRE(t.ok());
  CHECK(t->status == "problem");
  CHECK(t->exit_class == 1);
  REQUIRE(t->findings.size() == 1);
  CHECK(t->findings[0].cause == "rdp");
  CHECK(t->findings[0].title.en == "rdp (en)");
  CHECK(t->run_at == "2026-12-04T01:02:03Z");
  CHECK(t->units == std::vector<std::string>{"2113001"});
  REQUIRE(t->versions.size() == 2);
  CHECK(t->versions[0].component == "reader-software");
  CHECK(t->versions[0].below == true);
  CHECK(t->versions[1].component == "firmware");
  CHECK(t->versions[1].below == false);
}

TEST_CASE("fleet: diagnose statuses give the exit class; a version of the wrong family compares to nothing") {
  json d = {{"schema", "caora.diagnose/1"}, {"code", "FUJ906"}, {"recipe", "error-fuj906"}, {"status", "escalate"},
            {"causes", {{{"id", "c1"}, {"title", {{"ja", "あ"}, {"en", "a"}}}, {"status", "present"}}}},
            {"terminal", {{"versions", {{"reader_software", "CAORA_MSN_P2.11.7_A16.5.4"}}}}}};
  auto t = parse_terminal_result("h", d.dump());
  REQUIRE(t.ok());
  CHECK(t->exit_class == 4);
  CHECK(t->code == "FUJ906");
  REQUIRE(t->findings.size() == 1);
  CHECK(t->findings[0].recipe == "error-fuj906");
  CHECK_FALSE(t->versions[0].below.has_value());
  CHECK_FALSE(t->versions[1].version.has_value());
  d["status"] = "needs-technician";
  CHECK(parse_terminal_result("h", d.dump())->exit_class == 3);
}

TEST_CASE("fleet: bad results are refused with a reason in both languages") {
  for (const char* text : {"", "{", "[1]", "{\"schema\":\"caora.snapshot/2\"}", "{\"schema\":\"caora.doctor/1\",\"status\":\"fine\",\"findings\":[]}",
                           "{\"schema\":\"caora.doctor/1\",\"status\":\"ok\"}", "{\"schema\":\"caora.doctor/1\",\"status\":\"ok\",\"findings\":[1]}",
                           "{\"schema\":\"caora.error/1\",\"error\":{\"ja\":\"a\",\"en\":\"a\"},\"exit_code\":-1}",
                           "{\"schema\":\"caora.doctor/1\",\"status\":\"ok\",\"findings\":[],\"terminal\":{\"units\":[1]}}"}) {
    INFO(text);
    auto t = parse_terminal_result("h", text);
    REQUIRE_FALSE(t.ok());
    CHECK_FALSE(t.error().message.ja.empty());
    CHECK_FALSE(t.error().message.en.empty());
  }
}

TEST_CASE("fleet: a folder is aggregated; bad files are listed and the rest still counted") {
  fs::path dir = fs::temp_directory_path() / ("caora-fleet-test-" + std::to_string(current_pid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto put = [&dir](const std::string& name, const std::string& text) { std::ofstream(dir / name, std::ios::binary) << text; };
  put("a.json", doctor({finding("error-008", "rdp", "present")}, "1.5.3.0", nullptr).dump());
  put("b.json", doctor({finding("error-008", "rdp", "present"), finding("error-011", "arp", "present")}, "1.4.0.0", nullptr).dump());
  put("c.json", doctor({}, "1.6.0.0", nullptr).dump());
  put("d.json", R"({"schema":"caora.diagnose/1","recipe":"error-906","code":"906","status":"needs-technician","causes":[]})");
  put("e.json", R"({"schema":"caora.error/1","error":{"ja":"ルートがありません","en":"no root"},"exit_code":1})");
  put("broken.json", "{\"schema\":");
  put("a.zip", "not a result");
  auto r = build_fleet_report(dir);
  fs::remove_all(dir);
  REQUIRE(r.ok());
  REQUIRE(r->terminals.size() == 5);
  CHECK(r->terminals[0].host == "a");
  REQUIRE(r->bad_files.size() == 1);
  CHECK(r->bad_files[0].file == "broken.json");
  REQUIRE(r->causes.size() == 2);
  CHECK(r->causes[0].finding.cause == "rdp");
  CHECK(r->causes[0].hosts == std::vector<std::string>{"a", "b"});
  CHECK(r->worst_exit == 3);
  std::ostringstream out;
  write_fleet_report_json(out, r.value());
  json j = json::parse(out.str());
  // Streamed, but the same text dump(2) of the whole document prints.
  CHECK(out.str() == j.dump(2) + "\n");
  CHECK(j["schema"] == "caora.fleet-report/1");
  CHECK(j["below_min_safe"] == json::array({"b"}));
  CHECK(j["needs_technician"] == json::array({"d"}));
  CHECK(j["errors"] == json::array({"e"}));
  CHECK(j["common_causes"][0]["count"] == 2);
  std::string html = fleet_report_html(r.value(), Lang::En);
  CHECK(html.find("<svg id=\"causes-chart\"") != std::string::npos);
  CHECK(html.find("broken.json") != std::string::npos);
}

TEST_CASE("fleet: a missing folder is an error, not an empty report") {
  auto r = build_fleet_report("/nonexistent/caora-fleet");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().kind == ErrorKind::NotFound);
}

TEST_CASE("fleet: the page escapes what a terminal reported") {
  FleetReport r;
  TerminalResult t;
  t.host = "<script>alert(1)</script>";
  t.status = "ok";
  r.terminals.push_back(t);
  std::string html = fleet_report_html(r, Lang::Ja);
  CHECK(html.find("<script>alert") == std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)") != std::string::npos);
}

TEST_CASE("fleet: the parser keeps what the report reads and skips the rest") {
  // Evidence and probes are skipped unbuilt; a "status" inside them must not
  // be taken for the finding's, and keys after a skipped subtree still land.
  std::string doc = R"({"probes": {"status": "present", "x": [1, {"y": [2, 3]}]},
    "schema": "caora.doctor/1",
    "findings": [{"recipe": "err-001", "evidence": {"status": "absent", "deep": [[{"cause": "no"}]]},
                  "cause": "rdp", "status": "present", "title": {"ja": "リモート", "en": "remote"}, "steps": [1, 2]},
                 {"recipe": "err-002", "cause": "x", "status": "absent", "title": {"ja": "a", "en": "b"}}],
    "status": "problem",
    "terminal": {"run_at": "2026-12-01T00:00:00Z", "versions": {"reader_software": "1.6.0.0"}, "units": ["S1", "S2"]}})";
  auto t = parse_terminal_result("h", doc);
  REQUIRE(t.ok());
  CHECK(t->status == "problem");
  REQUIRE(t->findings.size() == 1);
  CHECK(t->findings[0].cause == "rdp");
  CHECK(t->findings[0].title.en == "remote");
  CHECK(t->units == std::vector<std::string>{"S1", "S2"});
  CHECK(t->run_at == "2026-12-01T00:00:00Z");
}

TEST_CASE("fleet: a number no double holds is refused with a reason, not thrown") {
  auto t = parse_terminal_result("h", R"({"schema": "caora.doctor/1", "x": 1e999999})");
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().kind == ErrorKind::Parse);
  CHECK_FALSE(t.error().message.ja.empty());
}

TEST_CASE("fleet: a finding or cause with an empty recipe, cause or id is refused, not reported blank") {
  auto doctor = R"({"schema": "caora.doctor/1", "status": "problem", "findings": [
    {"recipe": "", "cause": "rdp", "status": "present", "title": {"ja": "a", "en": "b"}}]})";
  auto t = parse_terminal_result("h", doctor);
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().message.en == "finding: \"recipe\" is empty");
  auto diagnose = R"({"schema": "caora.diagnose/1", "code": "008", "recipe": "error-008", "status": "problem",
    "causes": [{"id": "", "status": "present", "title": {"ja": "a", "en": "b"}}]})";
  t = parse_terminal_result("h", diagnose);
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().message.ja == "cause の \"id\" が空です");
}
