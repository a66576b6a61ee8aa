#!/usr/bin/env bash
# The Windows step of CI: cross-builds caora.exe and caora_unit_tests.exe
# (scripts/windows-build.sh, which builds the cached dependency prefix on the
# first run), then under Wine runs
#   1. the Catch2 suite,
#   2. the real registry code against fixtures set with `wine reg add`, then
#      changed with `wine reg add` / `wine reg delete`,
#   3. whole-binary runs of caora.exe: --version, list, explain, diagnose on a
#      recorded site and on the live Windows backend, and the self-test's stages
#      against the Linux build's results on the same inputs,
#   4. the .msi (scripts/msi.sh): msiinfo, then msiexec /i into its own Wine
#      prefix, the installed caora.exe run by path and through PATH, msiexec /x.
# Prints each step's result and the time taken; exits non-zero if any failed.
# WINEPREFIX defaults to a cached prefix ($XDG_CACHE_HOME or /var/cache).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
start=$(date +%s)
build=${BUILD_DIR:-$top/build-win}
export BUILD_DIR=$build
# scripts/test.sh builds first to time the phases apart: --built skips it here.
if [ "${1:-}" != --built ] && ! "$top/scripts/windows-build.sh"; then
  echo "windows: FAIL (cross build)"
  exit 1
fi
built=$(date +%s)

wine=$(command -v wine64 || true)
[ -n "$wine" ] || wine=/usr/lib/wine/wine64  # Debian keeps wine64 out of PATH
export WINEPREFIX=${WINEPREFIX:-${XDG_CACHE_HOME:-/var/cache}/caora-wine}
export WINEDEBUG=-all WINEARCH=win64
# No desktop integration or Mono/Gecko prompts in a headless prefix, and no
# debugger: a crash must end the program, not wait in winedbg.
export WINEDLLOVERRIDES="mscoree,mshtml,winemenubuilder.exe,winedbg.exe=d"
mkdir -p "$WINEPREFIX"
log_dir=$(mktemp -d)
trap 'wineserver -k >/dev/null 2>&1; rm -rf "$log_dir"' EXIT
# A persistent wineserver, started once: every wine call below reuses it
# instead of starting and tearing one down each time.
wineserver -p
[ -f "$WINEPREFIX/system.reg" ] || "$wine" wineboot -i >/dev/null 2>&1

failed=()
passed=0
ok() { echo "windows: ok   $*"; passed=$((passed + 1)); }
# Runs wine with stdout and stderr in files (a console program's output on a
# pipe can keep the caller waiting on Wine's helper processes), bounded in
# time, then prints them when the result is not the expected one.
run() {  # name expected-exit command...
  local name=$1 expected=$2
  shift 2
  local out="$log_dir/$name.txt"
  timeout 600 "$wine" "$@" >"$out" 2>"$log_dir/$name.err" </dev/null
  local rc=$?
  if [ "$rc" = "$expected" ]; then
    ok "$name (exit $rc)"
  else
    echo "windows: FAIL $name (exit $rc, expected $expected$([ "$rc" = 124 ] && echo ', timed out'))"
    cat "$out" "$log_dir/$name.err"
    failed+=("$name")
  fi
}
reg() { "$wine" reg "$@" >/dev/null 2>&1 || echo "windows: wine reg $* failed"; }

# 1. The Catch2 suite (not the hidden [.…] tests, run on their own below).
# Left out: the Linux sysfs reader's fixture trees are made of symlinks,
# which a Windows build does not see as links.
run unit 0 "$build/tests/caora_unit_tests.exe" "~[.]~interfaces are read from a sysfs tree*"
tail -3 "$log_dir/unit.txt"

