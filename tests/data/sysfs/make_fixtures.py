#!/usr/bin/env python3
"""Writes the sysfs fixture trees for the network probes (tests/data/sysfs/<case>/).

Run it after changing a case: `python3 tests/data/sysfs/make_fixtures.py`.
Each case has `sys/` laid out as Linux lays out /sys (class/net links into
devices/, `device` and `driver` links, operstate, flags, carrier, type) and
`ipv4`, the addresses getifaddrs would report ("<if> <a.b.c.d>/<prefix>").
Point CAORA_SYSFS_ROOT at `<case>/sys`. Unit ports match tests/data/umockdev.
"""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
PCI_USB = "devices/pci0000:00/0000:00:14.0"
ABOUT = {}


class Sys:
    def __init__(self, case):
        self.case = os.path.join(HERE, case)
        shutil.rmtree(self.case, ignore_errors=True)
        self.root = os.path.join(self.case, "sys")
        os.makedirs(os.path.join(self.root, "class", "net"))
        self.addrs = []

    def _write(self, rel, text):
        p = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(text + "\n")

    def _link(self, rel, target_rel):
        p = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        os.makedirs(os.path.join(self.root, target_rel), exist_ok=True)
        os.symlink(os.path.relpath(os.path.join(self.root, target_rel), os.path.dirname(p)), p)

    def iface(self, name, devdir, driver=None, bus="pci", up=True, carrier=True, ipv4=(), type_=1, wireless=False,
              loopback=False):
        """devdir: the device directory under sys/ (None for a virtual interface)."""
        netdir = (devdir or "devices/virtual") + "/net/" + name
        flags = (0x1 if up else 0) | (0x8 if loopback else 0) | 0x1002
        self._write(netdir + "/flags", "0x%x" % flags)
        self._write(netdir + "/operstate", "up" if up and carrier else ("unknown" if loopback else "down"))
        self._write(netdir + "/type", str(772 if loopback else type_))
        if up:  # Linux refuses to read carrier on a down interface (EINVAL): leave it out
            self._write(netdir + "/carrier", "1" if carrier else "0")
        if wireless:
            os.makedirs(os.path.join(self.root, netdir, "wireless"), exist_ok=True)
        if devdir:
            self._link(netdir + "/device", devdir)
            if driver:
                self._link(devdir + "/driver", "bus/%s/drivers/%s" % (bus, driver))
        self._link("class/net/" + name, netdir)
        for a in ipv4:
            self.addrs.append("%s %s" % (name, a))

    def usb_unit(self, port, ifname, up=True, ipv4=(), driver="rndis_host"):
        bus = port.split("-")[0]
        devdir = "%s/usb%s/%s" % (PCI_USB, bus, port)
        self._link("bus/usb/devices/" + port, devdir)
        self.iface(ifname, devdir + "/" + port + ":1.0", driver=driver, bus="usb", up=up, carrier=up, ipv4=ipv4)

    def basics(self, eth_ipv4=("192.168.1.10/24",), eth_carrier=True):
        self.iface("lo", None, up=True, loopback=True, ipv4=("127.0.0.1/8",))
        self.iface("eth0", "devices/pci0000:00/0000:00:1f.6", driver="e1000e", carrier=eth_carrier,
                   ipv4=eth_ipv4 if eth_carrier else ())
        self.iface("docker0", None, carrier=False, ipv4=("172.17.0.1/16",))

    def done(self, about):
        # git keeps no empty folder: give each one the `uevent` file every sysfs folder has.
        for base, dirs, files in os.walk(self.root):
            if not dirs and not files:
                open(os.path.join(base, "uevent"), "w").close()
        with open(os.path.join(self.case, "ipv4"), "w") as f:
            f.write("".join(a + "\n" for a in self.addrs))
        ABOUT[os.path.basename(self.case)] = about


def main():
    s = Sys("rndis-ok"); s.basics()
    s.iface("wlan0", "devices/pci0000:00/0000:00:14.3", driver="iwlwifi", wireless=True, ipv4=("10.0.0.5/24",))
    s.usb_unit("1-2", "usb0", ipv4=("192.168.250.2/24",))
    s.done("A unit's adapter usb0 (rndis_host, on 1-2) up with 192.168.250.2/24; the uplink eth0 has a cable and "
           "192.168.1.10/24; wifi, docker and loopback beside them.")

    s = Sys("overlap"); s.basics(eth_ipv4=("192.168.0.20/16",))
    s.usb_unit("1-2", "usb0", ipv4=("192.168.250.2/24",))
    s.done("The clinic LAN on eth0 is 192.168.0.0/16, which contains the unit's 192.168.250.0/24.")

    s = Sys("disabled"); s.basics(eth_carrier=False)
    s.usb_unit("1-2", "usb0", up=False)
    s.done("The unit's adapter is administratively down (disabled, no address) and the LAN cable is out.")

    s = Sys("no-address"); s.basics()
    s.usb_unit("1-2", "usb0")
    s.done("The unit's adapter is up but has no IPv4 address.")

    s = Sys("two-units"); s.basics()
    s.usb_unit("1-2", "usb0", ipv4=("192.168.250.2/24",))
    s.usb_unit("2-1", "usb1", ipv4=("192.168.251.2/24",), driver="cdc_ether")
    s.done("Two units' adapters (usb0 on 1-2, rndis_host; usb1 on 2-1, cdc_ether), each on its own /24.")

    s = Sys("no-adapter"); s.basics()
    s.done("No adapter for any unit: only loopback, the uplink and docker.")

    with open(os.path.join(HERE, "README.md"), "w") as f:
        f.write("# sysfs fixtures for the network probes\n\nGenerated by `make_fixtures.py` (edit that, then run it). "
                "Point `CAORA_SYSFS_ROOT` at `<case>/sys`; `<case>/ipv4` stands in for getifaddrs.\n\n")
        for name, about in ABOUT.items():
            f.write("- `%s`: %s\n" % (name, about))


if __name__ == "__main__":
    main()
