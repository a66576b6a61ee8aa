#!/usr/bin/env python3
"""The layers of ARCHITECTURE.md hold in the source, and the map names what exists.

ARCHITECTURE.md's ```layers block is the truth: `a: b c` lets files in layer
`a` include from `b` and `c` and from `a` itself. A file belongs to the most
specific layer that names it: a file pair (`host/open_site`), else its folder
(`host/linux`), else the nearest parent folder that is a layer. This test checks
that

  * every quoted #include of a project header in lib/, diag/ and cmd/ (tests,
    *_test.cc, left out: a test may reach across layers to build its inputs)
    stays inside the arrows, and that the arrows have no cycle;
  * every folder of lib/ holding sources is a layer or inside one, and every
    source file stem of lib/ and diag/, and every folder under lib/, tests/ and
    the top-level folders, is named in ARCHITECTURE.md;
  * the check itself fails on an include against the arrows (a file written
    for the purpose, in a temporary copy).

Run: python3 tests/e2e/test_layering.py
Environment: CAORA_SOURCE_DIR (default: the repository this file is in).
Standard library only.
"""

import os
import re
import shutil
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("CAORA_SOURCE_DIR", HERE.parent.parent))
SOURCE_SUFFIXES = (".cc", ".h")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def read_layers(architecture):
    block = re.search(r"^```layers\n(.*?)^```", architecture, re.S | re.M)
    if not block:
        raise AssertionError("ARCHITECTURE.md has no ```layers block")
    layers = {}
    for line in block.group(1).splitlines():
        if not line.strip():
            continue
        name, _, allowed = line.partition(":")
        layers[name.strip()] = set(allowed.split())
    return layers


def layer_of(rel, layers):
    """The layer of a path relative to lib/ (or 'cmd/…', 'diag/…'), or None."""
    stem = os.path.splitext(rel)[0]
    if stem in layers:
        return stem
    folder = os.path.dirname(rel)
    while folder:
        if folder in layers:
            return folder
        folder = os.path.dirname(folder)
    return None


def source_files(root):
    for top in ("lib", "diag", "cmd"):
        for path in sorted((root / top).rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and path.is_file():
                yield path


def relative(path, root):
    """lib/host/x.h → host/x.h; diag/x.h → diag/x.h (how the code includes them)."""
    rel = path.relative_to(root).as_posix()
    return rel[len("lib/"):] if rel.startswith("lib/") else rel


def violations(root):
    layers = read_layers((root / "ARCHITECTURE.md").read_text(encoding="utf-8"))
    problems = []
    for path in source_files(root):
        rel = relative(path, root)
        if path.stem.endswith("_test"):
            continue
        mine = layer_of(rel, layers)
        if mine is None:
            problems.append("%s is in no layer of ARCHITECTURE.md" % path.relative_to(root))
            continue
        for included in INCLUDE.findall(path.read_text(encoding="utf-8", errors="replace")):
            target = root / "lib" / included
            if not target.exists():
                target = root / included
            if not target.exists():
                continue  # generated (build_info.h) or a system header in quotes
            theirs = layer_of(relative(target, root), layers)
            if theirs is None:
                problems.append("%s includes %s, which is in no layer" % (path.relative_to(root), included))
            elif theirs != mine and theirs not in layers[mine]:
                problems.append("%s (layer %s) includes %s (layer %s): not an arrow of ARCHITECTURE.md"
                                % (path.relative_to(root), mine, included, theirs))
    return problems


def cycles(layers):
    found = []
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(layers.get(node, ())):
            if state.get(nxt) == "open":
                found.append(" → ".join(trail[trail.index(nxt):] + [nxt]) if nxt in trail else nxt)
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for name in sorted(layers):
        if name not in state:
            visit(name, [name])
    return found


class Layering(unittest.TestCase):
    def setUp(self):
        self.architecture = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
        self.layers = read_layers(self.architecture)

    def no_problems(self, problems):
        if problems:
            self.fail("\n".join(problems))

    def test_includes_follow_the_arrows(self):
        self.no_problems(violations(ROOT))

    def test_arrows_name_layers_and_have_no_cycle(self):
        problems = ["layer %s allows %s, which is not a layer" % (name, other)
                    for name, allowed in self.layers.items() for other in sorted(allowed) if other not in self.layers]
        problems += ["a cycle: %s" % c for c in cycles(self.layers)]
        self.no_problems(problems)

    def test_every_folder_and_file_is_on_the_map(self):
        problems = []
        for path in source_files(ROOT):
            if path.stem.endswith("_test") or path.parts[len(ROOT.parts)] == "cmd":
                continue
            if not re.search(r"\b%s\b" % re.escape(path.stem), self.architecture):
                problems.append("ARCHITECTURE.md does not name %s" % path.relative_to(ROOT))
        folders = set()
        for top in ("lib", "tests", "bench", "scripts", "cmake", "recipes", "data", "man", "completions"):
            base = ROOT / top
            if not base.is_dir():
                continue
            folders.add(top)
            for path in base.rglob("*"):
                rel = path.relative_to(ROOT)
                if (path.is_dir() and "__pycache__" not in rel.parts and "node_modules" not in rel.parts
                        and len(rel.parts) <= (3 if top in ("lib", "tests") else 1)):
                    folders.add(rel.as_posix())
        # The map is a tree: a folder is named by its own name and a slash, at its place.
        for folder in sorted(folders):
            if not re.search(r"(^|[\s(`/])%s/" % re.escape(folder.rsplit("/", 1)[-1]), self.architecture, re.M):
                problems.append("ARCHITECTURE.md does not name the folder %s/" % folder)
        self.no_problems(problems)

    def test_the_check_catches_a_wrong_include(self):
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "src"
            for part in ("lib", "diag", "cmd"):
                shutil.copytree(ROOT / part, copy / part)
            shutil.copy(ROOT / "ARCHITECTURE.md", copy / "ARCHITECTURE.md")
            self.assertEqual(violations(copy), [])
            # core knows nothing of Caora: reaching into the recipe engine is refused.
            (copy / "lib/core/bad.h").write_text('#include "diag/recipe.h"\n', encoding="utf-8")
            found = violations(copy)
            self.assertEqual(len(found), 1, found)
            self.assertIn("lib/core/bad.h (layer core) includes diag/recipe.h (layer diag)", found[0])


if __name__ == "__main__":
    unittest.main(verbosity=2)