# 2. Registry fixtures.
ts='HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server'
cbs='HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'
pol='HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System'
nic='HKLM\SYSTEM\CurrentControlSet\Control\Class\{4d36e972-e325-11ce-bfc1-08002be10318}\0901'
reg add "$ts" /v fDenyTSConnections /t REG_DWORD /d 0 /f
reg add "$cbs" /f
reg add "$pol" /v InactivityTimeoutSecs /t REG_DWORD /d 600 /f
reg add "$nic" /v '*PMARPOffload' /t REG_SZ /d 1 /f
run registry-set 0 "$build/tests/caora_unit_tests.exe" "[.wine-registry-set]"
reg add "$ts" /v fDenyTSConnections /t REG_DWORD /d 1 /f
reg delete "$cbs" /f
reg add "$pol" /v InactivityTimeoutSecs /t REG_DWORD /d 0 /f
reg add "$nic" /v '*PMARPOffload' /t REG_SZ /d 0 /f
# The per-user screen saver lock is the probe's other half: set off here, so a
# prefix kept from an earlier run (where remediations ran) cannot leave it on.
reg add 'HKCU\Control Panel\Desktop' /v ScreenSaverIsSecure /t REG_SZ /d 0 /f
run registry-cleared 0 "$build/tests/caora_unit_tests.exe" "[.wine-registry-cleared]"

# 3. Whole-binary runs of what ships (stripped). A recorded site is replayed the same on any OS.
exe="$build/dist/caora.exe"
site="$top/tests/data/sites/008-remote-desktop.json"
run version 0 "$exe" --version
run list 0 "$exe" --lang en list
run explain 0 "$exe" explain 008 --json
run diagnose-site 1 "$exe" --lang en diagnose 008 --site "$site" --json --state-dir "$log_dir/state"
run diagnose-live 1 "$exe" --lang en diagnose 008 --json --state-dir "$log_dir/state"
# A check on what a run printed: passes when the command does; on a failure the
# run's output is shown.
expect() {  # name description command...
  local name=$1 what=$2
  shift 2
  if "$@"; then
    ok "$name: $what"
  else
    echo "windows: FAIL $name: $what"
    cat "$log_dir/$name.txt"
    failed+=("$name-content")
  fi
}
# A check on a run's JSON document: a Python expression over `doc`.
check() {  # name python-expression-over-doc
  expect "$1" "$2" python3 -c "import json,sys; doc=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" \
    "$log_dir/$1.txt"
}
# A fix on the live Windows backend, through the real registry, and its undo.
reg add "$ts" /v fDenyTSConnections /t REG_DWORD /d 0 /f
run fix-901 0 "$exe" --lang en diagnose 901 --fix --yes --json --state-dir "$log_dir/state"
rdp() { "$wine" reg query "$ts" /v fDenyTSConnections 2>/dev/null | tr -d '\r' | awk '/fDenyTSConnections/ {print $3}'; }
[ "$(rdp)" = 0x1 ] || { echo "windows: FAIL fix-901 left fDenyTSConnections at $(rdp)"; failed+=("fix-901-registry"); }
journal=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['actions'][0]['journal'])" "$log_dir/fix-901.txt" 2>/dev/null)
run undo-901 0 "$exe" --lang en undo "$journal" --yes --json --state-dir "$log_dir/state"
[ "$(rdp)" = 0x0 ] || { echo "windows: FAIL undo left fDenyTSConnections at $(rdp)"; failed+=("undo-901-registry"); }
# Intune-style detection and remediation (fleet/intune) in Wine's cmd: exactly
# one line on stdout and nothing on stderr; with Remote Desktop enabled again
# (the undo above), detection exits 1 and remediation turns it off for real
# (other findings of Wine's live backend, no unit on USB, are left: exit 1).
wpath() { "$wine" winepath -w "$1" 2>/dev/null | tr -d '\r'; }
export CAORA_EXE; CAORA_EXE=$(wpath "$exe")
export CAORA_ARGS; CAORA_ARGS="--state-dir $(wpath "$log_dir/intune-state")"
run intune-detect 1 cmd /c "$(wpath "$top/fleet/intune/detect.cmd")"
run intune-remediate 1 cmd /c "$(wpath "$top/fleet/intune/remediate.cmd")"
unset CAORA_EXE CAORA_ARGS
for n in intune-detect intune-remediate; do
  expect $n "one line on stdout, nothing on stderr" \
    test "$(wc -l <"$log_dir/$n.txt")" = 1 -a ! -s "$log_dir/$n.err"
