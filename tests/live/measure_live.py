#!/usr/bin/env python3
"""Prints figures for the live Linux commands (nothing is asserted):

  * `caora pair` on one unit (umockdev root-port + the rndis-ok sysfs fixture):
    median wall time of whole-binary runs, inventory written each time;
  * `caora rndis-reset`: how long after the stand-in kernel brings the adapter
    back caora reports it (its polling latency), for a few kernel delays.

Run from a checkout after building:
  CAORA_BIN=build/caora python3 tests/live/measure_live.py
"""
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from live_parts import RndisKernel, Terminal  # noqa: E402


def pair_times(runs=15):
    t = Terminal("rndis-ok")
    try:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            rc, d, err = t.caora("root-port", "--json", "pair")
            times.append(time.perf_counter() - start)
            assert d["units"], err
        return times
    finally:
        t.cleanup()


def reset_latency(delay, runs=5):
    lags = []
    for _ in range(runs):
        t = Terminal("rndis-ok")
        try:
            k = RndisKernel(t, mode="back", delay=delay)
            start = time.time()
            rc, d, err = t.caora("root-port", "--yes", "--json", "rndis-reset", "--timeout", "30")
            end = time.time()
            assert d["status"] == "done", (d, err)
            back = next(e[2] for e in k.events if e[0] == "back")
            lags.append(end - back)
        finally:
            t.cleanup()
    return lags


def main():
    p = pair_times()
    print("caora pair, one unit, whole binary under umockdev: median %.0f ms, min %.0f ms, max %.0f ms (%d runs)"
          % (statistics.median(p) * 1000, min(p) * 1000, max(p) * 1000, len(p)))
    for delay in (0.2, 1.0, 3.0):
        lags = reset_latency(delay)
        print("caora rndis-reset, adapter back after %.1f s: reported %.0f ms later (median of %d; includes process exit)"
              % (delay, statistics.median(lags) * 1000, len(lags)))


if __name__ == "__main__":
    main()
