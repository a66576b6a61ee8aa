// The real Win32 behind win32_api.h. Only this file (and net_windows.cc)
// includes windows.h; the W variants throughout, UTF-8 at the edges.
#include <winsock2.h>
#include <windows.h>
// GUIDs and property keys are defined (not just declared) in this one file.
#include <initguid.h>
#include <cfgmgr32.h>
#include <devguid.h>
#include <devpkey.h>
#include <powrprof.h>
#include <setupapi.h>
#include <tlhelp32.h>
#include <usbiodef.h>
#include <usbioctl.h>
#include <wtsapi32.h>
#include <wincrypt.h>

#include <thread>

#include "host/windows/windows_host.h"
#include "usb/libusb_source.h"

namespace caora {

namespace {

std::string utf8(const std::wstring& w) {
  if (w.empty()) return {};
  int n = WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), nullptr, 0, nullptr, nullptr);
  std::string out(n > 0 ? n : 0, '\0');
  if (n > 0) WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), &out[0], n, nullptr, nullptr);
  return out;
}

std::wstring wide(const std::string& s) {
  if (s.empty()) return {};
  int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
  std::wstring out(n > 0 ? n : 0, L'\0');
  if (n > 0) MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), &out[0], n);
  return out;
}

// A wide buffer of NUL-separated strings ending in an empty one.
std::vector<std::string> multi_sz(const wchar_t* p, size_t chars) {
  std::vector<std::string> out;
  const wchar_t* end = p + chars;
  while (p < end && *p) {
    std::wstring s(p);
    out.push_back(utf8(s));
    p += s.size() + 1;
  }
  return out;
}

// A Win32 error as a bilingual message; access denied says what to do.
Error win_error(DWORD code, const std::string& what_ja, const std::string& what_en) {
  if (code == ERROR_ACCESS_DENIED || code == ERROR_PRIVILEGE_NOT_HELD)
    return make_error(ErrorKind::Permission, what_ja + "できません: 管理者として実行してください（アクセス拒否）",
                      "cannot " + what_en + ": access denied (run caora as administrator)");
  std::string c = std::to_string(code);
  if (code == ERROR_CALL_NOT_IMPLEMENTED)
    return make_error(ErrorKind::Unsupported, what_ja + "できません: このWindowsにはその機能がありません（エラー " + c + "）",
                      "cannot " + what_en + ": this Windows does not implement it (error " + c + ")");
  return make_error(ErrorKind::Io, what_ja + "できません（Windowsのエラー " + c + "）", "cannot " + what_en + " (Windows error " + c + ")");
}

Error cr_error(CONFIGRET cr, const std::string& what_ja, const std::string& what_en) {
  if (cr == CR_ACCESS_DENIED) return win_error(ERROR_ACCESS_DENIED, what_ja, what_en);
  std::string c = std::to_string(cr);
  if (cr == CR_REMOVE_VETOED || cr == CR_NOT_DISABLEABLE)
    return make_error(ErrorKind::Io, what_ja + "できません: 使用中のため拒否されました（CONFIGRET " + c + "）",
                      "cannot " + what_en + ": refused while in use (CONFIGRET " + c + ")");
  return make_error(ErrorKind::Io, what_ja + "できません（CONFIGRET " + c + "）", "cannot " + what_en + " (CONFIGRET " + c + ")");
}

// ---- registry -----------------------------------------------------------------

