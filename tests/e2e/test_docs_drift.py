#!/usr/bin/env python3
"""The CLI, the man pages and the shell completions must not drift apart.

`caora --dump-cli` is the truth. This test checks that

  * every subcommand has man/caora-<sub>.1, and every man/caora-*.1 is a
    subcommand;
  * each subcommand page documents every option of that subcommand (a .TP
    entry in OPTIONS with the option name in bold) and nothing else there;
    caora.1 documents every global option and lists every subcommand;
  * the man pages mention no option the CLI does not have, refer to no
    caora-<x>(1) page that does not exist, and render with groff without
    warnings (when groff is installed);
  * every completion file (bash, zsh, fish, PowerShell) mentions every
    subcommand, every option of it and every global option, and offers no
    --option the CLI does not have (comments are not read);
  * the bash completion (and the fish one, when fish is installed) really
    completes exactly the subcommands and each subcommand's options; the zsh,
    fish and PowerShell files attach each option to the right subcommand;
  * the completions' built-in list of codes (used when caora cannot be run)
    holds every official code and nothing that is no longer a code, detail
    code or recipe id.

Run: python3 tests/e2e/test_docs_drift.py
Environment: CAORA_BIN (default ./build/caora), CAORA_SOURCE_DIR (default:
the repository this file is in).
Standard library only.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE_DIR = Path(os.environ.get("CAORA_SOURCE_DIR") or HERE.parent.parent).resolve()


def _default_bin():
    for candidate in (Path("build/caora"), HERE.parent.parent / "build" / "caora"):
        if candidate.exists():
            return str(candidate.resolve())
    return "./build/caora"


CAORA_BIN = os.environ.get("CAORA_BIN") or _default_bin()

MAN_DIR = SOURCE_DIR / "man"
COMPLETIONS = {
    "bash": SOURCE_DIR / "completions" / "caora.bash",
    "zsh": SOURCE_DIR / "completions" / "_caora",
    "fish": SOURCE_DIR / "completions" / "caora.fish",
    "ps1": SOURCE_DIR / "completions" / "caora.ps1",
}
# CLI11 gives every command -h/--help; --dump-cli leaves it out.
BUILTIN_OPTIONS = {"--help", "-h"}

LONG_OPTION = re.compile(r"(?<![\w-])--[A-Za-z][A-Za-z0-9-]*")


def short_option(name):
    return re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])")


def rel(path):
    try:
        return str(Path(path).relative_to(SOURCE_DIR))
    except ValueError:
        return str(path)


def run(cmd, **kwargs):
    env = dict(os.environ, LANG="C.UTF-8", LC_ALL="")
    env.update(kwargs.pop("env", {}))
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, **kwargs)


# --------------------------------------------------------------------------
# The CLI
# --------------------------------------------------------------------------

class Cli:
    def __init__(self, dump):
        self.dump = dump
        self.global_options = [o for o in dump["options"] if not o.get("positional")]
        self.subcommands = {s["name"]: s for s in dump["subcommands"]}

    @staticmethod
    def names(option):
        return list(option.get("long", [])) + list(option.get("short", []))

    def sub_options(self, sub):
        return [o for o in self.subcommands[sub]["options"] if not o.get("positional")]

    def sub_positionals(self, sub):
        return [o for o in self.subcommands[sub]["options"] if o.get("positional")]

    def sub_names(self, sub):
        return {n for o in self.sub_options(sub) for n in self.names(o)}

    def global_names(self):
        return {n for o in self.global_options for n in self.names(o)}

    def all_long(self):
        out = {n for o in self.global_options for n in o.get("long", [])}
        for sub in self.subcommands:
            out |= {n for o in self.sub_options(sub) for n in o.get("long", [])}
        return out

    def all_names(self):
        out = self.global_names()
        for sub in self.subcommands:
            out |= self.sub_names(sub)
        return out

    def owner(self, name):
        """Where an option name belongs, for messages."""
        if name in self.global_names():
            return "a global option"
        owners = [s for s in self.subcommands if name in self.sub_names(s)]
        return "an option of " + ", ".join("`caora %s`" % s for s in owners) if owners else "not an option of caora"


CLI = None
LIST_JSON = None


def setUpModule():
    global CLI, LIST_JSON
    if not Path(CAORA_BIN).exists() and shutil.which(CAORA_BIN) is None:
        raise RuntimeError("caora binary not found at %s: build it (ninja -C build caora) or set CAORA_BIN" % CAORA_BIN)
    res = run([CAORA_BIN, "--dump-cli"])
    if res.returncode != 0:
        raise RuntimeError("%s --dump-cli failed (exit %d): %s" % (CAORA_BIN, res.returncode, res.stderr))
    CLI = Cli(json.loads(res.stdout))
    res = run([CAORA_BIN, "--json", "list"])
    LIST_JSON = json.loads(res.stdout) if res.returncode == 0 else None


# --------------------------------------------------------------------------
# roff
# --------------------------------------------------------------------------

ROFF_NAMED = {"em": "-", "en": "-", "lq": '"', "rq": '"', "dq": '"', "oq": "'", "cq": "'", "bu": "*", "rs": "\\"}


def roff_plain(text):
    """roff escapes -> plain text (font changes dropped)."""
    text = re.sub(r"\\f(\[[^\]]*\]|\(..|.)", "", text)
    text = re.sub(r"\\\[u([0-9A-Fa-f]{4,6})\]", lambda m: chr(int(m.group(1), 16)), text)
    text = re.sub(r"\\\((..)", lambda m: ROFF_NAMED.get(m.group(1), " "), text)
    text = re.sub(r"\\\[([^\]]*)\]", lambda m: ROFF_NAMED.get(m.group(1), " "), text)
    text = text.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "").replace("\\ ", " ")
    text = text.replace("\\|", "").replace("\\^", "").replace("\\c", "")
    return text


def macro_args(rest):
    """The arguments of a roff macro line ("..." quotes, "" inside them)."""
    args, i, n = [], 0, len(rest)
    while i < n:
        while i < n and rest[i] in " \t":
            i += 1
        if i >= n:
            break
        if rest[i] == '"':
            i += 1
            buf = []
            while i < n:
                if rest[i] == '"':
                    if i + 1 < n and rest[i + 1] == '"':
                        buf.append('"')
                        i += 2
                        continue
                    i += 1
                    break
                buf.append(rest[i])
                i += 1
            args.append("".join(buf))
        else:
            j = i
            while j < n and rest[j] not in " \t":
                j += 1
            args.append(rest[i:j])
            i = j
    return args


def inline_bold(text, bold):
    """The bold runs of a text whose base font is bold or not."""
    out, buf = [], []
    current = bold
    pos = 0
    for m in re.finditer(r"\\f(\[[^\]]*\]|\(..|.)", text):
        buf.append(text[pos:m.start()])
        if current and "".join(buf).strip():
            out.append("".join(buf))
        buf = []
        font = m.group(1).strip("[]").lstrip("(")
        current = {"B": True, "BI": True, "CB": True, "P": bold}.get(font, False)
        pos = m.end()
    buf.append(text[pos:])
    if current and "".join(buf).strip():
        out.append("".join(buf))
    return out


def bold_runs(line):
    """Plain text of every bold run on one roff input line."""
    segments = []
    m = re.match(r"^[.'](\w+)\s*(.*)$", line)
    if m:
        macro, args = m.group(1), macro_args(m.group(2))
        if macro == "B":
            segments = [(" ".join(args), True)]
        elif macro in ("BR", "BI"):
            segments = [(a, i % 2 == 0) for i, a in enumerate(args)]
        elif macro in ("RB", "IB"):
            segments = [(a, i % 2 == 1) for i, a in enumerate(args)]
        elif macro in ("I", "IR", "RI", "IP", "TP", "SS", "SH", "SM"):
            segments = [(a, False) for a in args]
    elif not line.startswith(".\\\"") and not line.startswith("'\\\""):
        segments = [(line, False)]
    runs = []
    for text, bold in segments:
        runs.extend(roff_plain(r) for r in inline_bold(text, bold))
    return runs


def line_plain(line):
    """One roff input line as the reader sees it (macro arguments joined)."""
    m = re.match(r"^[.'](\w+)\s*(.*)$", line)
    if not m:
        return roff_plain(line)
    macro, args = m.group(1), macro_args(m.group(2))
    if macro in ("BR", "BI", "RB", "RI", "IB", "IR"):
        return roff_plain("".join(args))
    if macro in ("B", "I", "SM", "SB", "IP", "TP", "SS", "SH"):
        return roff_plain(" ".join(args))
    return ""


def option_names(text):
    return set(re.findall(r"(?<![\w-])--?[A-Za-z][A-Za-z0-9-]*", text))


class ManPage:
    def __init__(self, path):
        self.path = path
        self.lines = [l for l in path.read_text(encoding="utf-8").splitlines()
                      if not l.startswith('.\\"') and not l.startswith("'\\\"")]
        self.sections = {}
        current = None
        for line in self.lines:
            m = re.match(r"^\.SH\s+(.*)$", line)
            if m:
                current = " ".join(macro_args(m.group(1))).upper()
                self.sections[current] = []
            elif current is not None:
                self.sections[current].append(line)

    def section(self, *names):
        for name in names:
            if name in self.sections:
                return self.sections[name]
        return None

    def tags(self, lines):
        """The tag line of every .TP/.TQ entry."""
        out = []
        for i, line in enumerate(lines):
            if re.match(r"^\.(TP|TQ)\b", line) and i + 1 < len(lines):
                out.append(lines[i + 1])
        return out

    def plain(self, lines=None):
        return "\n".join(line_plain(l) for l in (self.lines if lines is None else lines))

    def bold_options(self, lines=None):
        out = set()
        for line in self.lines if lines is None else lines:
            for run in bold_runs(line):
                out |= option_names(run)
        return out


def man_pages():
    return sorted(MAN_DIR.glob("*.[0-9]"))


# --------------------------------------------------------------------------
# Shell sources
# --------------------------------------------------------------------------

def strip_comments(text, kind):
    """The text with comments blanked out, quotes respected.

    A '#' starts a comment at the start of a word outside quotes (sh, zsh,
    fish, PowerShell); PowerShell also has <# ... #> blocks. Line breaks are
    kept so that line-based parsing still works.
    """
    if kind == "ps1":
        text = re.sub(r"<#.*?#>", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    escape = "`" if kind == "ps1" else "\\"
    out = []
    quote = None
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if quote is None:
            if c == escape and i + 1 < n:
                out.append(text[i:i + 2])
                i += 2
                continue
            if c in "'\"":
                quote = c
            elif c == "#" and (i == 0 or text[i - 1] in " \t\n;"):
                j = text.find("\n", i)
                i = n if j < 0 else j
                continue
        elif quote == '"':
            if c == escape and i + 1 < n:
                out.append(text[i:i + 2])
                i += 2
                continue
            if c == '"':
                quote = None
        elif quote == "'":
            if c == "'":
                quote = None
        out.append(c)
        i += 1
    return "".join(out)


def fish_complete_commands(code):
    """Each `complete` command of a fish file, as an argument list."""
    out = []
    for line in code.splitlines():
        line = line.strip()
        if not line.startswith("complete "):
            continue
        try:
            out.append(shlex.split(line))
        except ValueError:
            continue
    return out


def fish_options(argv):
    """The options one fish `complete` command offers (--long, -s)."""
    names = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-l", "--long-option", "-o", "--old-option") and i + 1 < len(argv):
            names.append(("--" if a in ("-l", "--long-option") else "-") + argv[i + 1])
            i += 2
            continue
        if a in ("-s", "--short-option") and i + 1 < len(argv):
            names.append("-" + argv[i + 1])
            i += 2
            continue
        i += 1
    return names


def fish_condition(argv):
    for i, a in enumerate(argv):
        if a in ("-n", "--condition") and i + 1 < len(argv):
            return argv[i + 1]
    return None


def fish_arguments(argv):
    for i, a in enumerate(argv):
        if a in ("-a", "--arguments") and i + 1 < len(argv):
            return argv[i + 1]
    return None


def completion_options(kind, code):
    """Every option name a completion file's code (comments stripped) offers."""
    names = set(LONG_OPTION.findall(code))
    if kind == "fish":
        for argv in fish_complete_commands(code):
            names |= set(fish_options(argv))
    return names