done
expect intune-detect "names the Remote Desktop finding" grep -q "^caora: problem found:.* error-901" "$log_dir/intune-detect.txt"
expect intune-remediate "reports error-901 fixed" grep -q "fixed:.* error-901" "$log_dir/intune-remediate.txt"
[ "$(rdp)" = 0x1 ] || { echo "windows: FAIL intune-remediate left fDenyTSConnections at $(rdp)"; failed+=("intune-registry"); }
# register: a check against the terminal's connection info (the site profile's
# assumed layout), then its removal and the undo, compared byte for byte.
regroot="$log_dir/root"
conn="$regroot/OnlineAuthApp/App/Execute/bin/Connection/Production"
mkdir -p "$conn"
printf '; Caora\r\nLoginId=F0000001\r\nReaderName=CaoraA\r\n' > "$conn/CJKA2113001.conn"
cp "$conn/CJKA2113001.conn" "$log_dir/conn.orig"
run register-check 1 "$exe" --lang en --root "$regroot" --json register check --account F0000001 --reader CaoraZ \
  --env production
run register-usage 2 "$exe" --lang en --root "$regroot" register check --account X0000001 --reader CaoraZ --env production
run register-remove 0 "$exe" --lang en --root "$regroot" --state-dir "$log_dir/state" --yes --json register remove \
  --device 2113001 --env production
[ ! -e "$conn/CJKA2113001.conn" ] || { echo "windows: FAIL register-remove left the file"; failed+=("register-remove-file"); }
journal=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['journal'])" "$log_dir/register-remove.txt" 2>/dev/null)
run register-undo 0 "$exe" --lang en --state-dir "$log_dir/state" undo "$journal" --yes
cmp -s "$log_dir/conn.orig" "$conn/CJKA2113001.conn" || { echo "windows: FAIL register undo is not byte for byte"; failed+=("register-undo-bytes"); }

# discharge-guide on the live Windows backend: the plan, the refusal without a
# terminal (every step still listed), and the state folder's --status/--cancel.
run discharge-plan 0 "$exe" --lang en --json --dry-run discharge-guide --device 2113001 --state-dir "$log_dir/dstate"
check discharge-plan "doc['schema'] == 'caora.discharge-guide/1' and [s['wait_s'] for s in doc['steps']] == [None, 60, None, 60, None, None, None, None, None]"
run discharge-refused 3 "$exe" --lang en --json discharge-guide --device 2113001 --state-dir "$log_dir/dstate"
check discharge-refused "doc['status'] == 'refused' and len(doc['steps']) == 9"
run discharge-status 0 "$exe" --lang en --json discharge-guide --status --state-dir "$log_dir/dstate"
check discharge-status "doc['status'] == 'none'"

# firmware: a cached manifest judged with QA 24's minimums (each unit's firmware,
# a revoked reader software), and an http:// manifest URL refused before any
# connection. The minisign and manifest checks themselves run in the unit suite.
fwstate="$log_dir/fwstate"
fwbin="$log_dir/fwroot/OnlineAuthApp/App/Execute/bin"
mkdir -p "$fwstate/firmware" "$fwbin"
printf '1.6.0.0\r\n' > "$fwbin/version.txt"
printf '[Device]\r\nSerialNo=2113001\r\nFirmwareVersion=CAORA_MSN_P2.10.3_A16.4.1\r\n' > "$fwbin/CJKA2113001.ini"
printf '{"schema":"caora.firmware-manifest/1","manifest_version":7,"issued_at":"2026-12-01T00:00:00Z","expires":"2099-03-01T00:00:00Z","components":[{"component":"reader-software","version":"1.10.2.1","url":"https://example.invalid/r.zip","sha256":"%s","length":10,"min_safe":"1.5.3.0"}],"revoked":["1.6.0.0"]}' \
  "$(printf r | sha256sum | cut -c1-64)" > "$fwstate/firmware/manifest.json"
