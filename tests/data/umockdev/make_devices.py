#!/usr/bin/env python3
"""Writes the umockdev device descriptions the USB tests replay to the real libusb.

Run it after changing a scenario: `python3 tests/data/umockdev/make_devices.py`.
The .umockdev files are committed so the tests need nothing but umockdev.

Each scenario is a little USB tree: an xHCI controller, its root hubs, maybe a
hub, and devices with real descriptors (device + configuration, interfaces and
endpoints) so libusb parses them as it would a real unit. What we know and what
we assume about a Caora unit: it is a composite device with a Remote NDIS
function (class E0/01/03, or EF/04/01 on newer firmware) and a CDC data
interface; its vendor and product IDs are not in the vendor's documents (see
data/units.json).
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
PCI = "/devices/pci0000:00/0000:00:14.0"
SPEED_BCD = {"1.5": 0x0110, "12": 0x0200, "480": 0x0200, "5000": 0x0320}


def endpoint(addr, attrs, size, interval=0):
    return struct.pack("<BBBBHB", 7, 5, addr, attrs, size, interval)


def interface(num, cls, sub, proto, endpoints):
    return struct.pack("<BBBBBBBBB", 9, 4, num, 0, len(endpoints), cls, sub, proto, 0) + b"".join(endpoints)


def iad(first, count, cls, sub, proto):
    return struct.pack("<BBBBBBBB", 8, 0x0B, first, count, cls, sub, proto, 0)


def config(parts, n_interfaces):
    body = b"".join(parts)
    return struct.pack("<BBHBBBBB", 9, 2, 9 + len(body), n_interfaces, 1, 0, 0x80, 250) + body


def device_descriptor(vid, pid, cls, sub, proto, speed, has_strings, has_serial):
    return struct.pack("<BBHBBBBHHHBBBB", 18, 1, SPEED_BCD[speed], cls, sub, proto, 64, vid, pid, 0x0100,
                       1 if has_strings else 0, 2 if has_strings else 0, 3 if has_serial else 0, 1)


def rndis_unit(rndis_class=(0xE0, 0x01, 0x03)):
    """RNDIS control + CDC data, tied by an interface association."""
    return config([
        iad(0, 2, *rndis_class),
        interface(0, *rndis_class, [endpoint(0x81, 3, 8, 9)]),
        interface(1, 0x0A, 0x00, 0x00, [endpoint(0x82, 2, 512), endpoint(0x02, 2, 512)]),
    ], 2)


def hub_config():
    return config([interface(0, 0x09, 0x00, 0x00, [endpoint(0x81, 3, 1, 12)])], 1)


def hid_config():
    return config([interface(0, 0x03, 0x01, 0x02, [endpoint(0x81, 3, 8, 10)])], 1)


def vendor_config():
    return config([interface(0, 0xFF, 0x00, 0x00, [endpoint(0x81, 2, 512), endpoint(0x02, 2, 512)])], 1)


ABOUT = {}


class Tree:
    def __init__(self):
        self.records = []
        self.devnums = {}

    def controller(self):
        self.records.append("\n".join([
            "P: " + PCI, "E: DRIVER=xhci_hcd", "E: PCI_CLASS=C0330", "E: PCI_ID=8086:A36D",
            "E: SUBSYSTEM=pci", "A: class=0x0c0330", "A: vendor=0x8086", "A: device=0xa36d", ""]))

    def _usb(self, path, name, bus, vid, pid, speed, desc, cfg, maxchild=0, manufacturer=None, product=None,
             serial=None, removable="removable"):
        devnum = self.devnums.get(bus, 0) + 1
        self.devnums[bus] = devnum
        blob = desc + cfg
        lines = [
            "P: " + path,
            "N: bus/usb/%03d/%03d=%s" % (bus, devnum, blob.hex().upper()),
            "E: BUSNUM=%03d" % bus, "E: DEVNUM=%03d" % devnum,
            "E: DEVNAME=/dev/bus/usb/%03d/%03d" % (bus, devnum),
            "E: DEVTYPE=usb_device", "E: DRIVER=usb",
            "E: PRODUCT=%x/%x/100" % (vid, pid), "E: TYPE=%d/%d/%d" % (desc[4], desc[5], desc[6]),
            "E: MAJOR=189", "E: MINOR=%d" % ((bus - 1) * 128 + devnum - 1),
            "E: SUBSYSTEM=usb",
            "A: idVendor=%04x" % vid, "A: idProduct=%04x" % pid, "A: bcdDevice=0100",
            "A: bDeviceClass=%02x" % desc[4], "A: bDeviceSubClass=%02x" % desc[5], "A: bDeviceProtocol=%02x" % desc[6],
            "A: bNumConfigurations=1", "A: bConfigurationValue=1", "A: bNumInterfaces=%2d" % cfg[4],
            "A: busnum=%d" % bus, "A: devnum=%d" % devnum, "A: devpath=%s" % name.split("-", 1)[-1] if "-" in name else "A: devpath=0",
            "A: speed=%s" % speed, "A: maxchild=%d" % maxchild, "A: removable=%s" % removable,
            "H: descriptors=" + blob.hex().upper(),
        ]
        if manufacturer: lines.append("A: manufacturer=" + manufacturer)
        if product: lines.append("A: product=" + product)
        if serial: lines.append("A: serial=" + serial)  # "" : the descriptor exists, the kernel kept no copy
        self.records.append("\n".join(lines) + "\n")

    def root_hub(self, bus, usb3=False):
        speed = "5000" if usb3 else "480"
        desc = device_descriptor(0x1D6B, 3 if usb3 else 2, 0x09, 0, 3 if usb3 else 1, speed, True, True)
        self._usb("%s/usb%d" % (PCI, bus), "usb%d" % bus, bus, 0x1D6B, 3 if usb3 else 2, speed, desc, hub_config(),
                  maxchild=4, manufacturer="Linux 6.1.0-18-amd64 xhci-hcd",
                  product=("xHCI Host Controller"), serial="0000:00:14.0", removable="unknown")

    def device(self, port, vid, pid, cfg, speed="480", cls=(0xEF, 0x02, 0x01), manufacturer=None, product=None,
               serial=None, maxchild=0):
        bus = int(port.split("-")[0])
        parent = "%s/usb%d" % (PCI, bus)
        rest = port.split("-")[1].split(".")
        for i in range(1, len(rest)):
            parent += "/%d-%s" % (bus, ".".join(rest[:i]))
        desc = device_descriptor(vid, pid, *cls, speed, bool(manufacturer or product), serial is not None)
        self._usb(parent + "/" + port, port, bus, vid, pid, speed, desc, cfg, maxchild=maxchild,
                  manufacturer=manufacturer, product=product, serial=serial)

    def write(self, name, about):
        with open(os.path.join(HERE, name + ".umockdev"), "w") as f:
            # umockdev takes no comments: what each file holds is said in README.md.
            f.write("\n".join(self.records))
        ABOUT[name] = about


def caora(tree, port, serial, speed="480", vid=0x04C5, pid=0x1526, rndis_class=(0xE0, 0x01, 0x03),
          product="Caora", manufacturer="PFU Limited"):
    tree.device(port, vid, pid, rndis_unit(rndis_class), speed=speed, manufacturer=manufacturer, product=product,
                serial=serial)


def main():
    t = Tree(); t.controller(); t.root_hub(1); t.root_hub(2, usb3=True)
    t.write("no-device", "An xHCI controller with its two root hubs and nothing plugged in.")

    t = Tree(); t.controller(); t.root_hub(1); t.root_hub(2, usb3=True)
    caora(t, "1-2", "2113001")
    t.write("root-port", "One unit on root port 1-2 at high speed (480 Mbit/s).")

    t = Tree(); t.controller(); t.root_hub(1); t.root_hub(2, usb3=True)
    t.device("1-1", 0x05E3, 0x0608, hub_config(), speed="12", cls=(0x09, 0x00, 0x00), product="USB2.0 Hub",
             maxchild=4)
    caora(t, "1-1.3", "2113001", speed="12")
    t.write("behind-hub", "One unit on port 3 of a hub at 1-1 that runs at full speed (12 Mbit/s).")

    t = Tree(); t.controller(); t.root_hub(1); t.root_hub(2, usb3=True)
    caora(t, "1-2", "2113001")
    # Another vendor ID: found by the fallback (RNDIS function + "Caora" in its strings), no serial descriptor.
    caora(t, "2-1", None, speed="5000", vid=0x1234, pid=0x5678, rndis_class=(0xEF, 0x04, 0x01),
          product="Caora face reader", manufacturer="PFU")
    t.write("two-units", "Two units: 1-2 by the ID table, 2-1 (SuperSpeed) by the RNDIS+string fallback, "
            "the second without a serial-number descriptor.")

    t = Tree(); t.controller(); t.root_hub(1); t.root_hub(2, usb3=True)
    caora(t, "1-4", "")
    t.write("serial-unreadable", "One unit on 1-4 that has a serial-number descriptor the kernel did not keep "
            "(no sysfs `serial`), so it must be read from the device.")

    t = Tree(); t.controller(); t.root_hub(1); t.root_hub(2, usb3=True)
    t.device("1-1", 0x046D, 0xC52B, hid_config(), speed="12", cls=(0, 0, 0), manufacturer="Logitech",
             product="USB Receiver")
    t.device("1-2", 0x04C5, 0x132B, vendor_config(), cls=(0, 0, 0), manufacturer="PFU", product="ScanSnap iX1500",
             serial="AAAA000001")
    caora(t, "1-3", "PHONE0001", vid=0x18D1, pid=0x4EE3, product="Pixel 7", manufacturer="Google")
    t.write("unknown-device", "No unit: a mouse receiver, a scanner with the unit's vendor ID but no RNDIS "
            "function, and a phone sharing its connection over RNDIS.")

    t = Tree(); t.controller(); t.root_hub(1); t.root_hub(2, usb3=True)
    caora(t, "1-3", "2113001")
    t.write("moved-port", "The unit of root-port.umockdev (serial 2113001), now on root port 1-3: "
            "the inventory must notice the move.")

    t = Tree(); t.controller(); t.root_hub(1); t.root_hub(2, usb3=True)
    for i in range(1, 5):
        caora(t, "1-%d" % i, "211300%d" % i)
    caora(t, "2-1", "2113005", speed="5000")
    t.write("five-units", "Five units, 1-1 to 1-4 and 2-1: one more than a terminal supports.")

    with open(os.path.join(HERE, "README.md"), "w") as f:
        f.write("# USB trees for umockdev\n\nGenerated by `make_devices.py` (edit that, then run it); replayed to the "
                "real libusb by `umockdev-run -d FILE -- ...` in the USB tests.\n\n")
        for name, about in ABOUT.items():
            f.write("- `%s.umockdev`: %s\n" % (name, about))


if __name__ == "__main__":
    main()
