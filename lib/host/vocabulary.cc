#include "host/vocabulary.h"

#include "host/version.h"

namespace caora {

using nlohmann::json;

const char* value_type_name(ValueType type) {
  switch (type) {
    case ValueType::Bool: return "bool";
    case ValueType::Int: return "int";
    case ValueType::String: return "string";
    case ValueType::Version: return "version";
    case ValueType::StringList: return "string_list";
    case ValueType::RecordList: return "record_list";
  }
  return "?";
}

const char* field_type_name(FieldType type) {
  switch (type) {
    case FieldType::String: return "string";
    case FieldType::Int: return "int";
    case FieldType::Bool: return "bool";
    case FieldType::StringList: return "string_list";
  }
  return "?";
}

std::vector<std::string> platform_names(unsigned platforms) {
  std::vector<std::string> names;
  if (platforms & kLinux) names.push_back("linux");
  if (platforms & kWindows) names.push_back("windows");
  return names;
}

namespace {

bool string_list(const json& v) {
  if (!v.is_array()) return false;
  for (const auto& e : v)
    if (!e.is_string()) return false;
  return true;
}

bool field_has_type(FieldType type, const json& v) {
  switch (type) {
    case FieldType::String: return v.is_string();
    case FieldType::Int: return v.is_number_integer();
    case FieldType::Bool: return v.is_boolean();
    case FieldType::StringList: return string_list(v);
  }
  return false;
}

bool record_has_fields(const std::vector<FieldSpec>& fields, const json& record) {
  if (!record.is_object()) return false;
  for (const auto& f : fields) {
    auto it = record.find(f.name);
    if (it == record.end() ? f.required : !field_has_type(f.type, *it)) return false;
  }
  return true;
}

// The fields of the per-unit record lists (what `pair` and `rndis-reset` read).
std::vector<FieldSpec> unit_fields() {
  return {{"port", FieldType::String, {"USBのポート（例 1-2）", "USB port path (e.g. 1-2)"}, true},
          {"serial", FieldType::String, {"シリアル番号", "Serial number"}},
          {"speed", FieldType::String, {"USBの速度（low, full, high, super, super+）", "USB speed (low, full, high, super, super+)"}},
          {"hub", FieldType::Bool, {"USBハブ経由", "A hub is in the path"}},
          {"id", FieldType::String, {"USBのベンダーID:プロダクトID", "USB vendor:product ID"}}};
}

std::vector<FieldSpec> adapter_fields() {
  return {{"port", FieldType::String, {"CaoraのUSBポート", "The unit's USB port path"}, true},
          {"name", FieldType::String, {"アダプターの名前", "Adapter name"}},
          {"driver", FieldType::String, {"ドライバー", "Driver"}},
          {"enabled", FieldType::Bool, {"有効", "Enabled"}},
          {"ipv4", FieldType::StringList, {"IPv4アドレス（CIDR）", "IPv4 addresses (CIDR)"}},
          {"overlaps", FieldType::StringList, {"重なるサブネット（インターフェース:アドレス）", "Overlapping subnets (interface:address)"}}};
}

}  // namespace

const std::vector<ProbeSpec>& probe_specs() {
  using V = ValueType;
  static const std::vector<ProbeSpec> specs = {
      // The Caora install on the terminal (file-based; works on any OS given --root).
      {"site.root.exists", V::Bool, {"Caoraのインストールフォルダがある", "The Caora install folder exists"}, kAnyPlatform, false},
      {"site.reader_software.installed", V::Bool, {"本人認証用カードリーダーソフトがインストールされている", "The reader software is installed"}, kAnyPlatform, false},
      {"site.reader_software.version", V::Version, {"本人認証用カードリーダーソフトのバージョン", "Reader software version"}, kAnyPlatform, false},
      {"site.firmware.version", V::Version, {"Caoraファームウェアのバージョン（複数台なら最も古いもの）", "Unit firmware version (the oldest, with several units)"}, kAnyPlatform, false},
      {"site.reader_software.outdated", V::Bool, {"本人認証用カードリーダーソフトが最新版より古い（最新版は検証済みマニフェストから。なければ不明）", "The reader software is older than the newest known version (from a verified manifest; unknown without one)"}, kAnyPlatform, false},
      {"site.firmware.outdated", V::Bool, {"Caoraファームウェアが最新版より古い（最新版は検証済みマニフェストから。なければ不明）", "The unit firmware is older than the newest known version (from a verified manifest; unknown without one)"}, kAnyPlatform, false},
      {"site.face_dll.version", V::Version, {"顔認証DLLのバージョン", "Face-auth DLL version"}, kAnyPlatform, false},
      {"site.startup_delay.execute", V::Int, {"Execute側 StartUpEnv.bat の WAIT_TIME_SECOND（秒）", "WAIT_TIME_SECOND in the Execute copy of StartUpEnv.bat (seconds)"}, kAnyPlatform, false},
      {"site.startup_delay.appstartup", V::Int, {"AppStartUp側 StartUpEnv.bat の WAIT_TIME_SECOND（秒）", "WAIT_TIME_SECOND in the AppStartUp copy of StartUpEnv.bat (seconds)"}, kAnyPlatform, false},
      {"site.startup_delay.consistent", V::Bool, {"2つの StartUpEnv.bat が同じ内容である", "Both copies of StartUpEnv.bat are identical"}, kAnyPlatform, false},
      {"site.ini.count", V::Int, {"CJKA<シリアル>.ini の数", "Number of CJKA<serial>.ini files"}, kAnyPlatform, false},
      {"site.ini.corrupt", V::Bool, {"CJKA<シリアル>.ini が壊れている", "A CJKA<serial>.ini file is corrupt"}, kAnyPlatform, false},
      {"site.ini.serials", V::StringList, {"CJKA<シリアル>.ini から分かるCaoraのシリアル番号", "Unit serial numbers known from the CJKA<serial>.ini names"}, kAnyPlatform, false},
      {"site.ini.corrupt_files", V::StringList, {"壊れている CJKA<シリアル>.ini の一覧", "The corrupt CJKA<serial>.ini files"}, kAnyPlatform, false},
      {"site.install.leftover", V::Bool, {"アンインストール後の不要なインストールフォルダが残っている", "An install folder is left over from an uninstall"}, kAnyPlatform, false},
      {"site.maintenance.expired", V::Bool, {"先出しセンドバック保守の期間（納品翌月1日から5年）が終わっている", "The send-back maintenance period (5 years from the 1st of the month after delivery) has ended"}, kAnyPlatform, false},
      // The terminal's operating system.
      {"host.os.name", V::String, {"OSの名前", "Operating system name"}, kAnyPlatform, false},
      {"host.os.version", V::String, {"OSのバージョン", "Operating system version"}, kAnyPlatform, false},
      {"host.rdp.enabled", V::Bool, {"リモートデスクトップ接続が有効", "Remote Desktop connections are enabled"}, kWindows, false},
      {"host.rdp.session_active", V::Bool, {"リモートデスクトップ接続中", "A Remote Desktop session is active"}, kAnyPlatform, false},
      {"host.sleep.enabled", V::Bool, {"スリープが有効", "Sleep / suspend is enabled"}, kAnyPlatform, false},
      // Linux has no machine-wide screen lock or biometric setting to read (the desktop's, fprintd's).
      {"host.screen_lock.enabled", V::Bool, {"画面ロックが有効", "Screen lock is enabled"}, kWindows, false},
      {"host.certpropsvc.running", V::Bool, {"証明書伝達サービス（CertPropSvc）が動作中", "The Certificate Propagation service (CertPropSvc) is running"}, kWindows, false},
      {"host.biometric.present", V::Bool, {"生体認証デバイス（指紋センサーなど）が有効", "A biometric device (fingerprint sensor etc.) is enabled"}, kWindows, false},
      {"host.nic.arp_offload.enabled", V::Bool, {"NICのARPオフロードが有効", "ARP offload is enabled on the terminal's NIC"}, kWindows, false},
      {"host.dotnet4.missing", V::Bool, {".NET Framework 4 の登録（レジストリの NDP\\v4\\Full の Release）がない", "The .NET Framework 4 is not registered (no Release under NDP\\v4\\Full in the registry)"}, kWindows, false},
      // The vendor names the cause (905/906: several institution certificates) but not what identifies one.
      {"host.client_certs.max_per_issuer", V::Int, {"個人の証明書ストア（ユーザー・コンピューター）で、同じ発行者のクライアント認証用証明書の最大数", "The most client-authentication certificates from one issuer in the personal stores (user and machine)"}, kWindows, false, {}, true},
      {"host.restart.pending", V::Bool, {"OSが再起動を待っている", "The OS is waiting for a restart"}, kAnyPlatform, false},
      {"host.restart.scheduled", V::Bool, {"資格確認端末の再起動が予約されている", "A restart of the terminal is scheduled"}, kAnyPlatform, false},
      {"host.processes", V::StringList, {"動作中のプログラムの実行ファイル名（重複なし、名前順）", "Executable names of the running programs (each once, sorted)"}, kAnyPlatform, false},
      // USB topology.
      {"usb.units.count", V::Int, {"USBで見えるCaoraの台数", "Number of Caora units visible on USB"}, kAnyPlatform, true},
      {"usb.units.serials", V::StringList, {"USBで見えるCaoraのシリアル番号", "Serial numbers of the units visible on USB"}, kAnyPlatform, true},
      {"usb.units.behind_hub", V::Bool, {"USBハブ経由で接続されたCaoraがある", "A unit is connected through a USB hub"}, kAnyPlatform, true},
      {"usb.units.low_speed", V::Bool, {"USB 2.0未満の速度で接続されたCaoraがある", "A unit is connected below USB 2.0 high speed"}, kAnyPlatform, true},
      // One record per unit (a field is left out when unknown): what `pair` and `rndis-reset` read.
      {"usb.units.detail", V::RecordList, {"Caoraごとのポート・シリアル番号・速度・ハブ経由か", "Each unit's port path, serial number, speed and whether a hub is in the path"}, kAnyPlatform, true, unit_fields()},
      // The units' RNDIS network links and the terminal's uplink.
      {"net.rndis.present", V::Bool, {"どのCaoraにもRNDISアダプターがある", "Every unit has its RNDIS network adapter"}, kAnyPlatform, true},
      {"net.rndis.disabled", V::Bool, {"無効になっているRNDISアダプターがある", "An RNDIS adapter is disabled"}, kAnyPlatform, true},
      {"net.rndis.has_address", V::Bool, {"どのRNDISアダプターにもIPv4アドレスがある", "Every RNDIS adapter has its IPv4 address"}, kAnyPlatform, true},
      {"net.rndis.subnet_overlap", V::Bool, {"RNDISアダプターのサブネットが他のネットワークと重なっている", "An RNDIS subnet overlaps another interface's subnet"}, kAnyPlatform, true},
      // One record per adapter of a unit.
      {"net.rndis.adapters", V::RecordList, {"CaoraごとのRNDISアダプター（名前・ドライバー・有効か・IPv4・重なるサブネット）", "Each unit's RNDIS adapters: name, driver, enabled, IPv4, overlapping subnets"}, kAnyPlatform, true, adapter_fields()},
      {"net.wifi.signal_weak", V::Bool, {"資格確認端末が無線LANでつながっていて、その電波が弱い", "The terminal is on Wi-Fi and its signal is weak"}, kAnyPlatform, true, {}, true},
      {"net.uplink.settings_missing", V::Bool, {"つながっている院内LAN側のアダプターに、IPv4アドレス・デフォルトゲートウェイ・DNSサーバーのどれかがない", "The connected uplink lacks an IPv4 address, a default gateway or a DNS server"}, kAnyPlatform, true},
      {"net.uplink.connected", V::Bool, {"院内LAN（オンライン資格確認等システム側）の有線接続がつながっている", "The wired uplink towards the online qualification system is up"}, kAnyPlatform, true},
      // PC/SC.
      {"pcsc.units.visible", V::Bool, {"どのCaoraもPC/SCリーダーとして見える", "Every unit is visible as a PC/SC reader"}, kAnyPlatform, true},
      {"pcsc.readers", V::StringList, {"PC/SCリーダーの名前の一覧", "The names of the PC/SC readers"}, kAnyPlatform, true},
      {"pcsc.foreign_readers.present", V::Bool, {"Caora以外のICカードリーダーが接続されている", "A card reader of another vendor is connected"}, kAnyPlatform, true},
      {"pcsc.unit.held_exclusive", V::Bool, {"他のプロセスがCaoraのリーダーを排他使用している", "Another process holds a unit's reader exclusively"}, kAnyPlatform, true},
  };
  return specs;
}

const std::vector<ActionSpec>& action_specs() {
  static const std::vector<ActionSpec> specs = {
      {"site.startup_delay.set", {"両方の StartUpEnv.bat の WAIT_TIME_SECOND を設定する", "Set WAIT_TIME_SECOND in both copies of StartUpEnv.bat"}, kAnyPlatform, true},
      {"site.startup_delay.sync", {"Execute側の StartUpEnv.bat を AppStartUp側へ上書きコピーする", "Copy the Execute StartUpEnv.bat over the AppStartUp copy"}, kAnyPlatform, true},
      {"site.ini.remove_corrupt", {"壊れた CJKA<シリアル>.ini を（バックアップしてから）削除する", "Remove the corrupt CJKA<serial>.ini files (backed up first)"}, kAnyPlatform, true},
      {"site.install.archive_leftover", {"残っているインストールフォルダを退避してから削除する", "Archive, then remove, the leftover install folder"}, kAnyPlatform, false},
      {"host.rdp.disable", {"リモートデスクトップ接続を無効にする", "Disable Remote Desktop connections"}, kWindows, true},
      {"host.sleep.disable", {"スリープを無効にする", "Disable sleep / suspend"}, kAnyPlatform, false},
      {"host.screen_lock.disable", {"画面ロックを無効にする", "Disable the screen lock"}, kAnyPlatform, false},
      {"host.certpropsvc.disable", {"証明書伝達サービスを停止して無効にする", "Stop and disable the Certificate Propagation service"}, kWindows, false},
      {"host.biometric.disable", {"生体認証デバイスを無効にする", "Disable the biometric devices"}, kAnyPlatform, true},
      {"host.nic.arp_offload.disable", {"NICのARPオフロードを無効にする", "Disable ARP offload on the terminal's NIC"}, kWindows, false},
      {"rndis.enable", {"無効なRNDISアダプターを有効にする", "Enable the disabled RNDIS adapters"}, kAnyPlatform, false},
      {"rndis.reset", {"RNDISアダプターを削除して再検出させる", "Remove the RNDIS adapter and let the OS detect it again"}, kAnyPlatform, false},
      {"host.restart.schedule", {"資格確認端末の再起動を予約する", "Schedule a restart of the terminal"}, kAnyPlatform, false},
  };
  return specs;
}

const ProbeSpec* find_probe_spec(const std::string& name) {
  for (const auto& spec : probe_specs())
    if (name == spec.name) return &spec;
  return nullptr;
}

const ActionSpec* find_action_spec(const std::string& name) {
  for (const auto& spec : action_specs())
    if (name == spec.name) return &spec;
  return nullptr;
}

bool value_has_type(const ProbeSpec& spec, const json& v) {
  switch (spec.type) {
    case ValueType::Bool: return v.is_boolean();
    case ValueType::Int: return v.is_number_integer();
    case ValueType::String: return v.is_string();
    case ValueType::Version: return v.is_string() && Version::parse(v.get<std::string>()).ok();
    case ValueType::StringList: return string_list(v);
    case ValueType::RecordList:
      if (!v.is_array()) return false;
      for (const auto& r : v)
        if (!record_has_fields(spec.fields, r)) return false;
      return true;
  }
  return false;
}

}  // namespace caora
