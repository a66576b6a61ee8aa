#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for FUZZ_SECONDS
# (default 15) on seed corpora made from the project's own data.
# Usage: scripts/fuzz.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-${FUZZ_SECONDS:-15}}
build=build-fuzz
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCAORA_FUZZ=ON -DCAORA_TESTS=OFF >/dev/null
# Every target, built and run from this one list.
targets=(lookup recipe startup_bat unit_ini version snapshot tlv japanese_date inventory windows_ids face_manifest
         card_fields frame_header ledger)
targets+=(discharge_state redact net_config)
targets+=(firmware_manifest minisign)
targets+=(selftest_manifest)
targets+=(fleet_result json_prune)
cmake --build "$build" --target "${targets[@]/#/fuzz_}"

corpus=$build/corpus
rm -rf "$corpus"
for t in "${targets[@]}"; do mkdir -p "$corpus/$t"; done
i=0
for q in 008 fuj008 'ＦＵＪ００８' 0x81000023 81000023 0x8100004 1234C02-4 '【008：端末接続不良】' '008 0x81000023' \
         '接続を待っています' 'remote desktop' qa-17 FUJPS5 '906 0x0300006'; do
  printf '%s' "$q" > "$corpus/lookup/$i"; i=$((i+1))
done
cp recipes/errors/*.json recipes/qa/qa-1*.json "$corpus/recipe/"
find data/demo -name 'StartUpEnv.bat' -exec sh -c 'cp "$1" "$2/$(echo "$1" | md5sum | cut -c1-8)"' _ {} "$corpus/startup_bat" \;
find data/demo -name 'CJKA*.ini' -exec cp {} "$corpus/unit_ini/" \;
printf '1.5.3.0\n1.10.2.1' > "$corpus/version/a"
printf 'CAORA_MSN_P2.11.7_A16.5.4\nCAORA_MSN_P2.10.3_A16.4.1' > "$corpus/version/b"
printf '2.1.0J\n2.0.9J' > "$corpus/version/c"
cp data/demo/snapshot.json "$corpus/snapshot/"
printf '{"schema":"caora.selftest-batch/1","cases":[{"id":"c1","card":"cards/a.jpg"},{"id":"f1","capture":"x.png","reference":"y.png","expect":{"match":true}}]}' > "$corpus/selftest_manifest/a"
printf '[{"id":"c1","inputs_sha256":{},"verification_number_b":"55021720352285","median_ms":{"ocr":9}}]' > "$corpus/selftest_manifest/b"
# A snapshot with the record lists (/2) and one with the per-unit lines it replaced (/1).
cp tests/data/sites/clean.json "$corpus/snapshot/clean-v2.json"
cp tests/data/sites/v1/clean.json "$corpus/snapshot/clean-v1.json"
printf '{"schema":"caora.inventory/1","licences":1,"units":[{"serial":"2113001","port_path":"1-2","reader":null,"first_seen":"2026-11-21T09:00:00+09:00","last_seen":"2026-11-21T09:00:00+09:00"}]}' > "$corpus/inventory/a"
# The per-unit lines of /1 snapshots (read into records).
printf 'port=1-2 serial=2113001 speed=high hub=no id=04c5:1526' > "$corpus/inventory/line"
printf 'port=1-2 name=usb0 driver=rndis_host enabled=yes ipv4=192.168.250.2/24 overlaps=eth0:192.168.0.20/16' > "$corpus/inventory/adapter"
# windows_ids: "instance|location path|hardware IDs|compatible IDs|parent USB device" per line.
printf 'USB\\VID_04C5&PID_1526\\2113001|PCIROOT(0)#PCI(1400)#USBROOT(0)#USB(2)#USB(3)|USB\\VID_04C5&PID_1526&REV_0100|USB\\Class_E0&SubClass_01&Prot_03|USB\\VID_04C5&PID_1526\\2113001\n' > "$corpus/windows_ids/unit"
printf 'account,reader,serial,environment,registered_at\r\nF0000001,CaoraA,2113001,verification,2026-11-01\r\nF0000002,"Caora, ""B""",,production,\r\n' > "$corpus/ledger/a"
printf '\377\040\202\000\020\337\042\010\061\071\070\060\060\062\061\067\337\047\002\377\117' > "$corpus/tlv/ef0002"
for d in '昭和55年2月17日生' '令和元年5月1日' '平成31年4月30日' '大正１５年１２月２４日'; do
  printf '%s' "$d" > "$corpus/japanese_date/$(printf '%s' "$d" | md5sum | cut -c1-8)"
done
# card_fields: lines as Tesseract reads them off the card face; frame_header: image headers.
for d in '昭和55年 2月17日生' '令和元年 5月 1日生' '2035年 2月17日まで有効' '2 2 8 5' '平成1O年l2月3曰生 性別女'; do
  printf '%s' "$d" > "$corpus/card_fields/$(printf '%s' "$d" | md5sum | cut -c1-8)"
done
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\004\260\000\000\006\100\010\002\000\000\000' > "$corpus/frame_header/png"
printf '\377\330\377\340\000\004JF\377\300\000\013\010\006\100\004\260\003\001\042\000' > "$corpus/frame_header/jpeg"
# face_manifest: a manifest, a NUL, then the weight bytes (uint8, float32 and uint16 tensors).
printf '[{"paths":["w.bin"],"weights":[{"name":"q","shape":[2,2],"dtype":"float32","quantization":{"dtype":"uint8","scale":0.5,"min":-1}},{"name":"f","shape":[1],"dtype":"float32"},{"name":"h","shape":[1],"dtype":"float32","quantization":{"dtype":"uint16","scale":0.25,"min":1}}]}]\0\001\002\003\004\000\000\300\077\004\001' \
  > "$corpus/face_manifest/small"
if [ -f /usr/local/share/caora/models/face_recognition_model-weights_manifest.json ]; then
  cp /usr/local/share/caora/models/face_recognition_model-weights_manifest.json "$corpus/face_manifest/real"
fi

printf '{"schema":"caora.discharge-state/1","run_id":"1a2b","serial":"2113001","port":"1-2","step":7,"started_at":"2026-12-04T10:00:00+09:00","updated_at":"2026-12-04T10:03:00+09:00","warnings":[]}' > "$corpus/discharge_state/a"
printf '{"schema":"caora.discharge-state/1","run_id":"x","serial":null,"step":0}' > "$corpus/discharge_state/b"
# firmware_manifest: the issue's example manifest; minisign: a key, a form feed, a signature.
printf '{"schema":"caora.firmware-manifest/1","manifest_version":7,"issued_at":"2026-12-01T00:00:00Z","expires":"2027-03-01T00:00:00Z","components":[{"component":"reader-software","version":"1.10.2.1","url":"https://example.invalid/r.zip","sha256":"%s","length":123456,"min_safe":"1.5.3.0"},{"component":"firmware","version":"CAORA_MSN_P2.12.0_A16.6.0","url":"https://example.invalid/f.bin","sha256":"%s","length":4567,"min_safe":"CAORA_MSN_P2.11.7_A16.5.4"}],"revoked":["1.6.0.0"]}' \
  "$(printf 'r' | sha256sum | cut -c1-64)" "$(printf 'f' | sha256sum | cut -c1-64)" > "$corpus/firmware_manifest/a"
printf 'untrusted comment: minisign public key EB5409CAEF6BCEFD\nRWT9zmvvyglU6wA51IGvtiSx1EtVrk58A7wgjfB6Mg97TMle5v4cb9U9\n\funtrusted comment: signature from minisign secret key\nRUT9zmvvyglU6wx/g0bj0Y5KQAcRWM7BMxUUef+GZTgmVIpaQrk3G+hVPBznLr8z2Dqo9zXKJf0WOMR2wAdyQyNiejzL1ee2AwE=\ntrusted comment: caora test\nGqPoyjpqzXbce/eRyCOIGQXfnKFuqVyb/QEKTX5MVkONNl7A6Lf9s9nl64LxW0m0J5zlfoDGBHEmhDH9wriUAw==\n' > "$corpus/minisign/a"
# net_config: a route table, a resolv.conf and /proc/net/wireless, as one file.
printf 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\neth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n' > "$corpus/net_config/route"
printf '# Generated\nnameserver 127.0.0.53\noptions edns0\nnameserver 192.168.0.1 # router\nsearch example.jp\n' > "$corpus/net_config/resolv"
printf 'Inter-| sta-|   Quality        |   Discarded packets\n face | tus | link level noise |  nwid  crypt\n wlan0: 0000   35.  -75.  -256        0      0\n' > "$corpus/net_config/wireless"
# The bundle redactor: keyed fields, grouped and full-width My Numbers, CP932 and UTF-16 bytes.
printf '氏名: 山田 太郎 serial=2113001\n個人番号 1234 5678 9018\npassword="x y"\n' > "$corpus/redact/a"
printf '\xff\xfen\x00a\x00m\x00e\x00=\x00A\x00b\x00\n\x00' > "$corpus/redact/b"
printf '\x8e\x81\x96\xbc\x81\x46\x8e\x52\x93\x63 \x82\x50\x82\x51\r\n' > "$corpus/redact/c"
# fleet_result: a doctor result, a diagnose result with a present cause, a caora.error/1.
printf '{"schema":"caora.doctor/1","status":"problem","summary":{"present":1,"absent":0,"unknown":0},"findings":[{"recipe":"error-008","code":"008","cause":"rdp","title":{"ja":"リモート","en":"remote"},"status":"present","evidence":["x"],"probes":["host.rdp.enabled"]}],"terminal":{"run_at":"2026-12-04T10:00:00Z","versions":{"reader_software":"1.5.2.0","firmware":"CAORA_MSN_P2.11.7_A16.5.4","face_dll":null},"units":["2113001"]}}' > "$corpus/fleet_result/doctor"
printf '{"schema":"caora.diagnose/1","code":"FUJ906","recipe":"error-fuj906","status":"escalate","causes":[{"id":"c1","title":{"ja":"a","en":"b"},"status":"present","evidence":[]}]}' > "$corpus/fleet_result/diagnose"
printf '{"schema":"caora.error/1","error":{"ja":"あ","en":"a"},"exit_code":2}' > "$corpus/fleet_result/error"
# A finding whose recipe is empty: once accepted and reported blank, now refused.
printf '{"schema":"caora.doctor/1","status":"problem","findings":[{"recipe":"","cause":"x","status":"present","title":{"ja":"a","en":"b"}}]}' > "$corpus/fleet_result/empty-recipe"
# json_prune: the same documents, a recipe, and escapes, surrogates and numbers at their edges.
cp "$corpus/fleet_result/"* "$corpus/json_prune/"
cp "$(ls recipes/errors/*.json | head -n 1)" "$corpus/json_prune/recipe"
printf '{"a\\u00e9":["\\ud83d\\ude00",-0.5e-3,18446744073709551615,[[{}]],true,null],"e":"\\n"}' > "$corpus/json_prune/edges"
printf '\xef\xbb\xbf{"bom": true}' > "$corpus/json_prune/bom"

passed=0
failed=0
for t in "${targets[@]}"; do
  echo "fuzz_$t: ${seconds}s"
  mkdir -p "$build/artifacts/$t"
  if ! "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$build/artifacts/$t/" "$corpus/$t" 2> "$build/fuzz_$t.log"; then
    echo "fuzz_$t FAILED; see $build/fuzz_$t.log and $build/artifacts/$t/"
    tail -n 30 "$build/fuzz_$t.log"
    failed=$((failed + 1))
  else
    passed=$((passed + 1))
    grep -E '^#[0-9]+.*DONE' "$build/fuzz_$t.log" | tail -n 1 || true
  fi
done
# One line that scripts/test.sh adds into CI's summary.
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