class Win32Registry : public win::Registry {
 public:
  Expected<std::optional<uint32_t>> read_dword(const std::string& key, const std::string& value) override {
    auto raw = query(key, value);
    if (!raw) return raw.error();
    if (!raw->has_value()) return std::optional<uint32_t>();
    const Raw& r = **raw;
    if (r.type != REG_DWORD || r.data.size() < 4)
      return make_error(ErrorKind::Parse, key + " " + value + " が REG_DWORD ではありません", key + " " + value + " is not a REG_DWORD");
    uint32_t v = 0;
    std::memcpy(&v, r.data.data(), 4);
    return std::optional<uint32_t>(v);
  }
  Expected<std::optional<std::string>> read_string(const std::string& key, const std::string& value) override {
    auto raw = query(key, value);
    if (!raw) return raw.error();
    if (!raw->has_value()) return std::optional<std::string>();
    const Raw& r = **raw;
    if (r.type == REG_DWORD && r.data.size() >= 4) {
      uint32_t v = 0;
      std::memcpy(&v, r.data.data(), 4);
      return std::optional<std::string>(std::to_string(v));
    }
    if (r.type != REG_SZ && r.type != REG_EXPAND_SZ)
      return make_error(ErrorKind::Parse, key + " " + value + " が文字列ではありません", key + " " + value + " is not a string");
    std::wstring w(reinterpret_cast<const wchar_t*>(r.data.data()), r.data.size() / sizeof(wchar_t));
    while (!w.empty() && w.back() == L'\0') w.pop_back();
    return std::optional<std::string>(utf8(w));
  }
  Expected<bool> key_exists(const std::string& key) override {
    auto h = open(key, KEY_READ);
    if (!h) return h.error();
    if (*h == nullptr) return false;
    RegCloseKey(*h);
    return true;
  }
  Expected<bool> value_exists(const std::string& key, const std::string& value) override {
    auto raw = query(key, value);
    if (!raw) return raw.error();
    return raw->has_value();
  }
  Status write_dword(const std::string& key, const std::string& value, uint32_t data) override {
    return set(key, value, REG_DWORD, &data, sizeof data);
  }
  Status write_string(const std::string& key, const std::string& value, const std::string& data) override {
    std::wstring w = wide(data);
    return set(key, value, REG_SZ, w.c_str(), static_cast<DWORD>((w.size() + 1) * sizeof(wchar_t)));
  }
  Status delete_value(const std::string& key, const std::string& value) override {
    auto h = open(key, KEY_SET_VALUE);
    if (!h) return h.error();
    if (*h == nullptr) return ok_status();
    LSTATUS rv = RegDeleteValueW(*h, wide(value).c_str());
    RegCloseKey(*h);
    if (rv != ERROR_SUCCESS && rv != ERROR_FILE_NOT_FOUND) return win_error(rv, key + " " + value + " を削除", "delete " + key + " " + value);
    return ok_status();
  }

 private:
  struct Raw {
    DWORD type = 0;
    std::vector<unsigned char> data;
  };

  static Expected<std::pair<HKEY, std::wstring>> split(const std::string& key) {
    size_t slash = key.find('\\');
    std::string root = key.substr(0, slash);
    std::wstring rest = slash == std::string::npos ? L"" : wide(key.substr(slash + 1));
    if (root == "HKLM" || root == "HKEY_LOCAL_MACHINE") return std::make_pair(HKEY_LOCAL_MACHINE, rest);
    if (root == "HKCU" || root == "HKEY_CURRENT_USER") return std::make_pair(HKEY_CURRENT_USER, rest);
    return make_error(ErrorKind::Internal, "レジストリのルートが分かりません: " + key, "unknown registry root: " + key);
  }

  // nullptr when the key does not exist. 64-bit view, as the settings live there.
  static Expected<HKEY> open(const std::string& key, REGSAM access) {
    auto k = split(key);
    if (!k) return k.error();
    HKEY h = nullptr;
    LSTATUS rv = RegOpenKeyExW(k->first, k->second.c_str(), 0, access | KEY_WOW64_64KEY, &h);
    if (rv == ERROR_FILE_NOT_FOUND || rv == ERROR_PATH_NOT_FOUND) return static_cast<HKEY>(nullptr);
    if (rv != ERROR_SUCCESS) return win_error(rv, key + " を開く", "open " + key);
    return h;
  }

  static Expected<std::optional<Raw>> query(const std::string& key, const std::string& value) {
    auto h = open(key, KEY_QUERY_VALUE);
    if (!h) return h.error();
    if (*h == nullptr) return std::optional<Raw>();
    std::wstring name = wide(value);
    Raw r;
    DWORD size = 0;
    LSTATUS rv = RegQueryValueExW(*h, name.c_str(), nullptr, &r.type, nullptr, &size);
    if (rv == ERROR_SUCCESS) {
      r.data.resize(size);
      rv = RegQueryValueExW(*h, name.c_str(), nullptr, &r.type, r.data.data(), &size);
      r.data.resize(size);
    }
    RegCloseKey(*h);
    if (rv == ERROR_FILE_NOT_FOUND) return std::optional<Raw>();
    if (rv != ERROR_SUCCESS) return win_error(rv, key + " " + value + " を読み取り", "read " + key + " " + value);
    return std::optional<Raw>(std::move(r));
  }