def zsh_spec_options(text):
    """Options in _arguments specs: --long, and -x written as -x+ -x= -x[ -x, -x}."""
    return set(LONG_OPTION.findall(text)) | set(re.findall(r"(?<![\w-])-[A-Za-z](?=[+=\[,}])", text))


def block_after(code, start_pattern, end_pattern):
    m = re.search(start_pattern, code, flags=re.M)
    if not m:
        return None
    e = re.search(end_pattern, code[m.end():], flags=re.M)
    return code[m.end(): m.end() + e.start()] if e else None


STATIC_ITEM = re.compile(r"^(?:[0-9A-Z]+|0x[0-9A-F]{8}|[0-9A-Za-z]+-[0-9A-Z]+|(?:error|qa|faq|screen)-[a-z0-9-]+)$")


def static_codes(text, kind):
    block = block_after(text, r"^\s*# BEGIN static codes\s*$", r"^\s*# END static codes\s*$")
    if block is None:
        return None
    block = strip_comments(block, kind)
    tokens = re.split(r"[\s,'\"()\\@$=]+", block)
    return {t for t in tokens if STATIC_ITEM.match(t)}


# --------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------

class DriftTestCase(unittest.TestCase):
    def no_problems(self, problems):
        if problems:
            self.fail("%d problem(s):\n  %s" % (len(problems), "\n  ".join(problems)))


