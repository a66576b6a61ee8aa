// The real Win32 implementations where Wine has the real thing: the registry
// (written and read back here, and fixtures set from outside by `wine reg add`
// in scripts/windows-test.sh), GetSystemMetrics, WTS and GetAdaptersAddresses.
// Windows only.
#include <cstdlib>
#include <ctime>

#include <catch2/catch.hpp>

#include "core/state.h"

#include "host/windows/fake_apis.h"
#include "host/windows/windows_host.h"

using namespace caora;
using namespace caora::win;

namespace {

const std::string kScratch = "HKCU\\Software\\caora-unit-test";

// The real registry under a WindowsHost whose other parts are fakes.
std::unique_ptr<WindowsHost> host_with_real_registry(fake::Devices** devices) {
  WindowsApis real = make_win32_apis();
  auto d = std::make_unique<fake::Devices>();
  *devices = d.get();
  WindowsApis apis{std::move(real.registry), std::move(d), std::make_unique<fake::Services>(),
                   std::make_unique<fake::System>()};
  return std::make_unique<WindowsHost>(std::move(apis), std::make_unique<fake::Libusb>(), std::make_unique<fake::Pcsc>());
}

// A wired NIC whose driver key the fixtures fill.
void add_fixture_nic(fake::Devices& d) {
  DeviceNode nic;
  nic.instance_id = "PCI\\VEN_8086&DEV_15BC\\3&11583659&0&FE";
  nic.description = "fixture NIC";
  nic.driver_key = "{4d36e972-e325-11ce-bfc1-08002be10318}\\0901";
  d.net.push_back(nic);
}

}  // namespace

TEST_CASE("Win32 registry: what is written reads back; missing keys and values are not errors", "[win32]") {
  WindowsApis apis = make_win32_apis();
  Registry& reg = *apis.registry;
  REQUIRE(reg.write_dword(kScratch, "number", 0x12345678));
  REQUIRE(reg.write_string(kScratch, "text", "資格確認端末 ok"));
  CHECK(reg.read_dword(kScratch, "number").value() == std::optional<uint32_t>(0x12345678));
  CHECK(reg.read_string(kScratch, "text").value() == std::optional<std::string>("資格確認端末 ok"));
  CHECK(reg.read_string(kScratch, "number").value() == std::optional<std::string>(std::to_string(0x12345678)));
  CHECK(!reg.read_dword(kScratch, "text"));  // a string is not a DWORD: an error, not a zero
  CHECK(reg.key_exists(kScratch).value());
  CHECK(reg.value_exists(kScratch, "text").value());
  REQUIRE(reg.delete_value(kScratch, "text"));
  CHECK(!reg.value_exists(kScratch, "text").value());
  CHECK(reg.read_string(kScratch, "text").value() == std::nullopt);
  CHECK(reg.read_dword(kScratch + "\\no\\such\\key", "x").value() == std::nullopt);
  CHECK(!reg.key_exists(kScratch + "\\no\\such\\key").value());
  CHECK(!reg.read_dword("HKXX\\nowhere", "x"));
  REQUIRE(reg.delete_value(kScratch, "number"));
}

TEST_CASE("Win32: the session, the OS and the network adapters as Windows reports them", "[win32]") {
  WindowsApis apis = make_win32_apis();
  SessionInfo s = apis.system->session();
  CHECK((s.protocol.has_value() || !s.protocol_error.empty()));
  auto adapters = apis.system->adapters();
  REQUIRE(adapters);
  bool loopback = false;
  for (const auto& a : *adapters)
    for (const auto& ip : a.ipv4) loopback = loopback || ip.str() == "127.0.0.1/8";
  CHECK(loopback);
  fake::Devices* d = nullptr;
  auto host = host_with_real_registry(&d);
  ProbeResult name = host->probe("host.os.name");
  REQUIRE(name.known);
  CHECK(name.value.get<std::string>().find("Windows") != std::string::npos);
  CHECK(host->probe("host.os.version").known);
}

TEST_CASE("Win32: the process list holds this test program", "[win32]") {
  WindowsApis apis = make_win32_apis();
  auto names = apis.system->process_names();
  REQUIRE(names);
  bool self = false;
  for (const auto& n : *names) self = self || n.find("caora") != std::string::npos;
  CHECK(self);
}

// scripts/windows-test.sh sets these with `wine reg add` first.
TEST_CASE("Win32 registry fixtures, set: RDP allowed, restart pending, inactivity lock, ARP offload on",
          "[.wine-registry-set]") {
  fake::Devices* d = nullptr;
  auto host = host_with_real_registry(&d);
  add_fixture_nic(*d);
  CHECK(host->probe("host.rdp.enabled").value == true);
  CHECK(host->probe("host.restart.pending").value == true);
  CHECK(host->probe("host.screen_lock.enabled").value == true);
  CHECK(host->probe("host.nic.arp_offload.enabled").value == true);
  // The action writes the real registry, and verifies by reading it back.
  fs::path dir = fs::temp_directory_path() / "caora-win32-registry-test";
  fs::remove_all(dir);
  Journal journal(dir);
  auto r = host->apply("host.rdp.disable", nlohmann::json::object(), journal);
  REQUIRE(r);
  host->forget();
  CHECK(host->probe("host.rdp.enabled").value == false);
}

// …then changes them with `wine reg add` / `wine reg delete` and runs this.
TEST_CASE("Win32 registry fixtures, cleared: nothing pending, no lock, ARP offload off", "[.wine-registry-cleared]") {
  fake::Devices* d = nullptr;
  auto host = host_with_real_registry(&d);
  add_fixture_nic(*d);
  CHECK(host->probe("host.rdp.enabled").value == false);
  CHECK(host->probe("host.restart.pending").value == false);
  CHECK(host->probe("host.screen_lock.enabled").value == false);
  CHECK(host->probe("host.nic.arp_offload.enabled").value == false);
}

TEST_CASE("Windows files: a Japanese name is written, replaced in one step and read back", "[win32]") {
  fs::path dir = fs::temp_directory_path() / fs::u8path("caora-ファイル-test");
  fs::remove_all(dir);
  REQUIRE(make_dirs(dir));
  fs::path file = dir / fs::u8path("起動設定.bat");
  REQUIRE(write_file_atomic(file, "first\r\n"));
  REQUIRE(write_file_atomic(file, "second\r\n"));  // over an existing file: MoveFileExW(REPLACE_EXISTING)
  CHECK(read_file(file).value() == "second\r\n");
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) entries += e.is_regular_file();
  CHECK(entries == 1);  // no temp file left behind
  fs::remove_all(dir);
}

TEST_CASE("Windows time stamps carry the UTC offset, not the zone's name", "[win32]") {
  _putenv("TZ=JST-9");
  _tzset();
  std::string t = now_iso8601();
  INFO(t);
  CHECK(t.size() == 25);
  CHECK(t.substr(19) == "+09:00");
  _putenv("TZ=");
  _tzset();
}