run firmware-status 1 "$exe" --lang en --json --root "$log_dir/fwroot" --state-dir "$fwstate" firmware status
check firmware-status "doc['manifest_version'] == 7 and [(c['component'], c['unit'], c['verdict']) for c in doc['components']][:2] == [('reader-software', None, 'revoked'), ('firmware', '2113001', 'below-minimum')]"
run firmware-http 2 "$exe" --lang en --json --state-dir "$fwstate" firmware refresh --manifest-url http://127.0.0.1:9/m.json
check firmware-http "doc['refusal'] == 'plain-http' and not doc['accepted']"

# collect-logs under Wine: an install root's application log bundled and
# redacted. Wine has no wevtutil, so the two event-log collectors fail and the
# bundle is partial (exit 1), still written whole. Checked from outside:
# Python's zipfile, sha256sum against FILE.sha256, the manifest, the log.
clroot="$log_dir/clroot"
mkdir -p "$clroot/OnlineAuthApp/App/Execute/log"
printf '2026-12-01 10:00:00 \xe6\xb0\x8f\xe5\x90\x8d: \xe5\xb1\xb1\xe7\x94\xb0 \xe5\xa4\xaa\xe9\x83\x8e insured_number=12345678\r\n' \
  > "$clroot/OnlineAuthApp/App/Execute/log/app.log"
run collect-logs 1 "$exe" --lang en --json --root "$clroot" --state-dir "$log_dir/clstate" collect-logs \
  -o "$(wpath "$log_dir/bundle.zip")"
check collect-logs "doc['schema'] == 'caora.collect-logs/1' and doc['status'] == 'partial' and sorted(doc['partial']) == ['event-log-application', 'event-log-system'] and doc['redactions'] == {'insured_number': 1, 'name': 1}"
expect collect-logs "a valid zip whose .sha256 matches, a caora.bundle/1 manifest, the log redacted, the map beside it" \
  python3 -c 'import hashlib, json, sys, zipfile
b = sys.argv[1]
z = zipfile.ZipFile(b)
assert z.testzip() is None
assert open(b + ".sha256").read().split()[0] == hashlib.sha256(open(b, "rb").read()).hexdigest()
m = json.loads(z.read("manifest.json"))
assert m["schema"] == "caora.bundle/1"
log = z.read("app-logs/OnlineAuthApp/App/Execute/log/app.log").decode()
assert "[NAME-" in log and "[INSURED-" in log and "12345678" not in log
assert json.load(open(b + ".map.json"))' "$log_dir/bundle.zip"

expect version "names caora and every cross-built source package at its version" \
  awk -F'\t' -v out="$log_dir/version.txt" 'BEGIN { while ((getline l < out) > 0) v = v "\n" l; ok = v ~ /^\ncaora / }
    NR > 1 && index(v, "  " $1 " " $2 " (") == 0 { ok = 0 } END { exit !ok }' "$build/dist/dependencies.tsv"
# Static: caora.exe and its helper may import only DLLs that every Windows 10/11 has.
for program in caora caora-selftest; do
  imports=$(x86_64-w64-mingw32-objdump -p "$build/dist/$program.exe" | sed -n 's/^\s*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u)
  static_ok=1
  for dll in $imports; do
    case $dll in
      advapi32.dll | bcrypt.dll | crypt32.dll | iphlpapi.dll | kernel32.dll | msvcrt.dll | ole32.dll | powrprof.dll | \
        setupapi.dll | cfgmgr32.dll | user32.dll | winscard.dll | ws2_32.dll | wtsapi32.dll | shell32.dll) ;;
      *) echo "windows: FAIL $program.exe needs $dll beside it"; failed+=("static-$program"); static_ok=0 ;;
    esac
  done
  [ $static_ok = 1 ] && ok "$program.exe imports only system DLLs ($(echo $imports | tr '\n' ' ')), $(($(stat -c %s "$build/dist/$program.exe") / 1024)) kB stripped"