  static Status set(const std::string& key, const std::string& value, DWORD type, const void* data, DWORD size) {
    auto k = split(key);
    if (!k) return k.error();
    HKEY h = nullptr;
    LSTATUS rv = RegCreateKeyExW(k->first, k->second.c_str(), 0, nullptr, 0, KEY_SET_VALUE | KEY_WOW64_64KEY, nullptr, &h, nullptr);
    if (rv != ERROR_SUCCESS) return win_error(rv, key + " を開く", "open " + key + " for writing");
    rv = RegSetValueExW(h, wide(value).c_str(), 0, type, static_cast<const BYTE*>(data), size);
    RegCloseKey(h);
    if (rv != ERROR_SUCCESS) return win_error(rv, key + " " + value + " に書き込み", "write " + key + " " + value);
    return ok_status();
  }
};

// ---- devices ------------------------------------------------------------------

std::string device_id(DEVINST inst) {
  wchar_t buf[MAX_DEVICE_ID_LEN + 1] = {0};
  if (CM_Get_Device_IDW(inst, buf, MAX_DEVICE_ID_LEN, 0) != CR_SUCCESS) return {};
  return utf8(buf);
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

class Win32Devices : public win::DeviceManager {
 public:
  Expected<std::vector<win::DeviceNode>> list(win::DeviceClass cls) override {
    HDEVINFO set = INVALID_HANDLE_VALUE;
    if (cls == win::DeviceClass::Usb)
      set = SetupDiGetClassDevsW(nullptr, L"USB", nullptr, DIGCF_PRESENT | DIGCF_ALLCLASSES);
    else
      set = SetupDiGetClassDevsW(cls == win::DeviceClass::Net ? &GUID_DEVCLASS_NET : &GUID_DEVCLASS_BIOMETRIC, nullptr,
                                 nullptr, DIGCF_PRESENT);
    if (set == INVALID_HANDLE_VALUE) return win_error(GetLastError(), "デバイスの一覧を取得", "list the devices");
    std::vector<win::DeviceNode> out;
    SP_DEVINFO_DATA data{};
    data.cbSize = sizeof data;
    for (DWORD i = 0; SetupDiEnumDeviceInfo(set, i, &data); ++i) {
      win::DeviceNode n;
      n.instance_id = device_id(data.DevInst);
      n.description = text_property(set, data, SPDRP_FRIENDLYNAME);
      if (n.description.empty()) n.description = text_property(set, data, SPDRP_DEVICEDESC);
      n.hardware_ids = list_property(set, data, SPDRP_HARDWAREID);
      n.compatible_ids = list_property(set, data, SPDRP_COMPATIBLEIDS);
      n.driver_key = text_property(set, data, SPDRP_DRIVER);
      ULONG status = 0, problem = 0;
      if (CM_Get_DevNode_Status(&status, &problem, data.DevInst, 0) == CR_SUCCESS && (status & DN_HAS_PROBLEM)) {
        n.problem = problem;
        n.disabled = problem == CM_PROB_DISABLED;
      }
      // The whole USB device this node belongs to: itself or an ancestor.
      DEVINST cur = data.DevInst;
      for (int depth = 0; depth < 8; ++depth) {
        std::string id = upper(device_id(cur));
        if (id.rfind("USB\\", 0) == 0 && id.find("&MI_") == std::string::npos) {
          n.usb_device = device_id(cur);
          break;
        }
        DEVINST parent = 0;
        if (CM_Get_Parent(&parent, cur, 0) != CR_SUCCESS) break;
        cur = parent;
      }
      if (cls == win::DeviceClass::Net) n.net_guid = net_cfg_instance_id(set, data);
      if (cls == win::DeviceClass::Usb && upper(n.instance_id).find("&MI_") == std::string::npos) {
        for (const auto& path : location_paths(set, data)) {
          n.usb_ports = win::ports_from_location_path(path);
          if (!n.usb_ports.empty()) break;
        }
        n.speed = port_speed(set, data);
      }
      out.push_back(std::move(n));
    }
    DWORD err = GetLastError();
    SetupDiDestroyDeviceInfoList(set);
    if (err != ERROR_NO_MORE_ITEMS && err != ERROR_SUCCESS) return win_error(err, "デバイスの一覧を取得", "list the devices");
    return out;
  }

  Status enable(const std::string& instance_id) override {
    auto inst = locate(instance_id);
    if (!inst) return inst.error();
    CONFIGRET cr = CM_Enable_DevNode(*inst, 0);
    if (cr != CR_SUCCESS) return cr_error(cr, instance_id + " を有効に", "enable " + instance_id);
    return ok_status();
  }

  Status disable(const std::string& instance_id) override {
    auto inst = locate(instance_id);
    if (!inst) return inst.error();
    CONFIGRET cr = CM_Disable_DevNode(*inst, CM_DISABLE_PERSIST | CM_DISABLE_UI_NOT_OK);
    if (cr != CR_SUCCESS) return cr_error(cr, instance_id + " を無効に", "disable " + instance_id);
    return ok_status();
  }

  Expected<bool> uninstall(const std::string& instance_id) override {
    HDEVINFO set = SetupDiCreateDeviceInfoList(nullptr, nullptr);
    if (set == INVALID_HANDLE_VALUE) return win_error(GetLastError(), "デバイスを開く", "open the device list");
    SP_DEVINFO_DATA data{};
    data.cbSize = sizeof data;
    if (!SetupDiOpenDeviceInfoW(set, wide(instance_id).c_str(), nullptr, 0, &data)) {
      DWORD e = GetLastError();
      SetupDiDestroyDeviceInfoList(set);
      return win_error(e, instance_id + " を開く", "open " + instance_id);
    }
    // DiUninstallDevice (newdev.dll, Windows 7+) is what Device Manager does;
    // mingw's import library lacks it, so it is looked up at run time.
    using Uninstall = BOOL(WINAPI*)(HWND, HDEVINFO, PSP_DEVINFO_DATA, DWORD, PBOOL);
    Uninstall di_uninstall = nullptr;
    HMODULE newdev = LoadLibraryW(L"newdev.dll");
    if (newdev) di_uninstall = reinterpret_cast<Uninstall>(reinterpret_cast<void*>(GetProcAddress(newdev, "DiUninstallDevice")));
    BOOL reboot = FALSE;
    bool ok = false;
    DWORD err = 0;
    if (di_uninstall) {
      ok = di_uninstall(nullptr, set, &data, 0, &reboot) != FALSE;
      if (!ok) err = GetLastError();
    } else {
      ok = SetupDiCallClassInstaller(DIF_REMOVE, set, &data) != FALSE;
      if (!ok) err = GetLastError();
      SP_DEVINSTALL_PARAMS_W params{};
      params.cbSize = sizeof params;
      if (ok && SetupDiGetDeviceInstallParamsW(set, &data, &params))
        reboot = (params.Flags & (DI_NEEDREBOOT | DI_NEEDRESTART)) ? TRUE : FALSE;
    }
    if (newdev) FreeLibrary(newdev);
    SetupDiDestroyDeviceInfoList(set);
    if (!ok) return win_error(err, instance_id + " を削除", "uninstall " + instance_id);
    return reboot != FALSE;
  }

  Status rescan() override {
    DEVINST root = 0;
    CONFIGRET cr = CM_Locate_DevNodeW(&root, nullptr, CM_LOCATE_DEVNODE_NORMAL);
    if (cr == CR_SUCCESS) cr = CM_Reenumerate_DevNode(root, 0);
    if (cr != CR_SUCCESS) return cr_error(cr, "ハードウェアの変更をスキャン", "scan for hardware changes");
    return ok_status();
  }

 private:
  static Expected<DEVINST> locate(const std::string& instance_id) {
    DEVINST inst = 0;
    std::wstring id = wide(instance_id);
    CONFIGRET cr = CM_Locate_DevNodeW(&inst, const_cast<wchar_t*>(id.c_str()), CM_LOCATE_DEVNODE_NORMAL);
    if (cr != CR_SUCCESS) return cr_error(cr, instance_id + " を探す", "find " + instance_id);
    return inst;
  }

  static std::vector<wchar_t> raw_property(HDEVINFO set, SP_DEVINFO_DATA& data, DWORD prop) {
    DWORD size = 0, type = 0;
    SetupDiGetDeviceRegistryPropertyW(set, &data, prop, &type, nullptr, 0, &size);
    if (size == 0) return {};
    std::vector<wchar_t> buf(size / sizeof(wchar_t) + 2, L'\0');
    if (!SetupDiGetDeviceRegistryPropertyW(set, &data, prop, &type, reinterpret_cast<BYTE*>(buf.data()), size, nullptr)) return {};
    return buf;
  }
  static std::string text_property(HDEVINFO set, SP_DEVINFO_DATA& data, DWORD prop) {
    auto buf = raw_property(set, data, prop);
    return buf.empty() ? std::string() : utf8(buf.data());
  }
  static std::vector<std::string> list_property(HDEVINFO set, SP_DEVINFO_DATA& data, DWORD prop) {
    auto buf = raw_property(set, data, prop);
    return buf.empty() ? std::vector<std::string>() : multi_sz(buf.data(), buf.size());
  }

  static std::vector<std::string> location_paths(HDEVINFO set, SP_DEVINFO_DATA& data) {
    DEVPROPTYPE type = 0;
    DWORD size = 0;
    SetupDiGetDevicePropertyW(set, &data, &DEVPKEY_Device_LocationPaths, &type, nullptr, 0, &size, 0);
    if (size == 0) return {};
    std::vector<wchar_t> buf(size / sizeof(wchar_t) + 2, L'\0');
    if (!SetupDiGetDevicePropertyW(set, &data, &DEVPKEY_Device_LocationPaths, &type, reinterpret_cast<BYTE*>(buf.data()), size,
                                   nullptr, 0))
      return {};
    return multi_sz(buf.data(), buf.size());
  }

  static std::string net_cfg_instance_id(HDEVINFO set, SP_DEVINFO_DATA& data) {
    HKEY key = SetupDiOpenDevRegKey(set, &data, DICS_FLAG_GLOBAL, 0, DIREG_DRV, KEY_READ);
    if (key == INVALID_HANDLE_VALUE) return {};
    wchar_t buf[64] = {0};
    DWORD size = sizeof buf - sizeof(wchar_t), type = 0;
    std::string out;
    if (RegQueryValueExW(key, L"NetCfgInstanceId", nullptr, &type, reinterpret_cast<BYTE*>(buf), &size) == ERROR_SUCCESS &&
        type == REG_SZ)
      out = utf8(buf);
    RegCloseKey(key);
    return out;
  }

  // The speed the parent hub reports for the device's port.
  static usb::Speed port_speed(HDEVINFO set, SP_DEVINFO_DATA& data) {
    DWORD port = 0, type = 0;
    if (!SetupDiGetDeviceRegistryPropertyW(set, &data, SPDRP_ADDRESS, &type, reinterpret_cast<BYTE*>(&port), sizeof port, nullptr))
      return usb::Speed::Unknown;
    DEVINST hub = 0;
    if (CM_Get_Parent(&hub, data.DevInst, 0) != CR_SUCCESS) return usb::Speed::Unknown;
    std::wstring hub_id = wide(device_id(hub));
    ULONG len = 0;
    if (CM_Get_Device_Interface_List_SizeW(&len, const_cast<GUID*>(&GUID_DEVINTERFACE_USB_HUB), const_cast<wchar_t*>(hub_id.c_str()),
                                          CM_GET_DEVICE_INTERFACE_LIST_PRESENT) != CR_SUCCESS ||
        len <= 1)
      return usb::Speed::Unknown;
    std::vector<wchar_t> paths(len + 1, L'\0');
    if (CM_Get_Device_Interface_ListW(const_cast<GUID*>(&GUID_DEVINTERFACE_USB_HUB), const_cast<wchar_t*>(hub_id.c_str()),
                                     paths.data(), len, CM_GET_DEVICE_INTERFACE_LIST_PRESENT) != CR_SUCCESS)
      return usb::Speed::Unknown;
    HANDLE h = CreateFileW(paths.data(), GENERIC_WRITE, FILE_SHARE_WRITE, nullptr, OPEN_EXISTING, 0, nullptr);
    if (h == INVALID_HANDLE_VALUE) return usb::Speed::Unknown;
    std::vector<unsigned char> buf(sizeof(USB_NODE_CONNECTION_INFORMATION_EX) + 30 * sizeof(USB_PIPE_INFO));
    auto* info = reinterpret_cast<USB_NODE_CONNECTION_INFORMATION_EX*>(buf.data());
    info->ConnectionIndex = port;
    DWORD got = 0;
    bool ok = DeviceIoControl(h, IOCTL_USB_GET_NODE_CONNECTION_INFORMATION_EX, info, static_cast<DWORD>(buf.size()), info,
                              static_cast<DWORD>(buf.size()), &got, nullptr) != FALSE;
    CloseHandle(h);
    if (!ok) return usb::Speed::Unknown;
    switch (info->Speed) {
      case UsbLowSpeed: return usb::Speed::Low;
      case UsbFullSpeed: return usb::Speed::Full;
      case UsbHighSpeed: return usb::Speed::High;
      case UsbSuperSpeed: return usb::Speed::Super;
    }
    return usb::Speed::Unknown;
  }
};

// ---- services -----------------------------------------------------------------

struct ScHandle {
  SC_HANDLE h = nullptr;
  ~ScHandle() {
    if (h) CloseServiceHandle(h);
  }
};

class Win32Services : public win::ServiceManager {
 public:
  Expected<win::ServiceState> query(const std::string& name) override {
    ScHandle scm, svc;
    auto opened = open(name, SERVICE_QUERY_STATUS | SERVICE_QUERY_CONFIG, scm, svc);
    if (!opened) return opened.error();
    win::ServiceState s;
    if (!*opened) return s;
    s.exists = true;
    SERVICE_STATUS st{};
    if (!QueryServiceStatus(svc.h, &st)) return win_error(GetLastError(), name + " の状態を取得", "query " + name);
    s.running = st.dwCurrentState != SERVICE_STOPPED;
    DWORD need = 0;
    QueryServiceConfigW(svc.h, nullptr, 0, &need);
    std::vector<unsigned char> buf(need ? need : sizeof(QUERY_SERVICE_CONFIGW));
    auto* cfg = reinterpret_cast<QUERY_SERVICE_CONFIGW*>(buf.data());
    if (!QueryServiceConfigW(svc.h, cfg, static_cast<DWORD>(buf.size()), &need))
      return win_error(GetLastError(), name + " の設定を取得", "read the configuration of " + name);
    s.start_type = cfg->dwStartType;
    return s;
  }

  Status stop(const std::string& name) override {
    ScHandle scm, svc;
    auto opened = open(name, SERVICE_STOP | SERVICE_QUERY_STATUS, scm, svc);
    if (!opened) return opened.error();
    if (!*opened) return make_error(ErrorKind::NotFound, name + " というサービスはありません", "no service " + name);
    SERVICE_STATUS st{};
    if (!ControlService(svc.h, SERVICE_CONTROL_STOP, &st) && GetLastError() != ERROR_SERVICE_NOT_ACTIVE)
      return win_error(GetLastError(), name + " を停止", "stop " + name);
    for (int i = 0; i < 100; ++i) {  // up to 10 s
      if (!QueryServiceStatus(svc.h, &st)) return win_error(GetLastError(), name + " の状態を取得", "query " + name);
      if (st.dwCurrentState == SERVICE_STOPPED) return ok_status();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return make_error(ErrorKind::Io, name + " が10秒たっても止まりません", name + " did not stop within 10 s");
  }

  Status start(const std::string& name) override {
    ScHandle scm, svc;
    auto opened = open(name, SERVICE_START, scm, svc);
    if (!opened) return opened.error();
    if (!*opened) return make_error(ErrorKind::NotFound, name + " というサービスはありません", "no service " + name);
    if (!StartServiceW(svc.h, 0, nullptr) && GetLastError() != ERROR_SERVICE_ALREADY_RUNNING)
      return win_error(GetLastError(), name + " を開始", "start " + name);
    return ok_status();
  }

  Status set_start_type(const std::string& name, uint32_t start_type) override {
    ScHandle scm, svc;
    auto opened = open(name, SERVICE_CHANGE_CONFIG, scm, svc);
    if (!opened) return opened.error();
    if (!*opened) return make_error(ErrorKind::NotFound, name + " というサービスはありません", "no service " + name);
    if (!ChangeServiceConfigW(svc.h, SERVICE_NO_CHANGE, start_type, SERVICE_NO_CHANGE, nullptr, nullptr, nullptr, nullptr,
                              nullptr, nullptr, nullptr))
      return win_error(GetLastError(), name + " のスタートアップの種類を変更", "change the start type of " + name);
    return ok_status();
  }

 private:
  // false when the service does not exist.
  static Expected<bool> open(const std::string& name, DWORD access, ScHandle& scm, ScHandle& svc) {
    scm.h = OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT);
    if (!scm.h) return win_error(GetLastError(), "サービス管理に接続", "connect to the service control manager");
    svc.h = OpenServiceW(scm.h, wide(name).c_str(), access);
    if (!svc.h) {
      DWORD e = GetLastError();
      if (e == ERROR_SERVICE_DOES_NOT_EXIST) return false;
      return win_error(e, name + " を開く", "open the service " + name);
    }
    return true;
  }
};

// ---- system -----------------------------------------------------------------

class Win32System : public win::SystemApi {
 public:
  Expected<uint32_t> standby_timeout_ac() override {
    GUID* scheme = nullptr;
    DWORD rv = PowerGetActiveScheme(nullptr, &scheme);
    if (rv != ERROR_SUCCESS) return win_error(rv, "電源プランを読み取り", "read the active power scheme");
    DWORD value = 0;
    rv = PowerReadACValueIndex(nullptr, scheme, &GUID_SLEEP_SUBGROUP, &GUID_STANDBY_TIMEOUT, &value);
    LocalFree(scheme);
    if (rv != ERROR_SUCCESS) return win_error(rv, "スリープの設定を読み取り", "read the sleep timeout");
    return static_cast<uint32_t>(value);
  }

  Status set_standby_timeout_ac(uint32_t seconds) override {
    GUID* scheme = nullptr;
    DWORD rv = PowerGetActiveScheme(nullptr, &scheme);
    if (rv != ERROR_SUCCESS) return win_error(rv, "電源プランを読み取り", "read the active power scheme");
    rv = PowerWriteACValueIndex(nullptr, scheme, &GUID_SLEEP_SUBGROUP, &GUID_STANDBY_TIMEOUT, seconds);
    // The active scheme's values take effect when it is set active again.
    if (rv == ERROR_SUCCESS) rv = PowerSetActiveScheme(nullptr, scheme);
    LocalFree(scheme);
    if (rv != ERROR_SUCCESS) return win_error(rv, "スリープの設定を変更", "change the sleep timeout");
    return ok_status();
  }

  win::SessionInfo session() override {
    win::SessionInfo s;
    s.remote_metric = GetSystemMetrics(SM_REMOTESESSION) != 0;
    LPWSTR buf = nullptr;
    DWORD bytes = 0;
    if (WTSQuerySessionInformationW(WTS_CURRENT_SERVER_HANDLE, WTS_CURRENT_SESSION, WTSClientProtocolType, &buf, &bytes)) {
      if (buf && bytes >= sizeof(USHORT)) s.protocol = *reinterpret_cast<USHORT*>(buf);
      else s.protocol_error = "no answer";
      if (buf) WTSFreeMemory(buf);
    } else {
      s.protocol_error = "Windows error " + std::to_string(GetLastError());
    }
    return s;
  }

  Status schedule_restart(unsigned seconds, const std::string& message) override {
    Status p = shutdown_privilege();
    if (!p) return p;
    std::wstring msg = wide(message);
    DWORD rv = InitiateShutdownW(nullptr, &msg[0], seconds, SHUTDOWN_RESTART,
                                 SHTDN_REASON_MAJOR_APPLICATION | SHTDN_REASON_MINOR_MAINTENANCE | SHTDN_REASON_FLAG_PLANNED);
    if (rv != ERROR_SUCCESS) return win_error(rv, "再起動を予約", "schedule the restart");
    return ok_status();
  }

  Status cancel_restart() override {
    Status p = shutdown_privilege();
    if (!p) return p;
    if (!AbortSystemShutdownW(nullptr)) return win_error(GetLastError(), "再起動の予約を取り消し", "cancel the scheduled restart");
    return ok_status();
  }

  Expected<std::vector<net::WindowsAdapter>> adapters() override { return net::read_windows_adapters(); }
  Expected<std::vector<std::string>> process_names() override {
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snap == INVALID_HANDLE_VALUE) return win_error(GetLastError(), "プロセスの一覧を取る", "take the process list");
    std::vector<std::string> names;
    PROCESSENTRY32W e{};
    e.dwSize = sizeof e;
    for (BOOL more = Process32FirstW(snap, &e); more; more = Process32NextW(snap, &e)) names.push_back(utf8(e.szExeFile));
    CloseHandle(snap);
    return names;
  }

  Expected<std::vector<win::PersonalCertificate>> personal_certificates() override {
    std::vector<win::PersonalCertificate> out;
    const std::pair<DWORD, const char*> stores[] = {{CERT_SYSTEM_STORE_CURRENT_USER, "CurrentUser\\My"},
                                                    {CERT_SYSTEM_STORE_LOCAL_MACHINE, "LocalMachine\\My"}};
    for (const auto& [where, label] : stores) {
      HCERTSTORE store = CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
                                       where | CERT_STORE_READONLY_FLAG | CERT_STORE_OPEN_EXISTING_FLAG, L"MY");
      if (!store) {
        DWORD e = GetLastError();
        if (e == ERROR_FILE_NOT_FOUND) continue;  // no personal store yet: no certificates
        return win_error(e, std::string(label) + " を開く", std::string("open ") + label);
      }
      PCCERT_CONTEXT cert = nullptr;
      while ((cert = CertEnumCertificatesInStore(store, cert)) != nullptr) {
        win::PersonalCertificate c;
        c.store = label;
        c.issuer = cert_name(cert, CERT_NAME_ISSUER_FLAG);
        c.subject = cert_name(cert, 0);
        c.client_auth = allows_client_auth(cert);
        out.push_back(std::move(c));
      }
      CertCloseStore(store, 0);
    }
    return out;
  }

 private:
  static std::string cert_name(PCCERT_CONTEXT cert, DWORD flags) {
    wchar_t buf[512];
    DWORD n = CertGetNameStringW(cert, CERT_NAME_SIMPLE_DISPLAY_TYPE, flags, nullptr, buf, 512);
    return n > 1 ? utf8(std::wstring(buf, n - 1)) : std::string();
  }

  // No EKU extension means any use; otherwise client authentication must be listed.
  static bool allows_client_auth(PCCERT_CONTEXT cert) {
    DWORD size = 0;
    if (!CertGetEnhancedKeyUsage(cert, CERT_FIND_EXT_ONLY_ENHKEY_USAGE_FLAG, nullptr, &size)) return true;
    std::vector<BYTE> buf(size);
    auto* usage = reinterpret_cast<PCERT_ENHKEY_USAGE>(buf.data());
    if (!CertGetEnhancedKeyUsage(cert, CERT_FIND_EXT_ONLY_ENHKEY_USAGE_FLAG, usage, &size)) return true;
    if (usage->cUsageIdentifier == 0) return true;
    for (DWORD i = 0; i < usage->cUsageIdentifier; ++i)
      if (std::string(usage->rgpszUsageIdentifier[i]) == szOID_PKIX_KP_CLIENT_AUTH) return true;
    return false;
  }

  static Status shutdown_privilege() {
    HANDLE token = nullptr;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &token))
      return win_error(GetLastError(), "再起動の権限を取得", "get the shutdown privilege");
    TOKEN_PRIVILEGES tp{};
    tp.PrivilegeCount = 1;
    tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
    bool ok = LookupPrivilegeValueW(nullptr, L"SeShutdownPrivilege", &tp.Privileges[0].Luid) &&
              AdjustTokenPrivileges(token, FALSE, &tp, 0, nullptr, nullptr) && GetLastError() == ERROR_SUCCESS;
    DWORD err = GetLastError();
    CloseHandle(token);
    if (!ok) return win_error(err == ERROR_SUCCESS ? ERROR_PRIVILEGE_NOT_HELD : err, "再起動の権限を取得", "get the shutdown privilege");
    return ok_status();
  }
};

}  // namespace

WindowsApis make_win32_apis() {
  WindowsApis a;
  a.registry = std::make_unique<Win32Registry>();
  a.devices = std::make_unique<Win32Devices>();
  a.services = std::make_unique<Win32Services>();
  a.system = std::make_unique<Win32System>();
  return a;
}

std::unique_ptr<Host> make_windows_host() {
  return std::make_unique<WindowsHost>(make_win32_apis(), std::make_unique<usb::LibusbSource>(), pcsc::make_pcsclite_source());
}

}  // namespace caora