class ManPagesTest(DriftTestCase):
    def test_every_subcommand_has_a_man_page(self):
        missing = [s for s in CLI.subcommands if not (MAN_DIR / ("caora-%s.1" % s)).exists()]
        self.no_problems(["man/caora-%s.1 is missing: `caora %s` has no man page" % (s, s) for s in missing])

    def test_every_man_page_is_a_subcommand(self):
        stale = []
        for page in MAN_DIR.glob("caora-*.1"):
            sub = page.name[len("caora-"):-len(".1")]
            if sub not in CLI.subcommands:
                stale.append("%s documents `caora %s`, which is not a subcommand of caora (subcommands: %s)"
                             % (rel(page), sub, ", ".join(CLI.subcommands)))
        self.no_problems(stale)

    def test_subcommand_pages_have_the_sections(self):
        problems = []
        for sub in CLI.subcommands:
            path = MAN_DIR / ("caora-%s.1" % sub)
            if not path.exists():
                continue
            page = ManPage(path)
            for name in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "EXAMPLES", "SEE ALSO"):
                if page.section(name) is None:
                    problems.append("%s has no %s section" % (rel(path), name))
            name = page.section("NAME")
            if name is not None and not re.search(r"^caora-%s\s+-\s+\S" % re.escape(sub), page.plain(name).strip()):
                problems.append("%s: the NAME line should read 'caora\\-%s \\- <what it does>'" % (rel(path), sub))
        self.no_problems(problems)

    def test_subcommand_pages_document_their_options(self):
        problems = []
        for sub in CLI.subcommands:
            path = MAN_DIR / ("caora-%s.1" % sub)
            if not path.exists():
                continue
            page = ManPage(path)
            options = page.section("OPTIONS")
            if options is None:
                continue
            tags = page.tags(options)
            documented = set()
            for tag in tags:
                names = set()
                for run in bold_runs(tag):
                    names |= option_names(run)
                documented |= names
                owners = {i for i, o in enumerate(CLI.sub_options(sub)) for n in CLI.names(o) if n in names}
                if len(owners) > 1:
                    problems.append("%s: one .TP entry documents several options (%s); give each its own .TP"
                                    % (rel(path), ", ".join(sorted(names))))
            for option in CLI.sub_options(sub):
                for n in CLI.names(option):
                    if n not in documented:
                        problems.append("%s: OPTIONS does not document %s (an option of `caora %s`); add a .TP "
                                        "entry with \\fB%s\\fR" % (rel(path), n, sub, n.replace("-", "\\-")))
            for n in sorted(documented - CLI.sub_names(sub)):
                problems.append("%s: OPTIONS documents %s, which is not an option of `caora %s` (it is %s)"
                                % (rel(path), n, sub, CLI.owner(n)))
            tag_text = roff_plain("\n".join(tags))
            synopsis = page.plain(page.section("SYNOPSIS") or [])
            for positional in CLI.sub_positionals(sub):
                pname = positional["name"]
                if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(pname), tag_text):
                    problems.append("%s: OPTIONS has no .TP entry for the argument %s of `caora %s`"
                                    % (rel(path), pname, sub))
                if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(pname), synopsis):
                    problems.append("%s: SYNOPSIS does not show the argument %s" % (rel(path), pname))
        self.no_problems(problems)

    def test_main_page(self):
        path = MAN_DIR / "caora.1"
        self.assertTrue(path.exists(), "man/caora.1 is missing")
        page = ManPage(path)
        problems = []
        for name in ("NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"):
            if page.section(name) is None:
                problems.append("man/caora.1 has no %s section" % name)
        options = page.section("GLOBAL OPTIONS", "OPTIONS")
        if options is None:
            problems.append("man/caora.1 has no GLOBAL OPTIONS section")
        else:
            documented = set()
            for tag in page.tags(options):
                for run in bold_runs(tag):
                    documented |= option_names(run)
            for n in sorted(CLI.global_names() - documented):
                problems.append("man/caora.1: GLOBAL OPTIONS does not document the global option %s; add a .TP "
                                "entry with \\fB%s\\fR" % (n, n.replace("-", "\\-")))
            for n in sorted(documented - CLI.global_names() - BUILTIN_OPTIONS):
                problems.append("man/caora.1: GLOBAL OPTIONS documents %s, which is not a global option (it is %s)"
                                % (n, CLI.owner(n)))
        commands = page.section("COMMANDS", "SUBCOMMANDS")
        if commands is None:
            problems.append("man/caora.1 has no COMMANDS section listing the subcommands")
        else:
            listed = []
            for tag in page.tags(commands):
                runs = bold_runs(tag)
                if runs:
                    listed.append(runs[0].split()[0])
            for sub in CLI.subcommands:
                if sub not in listed:
                    problems.append("man/caora.1: COMMANDS does not list `caora %s`; add a .TP entry with \\fB%s\\fR"
                                    % (sub, sub.replace("-", "\\-")))
            for sub in listed:
                if sub not in CLI.subcommands:
                    problems.append("man/caora.1: COMMANDS lists %s, which is not a subcommand of caora" % sub)
        see_also = page.plain(page.section("SEE ALSO") or [])
        for sub in CLI.subcommands:
            if "caora-%s(1)" % sub not in see_also:
                problems.append("man/caora.1: SEE ALSO does not name caora-%s(1)" % sub)
        self.no_problems(problems)

    def test_man_pages_mention_only_real_options(self):
        known = CLI.all_names() | BUILTIN_OPTIONS
        known_long = CLI.all_long() | {"--help"}
        problems = []
        for path in man_pages():
            page = ManPage(path)
            for n in sorted(page.bold_options() - known):
                problems.append("%s: mentions %s in bold, but caora has no such option" % (rel(path), n))
            for n in sorted(set(LONG_OPTION.findall(page.plain())) - known_long - page.bold_options()):
                problems.append("%s: mentions %s, but caora has no such option" % (rel(path), n))
        self.no_problems(problems)

    def test_man_pages_refer_to_existing_pages(self):
        existing = {p.name for p in man_pages()}
        problems = []
        for path in man_pages():
            for name, section in re.findall(r"\b(caora(?:-[a-z][a-z-]*)?)\((\d)\)", ManPage(path).plain()):
                if "%s.%s" % (name, section) not in existing:
                    problems.append("%s: refers to %s(%s), but there is no man/%s.%s"
                                    % (rel(path), name, section, name, section))
        self.no_problems(sorted(set(problems)))

    def test_man_pages_render_without_warnings(self):
        groff = shutil.which("groff")
        if groff is None:
            self.skipTest("groff is not installed")
        problems = []
        for path in man_pages():
            res = run([groff, "-man", "-Tutf8", "-ww", "-z", str(path)])
            if res.returncode != 0 or res.stderr.strip():
                problems.append("%s: groff -man -Tutf8 -ww -z says (exit %d):\n%s"
                                % (rel(path), res.returncode, res.stderr.rstrip()))
        self.no_problems(problems)


