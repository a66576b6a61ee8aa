"""Pages checked in a real browser: Debian's chromium, headless.

render() loads a local HTML file, lets its scripts run, and returns the DOM as
the browser left it (so a table a script sorted or a chart it drew is there to
assert on) after saving a screenshot of the page. The screenshot is the test's
picture for a person to look at; the DOM is what the test asserts.

Standard library only; chromium is installed by scripts/deps.sh.
"""
import os
import shutil
import subprocess
import tempfile

CHROMIUM_NAMES = ("chromium", "chromium-browser")


def chromium():
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("chromium is not installed (scripts/deps.sh installs it)")


def _run(page, extra, timeout):
    # A profile of its own each time: chromium refuses a second instance on a
    # shared one, and tests run in parallel.
    with tempfile.TemporaryDirectory(prefix="caora-chromium-") as profile:
        cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
               "--no-first-run", "--disable-dev-shm-usage",
               "--user-data-dir=" + profile,
               # Enough virtual time for the page's own scripts, without sleeping.
               "--virtual-time-budget=5000", *extra,
               "file://" + os.path.abspath(page)]
        return subprocess.run(cmd, capture_output=True, timeout=timeout,
                              env=dict(os.environ, HOME=profile))


def render(page, screenshot, width=1280, height=1600, timeout=120):
    """Screenshot of `page` at `screenshot` (PNG) and the DOM after its scripts."""
    shot = _run(page, ["--window-size=%d,%d" % (width, height),
                       "--screenshot=" + os.path.abspath(screenshot)], timeout)
    if not os.path.isfile(screenshot) or os.path.getsize(screenshot) == 0:
        raise AssertionError("chromium made no screenshot of %s: %s"
                             % (page, shot.stderr.decode(errors="replace")[-2000:]))
    dom = _run(page, ["--dump-dom"], timeout)
    if dom.returncode != 0:
        raise AssertionError("chromium could not load %s: %s"
                             % (page, dom.stderr.decode(errors="replace")[-2000:]))
    return dom.stdout.decode("utf-8", errors="replace")


def png_size(path):
    """(width, height) of a PNG, read from its header."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError("%s is not a PNG" % path)
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