done
expect list "lists error-008" grep -q "^error-008 " "$log_dir/list.txt"
check explain 'doc["schema"] == "caora.explain/1" and doc["code"] == "008"'
check fix-901 'doc["status"] == "resolved" and doc["actions"][0]["id"] == "host.rdp.disable" and doc["actions"][0]["applied"]'
check undo-901 'doc["schema"] == "caora.undo/1" and doc["undone"] and "fDenyTSConnections = 0" in doc["reversed"][0]'
check register-check 'doc["schema"] == "caora.register/1" and [(f["case"], f["detail"]) for f in doc["findings"]] == [(1, "0x81000001")]'
check diagnose-site 'doc["schema"] == "caora.diagnose/1" and any(c["id"] == "remote-desktop-session" and c["status"] == "present" for c in doc["causes"])'
# The live backend under Wine: every cause decided or unknown with a reason, none from a crash.
check diagnose-live 'doc["schema"] == "caora.diagnose/1" and any("SM_REMOTESESSION" in e for c in doc["causes"] for e in c["evidence"])'
# The self-test on the terminal: caora.exe starts caora-selftest.exe, which finds
# its models and Tesseract data beside it, and every stage gives what the Linux
# build gives on the same cards and faces (tests/e2e/wine_selftest_compare.py).
linux_caora=${LINUX_CAORA:-$top/build/caora}
if [ -x "$linux_caora" ]; then
  python3 "$top/tests/e2e/wine_selftest_compare.py" "$linux_caora" "$exe" "$wine" "$log_dir/selftest" \
    >"$log_dir/selftest-same.txt" 2>&1
  expect selftest-same "selftest card, face, run and batch give the Linux build's results" \
    grep -q "^\([0-9]*\) of \1 self-test runs the same" "$log_dir/selftest-same.txt"
  tail -1 "$log_dir/selftest-same.txt"
else
  echo "windows: FAIL selftest-same: no Linux build at $linux_caora to compare with (LINUX_CAORA names one)"
  failed+=("selftest-same")
fi

