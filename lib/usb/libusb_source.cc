#include "usb/libusb_source.h"

#include <fstream>
#include <memory>

#include <libusb.h>

namespace caora::usb {

namespace {

Speed speed_of(int s) {
  switch (s) {
    case LIBUSB_SPEED_LOW: return Speed::Low;
    case LIBUSB_SPEED_FULL: return Speed::Full;
    case LIBUSB_SPEED_HIGH: return Speed::High;
    case LIBUSB_SPEED_SUPER: return Speed::Super;
    case LIBUSB_SPEED_SUPER_PLUS: return Speed::SuperPlus;
    default: return Speed::Unknown;
  }
}

// A sysfs string attribute without its trailing newline; nullopt when absent.
std::optional<std::string> read_attr(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

struct HandleCloser {
  void operator()(libusb_device_handle* h) const { libusb_close(h); }
};
using Handle = std::unique_ptr<libusb_device_handle, HandleCloser>;

// Fills `field` from sysfs, else from the string descriptor `index` through
// `open` (opened at most once, lazily), else says why it is unknown.
void read_string(StringField& field, const fs::path& attr, uint8_t index, libusb_device* dev, Handle& handle,
                 int& open_error, bool may_open) {
  if (auto v = read_attr(attr)) {
    field.value = *v;
    field.source = "sysfs " + attr.filename().string();
    return;
  }
  if (index == 0) {
    field.reason = {"デバイスにこの文字列がありません（記述子のインデックスが0）",
                    "the device has no such string (descriptor index 0)"};
    return;
  }
  if (!may_open) {
    field.reason = {"sysfs に " + attr.filename().string() + " がありません", "no " + attr.filename().string() + " in sysfs"};
    return;
  }
  if (!handle && open_error == 0) {
    libusb_device_handle* h = nullptr;
    open_error = libusb_open(dev, &h);
    if (open_error == 0) handle.reset(h);
  }
  if (!handle) {
    std::string e = libusb_error_name(open_error);
    bool access = open_error == LIBUSB_ERROR_ACCESS;
    field.reason = {"sysfs に " + attr.filename().string() + " がなく、デバイスも開けません（" + e + (access ? "：管理者権限が必要" : "") + "）",
                    "no " + attr.filename().string() + " in sysfs and the device cannot be opened (" + e +
                        (access ? ": needs root" : "") + ")"};
    return;
  }
  unsigned char buf[256];
  int n = libusb_get_string_descriptor_ascii(handle.get(), index, buf, sizeof buf);
  if (n < 0) {
    std::string e = libusb_error_name(n);
    field.reason = {"文字列記述子 " + std::to_string(index) + " を読めません（" + e + "）",
                    "string descriptor " + std::to_string(index) + " cannot be read (" + e + ")"};
    return;
  }
  field.value = std::string(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
  field.source = "string descriptor " + std::to_string(index);
}

}  // namespace

Expected<std::vector<Device>> LibusbSource::devices() {
  libusb_context* ctx = nullptr;
  int r = libusb_init(&ctx);
  if (r != 0)
    return make_error(ErrorKind::Io, std::string("USBを読めません（libusb_init: ") + libusb_error_name(r) + "）",
                      std::string("USB cannot be read (libusb_init: ") + libusb_error_name(r) + ")");
  std::unique_ptr<libusb_context, void (*)(libusb_context*)> guard(ctx, libusb_exit);
  libusb_device** list = nullptr;
  ssize_t n = libusb_get_device_list(ctx, &list);
  if (n < 0)
    return make_error(ErrorKind::Io, std::string("USBデバイスの一覧を読めません（") + libusb_error_name(static_cast<int>(n)) + "）",
                      std::string("the USB device list cannot be read (") + libusb_error_name(static_cast<int>(n)) + ")");
  std::vector<Device> out;
  for (ssize_t i = 0; i < n; ++i) {
    libusb_device* dev = list[i];
    libusb_device_descriptor dd{};
    if (libusb_get_device_descriptor(dev, &dd) != 0) continue;
    Device d;
    d.vendor = dd.idVendor;
    d.product = dd.idProduct;
    d.device_class = dd.bDeviceClass;
    d.bus = libusb_get_bus_number(dev);
    uint8_t ports[8];
    int np = libusb_get_port_numbers(dev, ports, sizeof ports);
    if (np > 0) d.ports.assign(ports, ports + np);
    d.speed = speed_of(libusb_get_device_speed(dev));
    libusb_config_descriptor* cfg = nullptr;
    if (libusb_get_active_config_descriptor(dev, &cfg) != 0) libusb_get_config_descriptor(dev, 0, &cfg);
    if (cfg) {
      for (int k = 0; k < cfg->bNumInterfaces; ++k)
        for (int a = 0; a < cfg->interface[k].num_altsetting; ++a) {
          const auto& alt = cfg->interface[k].altsetting[a];
          d.interfaces.push_back({alt.bInterfaceClass, alt.bInterfaceSubClass, alt.bInterfaceProtocol});
        }
      libusb_free_config_descriptor(cfg);
    }
    if (d.ports.empty()) {  // a root hub: nothing to read
      out.push_back(std::move(d));
      continue;
    }
    // Opening a device wakes it and usually needs root: only for a possible unit.
    bool may_open = has_rndis_interface(d, *table_);
    fs::path dir = sysfs_ / d.port_path();
    Handle handle;
    int open_error = 0;
    read_string(d.manufacturer, dir / "manufacturer", dd.iManufacturer, dev, handle, open_error, may_open);
    read_string(d.product_name, dir / "product", dd.iProduct, dev, handle, open_error, may_open);
    read_string(d.serial, dir / "serial", dd.iSerialNumber, dev, handle, open_error, may_open);
    out.push_back(std::move(d));
  }
  libusb_free_device_list(list, 1);
  return out;
}

}  // namespace caora::usb