class CompletionsTest(DriftTestCase):
    def code(self, kind):
        path = COMPLETIONS[kind]
        self.assertTrue(path.exists(), "%s is missing" % rel(path))
        return strip_comments(path.read_text(encoding="utf-8"), kind)

    def test_completions_mention_every_subcommand_and_option(self):
        problems = []
        for kind, path in COMPLETIONS.items():
            if not path.exists():
                problems.append("%s is missing" % rel(path))
                continue
            code = self.code(kind)
            offered = completion_options(kind, code)
            for sub in CLI.subcommands:
                if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(sub), code):
                    problems.append("%s does not complete the subcommand %s" % (rel(path), sub))
            wanted = [(n, "the global option") for n in sorted(CLI.global_names())]
            for sub in CLI.subcommands:
                wanted += [(n, "an option of `caora %s`" % sub) for n in sorted(CLI.sub_names(sub))]
            for n, what in wanted:
                present = n in offered if n.startswith("--") or kind == "fish" else bool(short_option(n).search(code))
                if not present:
                    problems.append("%s does not complete %s (%s)" % (rel(path), n, what))
        self.no_problems(problems)

    def test_completions_offer_no_unknown_option(self):
        known = CLI.all_long() | {"--help"}
        problems = []
        for kind, path in COMPLETIONS.items():
            if not path.exists():
                continue
            offered = {n for n in completion_options(kind, self.code(kind)) if n.startswith("--")}
            for n in sorted(offered - known):
                problems.append("%s offers %s, but caora has no such option" % (rel(path), n))
        self.no_problems(problems)

    def expected_options(self, sub=None):
        names = CLI.global_names() | BUILTIN_OPTIONS
        if sub is not None:
            names |= CLI.sub_names(sub)
        return names

    def compare(self, problems, where, got, expected):
        for n in sorted(expected - got):
            problems.append("%s: %s is missing (%s)" % (where, n, CLI.owner(n) if n.startswith("-") else "a subcommand"))
        for n in sorted(got - expected):
            problems.append("%s: %s is offered but should not be (%s)"
                            % (where, n, CLI.owner(n) if n.startswith("-") else "not a subcommand"))

    def test_bash_completion_completes_the_cli(self):
        path = COMPLETIONS["bash"]
        bash = shutil.which("bash")
        if bash is None or not path.exists():
            self.skipTest("bash or %s is missing" % rel(path))
        res = run([bash, "-n", str(path)])
        self.assertEqual(res.returncode, 0, "bash -n %s:\n%s" % (rel(path), res.stderr))
        cases = [("caora", "")] + [("caora", "-")]
        for sub in CLI.subcommands:
            cases.append(("caora --state-dir /tmp %s" % sub, "-"))
        script = ["source %s" % shlex.quote(str(path))]
        for words, cur in cases:
            script.append("COMP_WORDS=(%s %s); COMP_CWORD=%d; COMPREPLY=(); _caora; echo '@@'; "
                          "printf '%%s\\n' \"${COMPREPLY[@]}\"" % (words, shlex.quote(cur) if cur else "''",
                                                                  len(words.split())))
        # caora is not on PATH here: options never depend on it.
        res = run([bash, "--norc", "--noprofile", "-c", "\n".join(script)], env={"PATH": "/usr/bin:/bin"})
        self.assertEqual(res.returncode, 0, "bash completion failed:\n%s" % res.stderr)
        replies = res.stdout.split("@@\n")[1:]
        self.assertEqual(len(replies), len(cases), "bash completion output:\n%s%s" % (res.stdout, res.stderr))
        problems = []
        for (words, cur), reply in zip(cases, replies):
            got = {w for w in reply.splitlines() if w}
            where = "%s: `%s %s<TAB>`" % (rel(path), words, cur)
            if cur == "":
                self.compare(problems, where, got, set(CLI.subcommands))
            else:
                sub = words.split()[-1] if words != "caora" else None
                self.compare(problems, where, got, self.expected_options(sub))
        self.no_problems(problems)

    def test_fish_completion_completes_the_cli(self):
        path = COMPLETIONS["fish"]
        if not path.exists():
            self.skipTest("%s is missing" % rel(path))
        code = self.code("fish")
        problems = []
        # Structure: global options have no condition; a subcommand's options
        # are under `__fish_seen_subcommand_from <sub>`.
        by_sub = {None: set()}
        subcommands = set()
        for argv in fish_complete_commands(code):
            condition = fish_condition(argv) or ""
            names = set(fish_options(argv))
            m = re.match(r"^__fish_seen_subcommand_from\s+(.*)$", condition)
            if condition.startswith("not __fish_seen_subcommand_from"):
                args = fish_arguments(argv)
                if args:
                    subcommands |= set(args.split())
            elif m:
                for sub in m.group(1).split():
                    by_sub.setdefault(sub, set()).update(names)
            elif not condition:
                by_sub[None] |= names
        self.compare(problems, "%s: subcommands" % rel(path), subcommands, set(CLI.subcommands))
        self.compare(problems, "%s: global options (complete lines without -n)" % rel(path), by_sub[None],
                     CLI.global_names() | BUILTIN_OPTIONS)
        for sub in CLI.subcommands:
            self.compare(problems, "%s: options under __fish_seen_subcommand_from %s" % (rel(path), sub),
                         by_sub.get(sub, set()), CLI.sub_names(sub))
        for sub in sorted(set(by_sub) - {None} - set(CLI.subcommands)):
            problems.append("%s: completes options for %s, which is not a subcommand" % (rel(path), sub))
        # Behaviour, when fish is here.
        fish = shutil.which("fish")
        if fish is not None:
            res = run([fish, "-n", str(path)])
            if res.returncode != 0:
                problems.append("fish -n %s:\n%s" % (rel(path), res.stderr))
            else:
                cases = [("caora ", None)] + [("caora %s -" % sub, sub) for sub in CLI.subcommands]
                script = ["source %s" % shlex.quote(str(path))]
                for line, _ in cases:
                    script.append("echo @@; complete -C %s" % shlex.quote(line))
                with tempfile.TemporaryDirectory() as home:
                    res = run([fish, "-N", "-c", "\n".join(script)],
                              env={"PATH": "/usr/bin:/bin", "HOME": home, "XDG_CONFIG_HOME": home})
                replies = res.stdout.split("@@\n")[1:]
                if res.returncode != 0 or len(replies) != len(cases):
                    problems.append("fish completion failed (exit %d):\n%s%s" % (res.returncode, res.stdout, res.stderr))
                else:
                    for (line, sub), reply in zip(cases, replies):
                        got = {l.split("\t")[0] for l in reply.splitlines() if l}
                        where = "%s: `%s<TAB>`" % (rel(path), line)
                        if sub is None:
                            self.compare(problems, where, got, set(CLI.subcommands))
                        else:
                            self.compare(problems, where, got, self.expected_options(sub))
        self.no_problems(problems)

    def test_zsh_completion_attaches_options_to_subcommands(self):
        path = COMPLETIONS["zsh"]
        if not path.exists():
            self.skipTest("%s is missing" % rel(path))
        code = self.code("zsh")
        problems = []
        if not path.read_text(encoding="utf-8").startswith("#compdef caora"):
            problems.append("%s must start with '#compdef caora'" % rel(path))
        zsh = shutil.which("zsh")
        if zsh is not None:
            res = run([zsh, "-n", str(path)])
            if res.returncode != 0:
                problems.append("zsh -n %s:\n%s" % (rel(path), res.stderr))
        commands = block_after(code, r"^\s*cmds=\(\s*$", r"^\s*\)\s*$")
        if commands is None:
            problems.append("%s: no `cmds=( ... )` list of subcommands found" % rel(path))
        else:
            self.compare(problems, "%s: subcommands in cmds=(...)" % rel(path),
                         set(re.findall(r"^\s*'([a-z][a-z-]*):", commands, flags=re.M)), set(CLI.subcommands))
        global_opts = block_after(code, r"^\s*global_opts=\(\s*$", r"^\s*\)\s*$")
        if global_opts is None:
            problems.append("%s: no `global_opts=( ... )` list found" % rel(path))
        else:
            self.compare(problems, "%s: global_opts" % rel(path), zsh_spec_options(global_opts),
                         CLI.global_names() | BUILTIN_OPTIONS)
        arms = block_after(code, r"^\s*case \$words\[1\] in\s*$", r"^\s*esac\s*$")
        if arms is None:
            problems.append("%s: no `case $words[1] in ... esac` over the subcommands found" % rel(path))
        else:
            parts = re.split(r"^\s*\(([a-z*][a-z-]*)\)\s*$", arms, flags=re.M)
            by_sub = {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}
            for sub in CLI.subcommands:
                if sub not in by_sub:
                    problems.append("%s: no `(%s)` case for the subcommand %s" % (rel(path), sub, sub))
                    continue
                self.compare(problems, "%s: options in the (%s) case" % (rel(path), sub),
                             zsh_spec_options(by_sub[sub]), CLI.sub_names(sub))
            for sub in sorted(set(by_sub) - set(CLI.subcommands) - {"*"}):
                problems.append("%s: has a (%s) case, but %s is not a subcommand" % (rel(path), sub, sub))
        self.no_problems(problems)

    def test_powershell_completion_attaches_options_to_subcommands(self):
        path = COMPLETIONS["ps1"]
        if not path.exists():
            self.skipTest("%s is missing" % rel(path))
        code = self.code("ps1")
        problems = []
        if not re.search(r"Register-ArgumentCompleter\s+-Native\s+-CommandName\s+caora\s*,\s*caora\.exe", code):
            problems.append("%s: no `Register-ArgumentCompleter -Native -CommandName caora, caora.exe`" % rel(path))
        commands = block_after(code, r"^\s*\$commands\s*=\s*\[ordered\]@\{\s*$", r"^\s*\}\s*$")
        if commands is None:
            problems.append("%s: no `$commands = [ordered]@{ ... }` table found" % rel(path))
        else:
            self.compare(problems, "%s: subcommands in $commands" % rel(path),
                         set(re.findall(r"^\s*'([a-z][a-z-]*)'\s*=", commands, flags=re.M)), set(CLI.subcommands))
        rows = re.findall(r"@\{\s*c\s*=\s*'([a-z-]*)'\s*;\s*o\s*=\s*'([^']*)'", code)
        if not rows:
            problems.append("%s: no option rows `@{ c = '<sub>'; o = '<option>'; ... }` found" % rel(path))
        else:
            by_sub = {}
            for sub, name in rows:
                by_sub.setdefault(sub, set()).add(name)
            self.compare(problems, "%s: global options (c = '')" % rel(path), by_sub.get("", set()),
                         CLI.global_names() | BUILTIN_OPTIONS)
            for sub in CLI.subcommands:
                self.compare(problems, "%s: options with c = '%s'" % (rel(path), sub), by_sub.get(sub, set()),
                             CLI.sub_names(sub))
            for sub in sorted(set(by_sub) - {""} - set(CLI.subcommands)):
                problems.append("%s: has options for %s, which is not a subcommand" % (rel(path), sub))
        self.no_problems(problems)

    def test_static_code_lists_are_current(self):
        if LIST_JSON is None:
            self.skipTest("caora --json list failed")
        codes, details, ids = set(), set(), set()
        for recipe in LIST_JSON["recipes"]:
            codes |= set(recipe.get("codes", []))
            details |= set(recipe.get("details", []))
            ids.add(recipe["recipe"])
        problems = []
        for kind, path in COMPLETIONS.items():
            if not path.exists():
                continue
            static = static_codes(path.read_text(encoding="utf-8"), kind)
            if static is None:
                problems.append("%s: no '# BEGIN static codes' ... '# END static codes' block" % rel(path))
                continue
            for c in sorted(codes - static):
                problems.append("%s: the static code list lacks %s (an official code in `caora list --json`)"
                                % (rel(path), c))
            for c in sorted(static - codes - details - ids):
                problems.append("%s: the static code list has %s, which is no longer a code, detail code or "
                                "recipe id" % (rel(path), c))
        self.no_problems(problems)


if __name__ == "__main__":
    unittest.main(verbosity=2)