# 4. The installer (scripts/msi.sh): its tables read with msiinfo, then installed
# with msiexec into a Wine prefix of its own, where the installed caora.exe runs,
# by its full path and through PATH, and uninstalled again.
msi_prefix=${CAORA_MSI_WINEPREFIX:-${XDG_CACHE_HOME:-/var/cache}/caora-wine-msi}
if msi=$("$top/scripts/msi.sh" "$build" 2>"$log_dir/msi.err"); then
  ok "msi built: $(basename "$msi"), $(($(stat -c %s "$msi") / 1024)) kB"
  msiinfo export "$msi" File >"$log_dir/msi-files.txt"
  msiinfo export "$msi" Environment >"$log_dir/msi-env.txt"
  expect msi-files "the .msi holds caora.exe, the self-test with its data, the PowerShell completion and the man pages as text" \
    bash -c 'for f in caora.exe caora-selftest.exe face_recognition_model.bin jpn.traineddata caora.ps1 caora.1.txt caora-doctor.1.txt caora-recipes.5.txt; do
               grep -qP "[\t|]\Q$f\E\t" "$1" || { echo "missing $f"; exit 1; }; done' - "$log_dir/msi-files.txt"
  expect msi-path "the .msi appends its folder to the system PATH" grep -qF '=-*PATH	[~];[INSTALLDIR]' "$log_dir/msi-env.txt"
  mkdir -p "$msi_prefix"
  [ -f "$msi_prefix/system.reg" ] || WINEPREFIX=$msi_prefix "$wine" wineboot -i >/dev/null 2>&1
  # Wine's msiexec leaves the separator behind when an uninstall removes the
  # PATH entry, and Wine's cmd stops searching PATH at an empty entry: a prefix
  # kept from earlier runs gets its PATH tidied first, so "through PATH" tests
  # the installer and not the leftovers of the last run.
  env_key='HKLM\System\CurrentControlSet\Control\Session Manager\Environment'
  old_path=$(WINEPREFIX=$msi_prefix "$wine" reg query "$env_key" /v PATH 2>/dev/null |
             sed -n 's/^ *PATH *REG_EXPAND_SZ *//p' | tr -d '\r')
  tidy_path=$(printf '%s' "$old_path" | sed -E 's/;+/;/g; s/^;//; s/;$//')
  if [ -n "$tidy_path" ] && [ "$tidy_path" != "$old_path" ]; then
    WINEPREFIX=$msi_prefix "$wine" reg add "$env_key" /v PATH /t REG_EXPAND_SZ /d "$tidy_path" /f >/dev/null 2>&1
  fi
  WINEPREFIX=$msi_prefix run msi-install 0 msiexec /i "$msi" /qn
  installed="$msi_prefix/drive_c/Program Files/caora"
  expect msi-installed "caora.exe, doc\\caora.1.txt and caora.ps1 are in Program Files\\caora" \
    test -f "$installed/caora.exe" -a -f "$installed/doc/caora.1.txt" -a -f "$installed/caora.ps1"
  WINEPREFIX=$msi_prefix run msi-version 0 "$installed/caora.exe" --version --json
  check msi-version 'doc["schema"] == "caora.version/1" and doc["build"]["platform"] == "windows"'
  WINEPREFIX=$msi_prefix run msi-list 0 "$installed/caora.exe" --lang en list
  # The installed self-test finds its helper, models and data in Program Files\caora.
  # (Paths as Z:/...: Windows reads an argument starting with '/' as an option.)
  johns=Z:/usr/share/doc/libdlib19.1/examples/johns/John_Simm
  WINEPREFIX=$msi_prefix run msi-selftest 0 "$installed/caora.exe" --lang en --json selftest face \
    "$johns/000288_00470387.jpg" "$johns/000300_00470148.jpg"
  check msi-selftest 'doc["match"] is True'
  expect msi-list "the installed caora.exe lists error-008" grep -q "^error-008 " "$log_dir/msi-list.txt"
  # A new process sees the PATH the installer wrote.
  WINEPREFIX=$msi_prefix run msi-on-path 0 cmd /c "caora --version"
  expect msi-on-path "caora runs by name through PATH" grep -q "^caora " "$log_dir/msi-on-path.txt"
  WINEPREFIX=$msi_prefix run msi-uninstall 0 msiexec /x "$msi" /qn
  WINEPREFIX=$msi_prefix "$wine" reg query 'HKLM\System\CurrentControlSet\Control\Session Manager\Environment' /v PATH \
    >"$log_dir/msi-path-after.txt" 2>&1
  expect msi-removed "uninstall removes caora.exe and its PATH entry" \
    bash -c '! test -e "$1/caora.exe" && ! grep -qi "program files.caora" "$2"' - "$installed" "$log_dir/msi-path-after.txt"
  WINEPREFIX=$msi_prefix wineserver -k >/dev/null 2>&1
else
  echo "windows: FAIL msi build"
  cat "$log_dir/msi.err"
  failed+=("msi")
fi

end=$(date +%s)
echo "windows: build $((built - start)) s, Wine tests $((end - built)) s, total $((end - start)) s"
# One line that scripts/test.sh adds into CI's summary.
echo "windows: $passed passed, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
  echo "windows: FAIL (${failed[*]})"
  exit 1
fi
echo "windows: PASS"
