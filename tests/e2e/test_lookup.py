#!/usr/bin/env python3
"""Whole-binary lookup: what `caora explain` settles on for what people type.

The query set itself (tests/data/lookup/queries.tsv, top-1 and top-3) is the unit
test in diag/lookup_test.cc and the figures of `build/caora_bench lookup`; these
are the cases a technician meets at the counter, through the real command line:
twin QA items told apart by the one word that differs, a face-auth timeout that is
not a network timeout, a detail code typed bare without its leading zero, and junk
that must find nothing (exit 2) rather than a recipe.

Environment: CAORA_BIN (default ./build/caora), CAORA_SOURCE_DIR.
Standard library only.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SOURCE_DIR = os.environ.get("CAORA_SOURCE_DIR") or REPO
CAORA_BIN = os.environ.get("CAORA_BIN") or os.path.join(REPO, "build", "caora")


def explain(query):
    state = tempfile.mkdtemp(prefix="caora-e2e-state-")
    try:
        env = dict(os.environ, LANG="C.UTF-8")
        env.pop("LC_ALL", None)
        proc = subprocess.run([CAORA_BIN, "--json", "--state-dir", state, "--lang", "en", "explain", query],
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=60)
        out = proc.stdout.decode("utf-8", "replace")
        return proc.returncode, (json.loads(out) if out.strip() else {}), proc.stderr.decode("utf-8", "replace")
    finally:
        shutil.rmtree(state, ignore_errors=True)


class TwinItems(unittest.TestCase):
    CASES = [
        # The vendor's own sentences: the item that says 運用中 / 有効期限, not its twin.
        ("●運用中の事象 Caoraの画面に「接続を待っています」と表示されたまま「スタート」画面が表示されない。", "qa-17"),
        ("●初期設定時の事象 Caoraの画面に「接続を待っています」と表示されたまま「スタート」画面が表示されない。", "qa-16"),
        ("機関認証用電子証明書を変更する場合のカードリーダー側の対処について確認したい。 "
         "(医療機関コードの変更なし。有効期限が迫っている等理由で証明書を入れ替える場合)", "qa-33"),
        ("医療機関コードが変更となった場合のカードリーダー側の対処について確認したい。", "qa-32"),
        # タイムアウト with 顔認証 is QA 24's face-auth timeout, not a network timeout.
        ("顔認証でタイムアウトになる", "qa-24"),
        ("顔認証を行うと「タイムアウトしました」と表示され顔認証出来ない。", "qa-24"),
    ]

    def test_the_distinguishing_word_decides(self):
        for query, want in self.CASES:
            with self.subTest(query=query):
                rc, doc, err = explain(query)
                self.assertEqual(rc, 0, err)
                self.assertEqual(doc.get("recipe"), want, doc.get("candidates"))


class BareDetailCodes(unittest.TestCase):
    def test_seven_hex_digits_without_0x(self):
        for query, code, detail in [("3000006", "906", "0x03000006"), ("4000011", "015", "0x04000011"),
                                    ("1000004", "906", "0x01000004")]:
            with self.subTest(query=query):
                rc, doc, err = explain(query)
                self.assertEqual(rc, 0, err)
                self.assertEqual((doc.get("code"), doc.get("detail")), (code, detail))


class Junk(unittest.TestCase):
    def test_junk_finds_nothing(self):
        # A query of placeholder letters once matched FUJ906 (its xxxxC02 details).
        for query in ["xxxxxxxx", "xxxx", "XXXXXXXX", "ｘｘｘｘ", "----", "????", "ああああ", "zzzz"]:
            with self.subTest(query=query):
                rc, doc, err = explain(query)
                self.assertEqual(rc, 2, "explain %r found %r" % (query, doc.get("recipe")))


if __name__ == "__main__":
    unittest.main()
