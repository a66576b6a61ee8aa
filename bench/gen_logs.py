#!/usr/bin/env python3
"""Generates 61 days of Caora-like application logs for bench/collect_logs.sh:
about MB megabytes (default 200) in 5 files a day, a third each UTF-8, CP932
and UTF-16 LE with a BOM, with a sprinkling of personal data for the redactor
to find (a name field, a My Number, an insured number) among the usual lines.

    python3 gen_logs.py OUTDIR [MB]

Deterministic (seeded); standard library only.
"""
import os
import random
import sys
import time


def my_number(first11):
    d = [int(c) for c in first11]
    s = sum(d[11 - n] * (n + 1 if n <= 6 else n - 5) for n in range(1, 12))
    r = s % 11
    return first11 + str(0 if r <= 1 else 11 - r)


def main():
    out = sys.argv[1]
    mb = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    rng = random.Random(61)
    os.makedirs(out, exist_ok=True)
    days, per_day = 61, 5
    per_file = mb * 1024 * 1024 // (days * per_day)
    encodings = ["utf-8", "cp932", "utf-16-le"]
    normal = [
        "INFO  reader 2113001 state=稼働中 link 192.168.250.1 ok",
        "DEBUG card detected slot=1 atr=3B8F8001804F0CA000000306 t={ms}ms",
        "INFO  face auth started unit=2113002 mode=unattended",
        "WARN  retry {n}/3 error FUJ008 detail 22013C04-2",
        "INFO  顔認証 完了 所要時間 {ms} ms firmware CAORA_MSN_P2.11.7_A16.5.4",
        "ERROR 0x81000023 端末接続不良 port 1-2 speed high",
        "DEBUG rndis adapter Ethernet 3 169.254.12.{n} up",
    ]
    names = ["山田 太郎", "佐藤 花子", "鈴木 一郎", "Hanako Suzuki"]
    start = time.time() - days * 86400
    for day in range(days):
        for k in range(per_day):
            enc = encodings[(day * per_day + k) % 3]
            lines = []
            size = 0
            stamp = start + day * 86400 + k * 3600
            while size < per_file:
                t = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(stamp))
                stamp += rng.random()
                roll = rng.random()
                if roll < 0.002:
                    msg = "INFO  受付 氏名: %s 被保険者番号：%08d" % (rng.choice(names), rng.randrange(10**8))
                elif roll < 0.003:
                    msg = "DEBUG card 個人番号 %s" % my_number("%011d" % rng.randrange(10**11))
                else:
                    msg = rng.choice(normal).format(ms=rng.randrange(2000), n=rng.randrange(1, 250))
                line = "%s %s\r\n" % (t, msg)
                lines.append(line)
                size += len(line) * (2 if enc == "utf-16-le" else 1)
            data = "".join(lines).encode(enc)
            if enc == "utf-16-le":
                data = b"\xff\xfe" + data
            path = os.path.join(out, "Caora_%03d_%d.log" % (day, k))
            with open(path, "wb") as f:
                f.write(data)
            os.utime(path, (stamp, stamp))


if __name__ == "__main__":
    main()
