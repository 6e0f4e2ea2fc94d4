#!/usr/bin/env python3
"""Lint alias tables: find Latin-script aliases that are not spelling variants of their row's name.

An alias is a *spelling variant* of the row's `name` when, after folding both (NFKD, strip
combining marks, lower-case, and treating `-`, `.`, `’`, `'` and whitespace as word separators),
it has the same number of words as the name and every word pair has a normalised Levenshtein
distance (distance / max length) <= 0.5. Otherwise it is *another name* of the entity: text
matched on it would be wrongly rewritten to the row's name.

Non-Latin aliases (Cyrillic, Arabic, CJK, ...) are never reported.

Usage:
    lint_aliases.py FILE.tsv [FILE.tsv ...]          report, exit status 1 if anything found
    lint_aliases.py --fix FILE.tsv [FILE.tsv ...]    move each such alias into a new row right
                                                     after its row (same id, type and lang,
                                                     name = the alias, no aliases, flags `alt`,
                                                     or `former` if its row is a `former` row),
                                                     unless a row with that id and name exists
"""
import argparse
import re
import sys
import unicodedata

HEADER = ["id", "type", "name", "aliases", "lang", "flags"]
SEP_RE = re.compile(r"[\s\-.\u2019']+")
MAX_DIST = 0.5


def fold_words(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.lower()
    return [w for w in SEP_RE.split(s) if w]


def is_latin(s):
    """True if every letter of s is in the Latin script (and there is at least one letter)."""
    letters = [c for c in s if c.isalpha()]
    if not letters:
        return False
    return all("LATIN" in unicodedata.name(c, "") for c in letters)


def levenshtein(a, b):
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def is_variant(alias, name):
    aw, nw = fold_words(alias), fold_words(name)
    if len(aw) != len(nw):
        return False
    for x, y in zip(aw, nw):
        m = max(len(x), len(y))
        if m and levenshtein(x, y) / m > MAX_DIST:
            return False
    return True


def split_row(line):
    cols = line.split("\t")
    cols += [""] * (len(HEADER) - len(cols))
    return cols


def process(path, fix):
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    trailing_nl = lines and lines[-1] == ""
    if trailing_nl:
        lines.pop()

    # (id, name) pairs that already exist as rows
    existing = set()
    for ln in lines:
        if ln.strip() and not ln.startswith("#"):
            c = split_row(ln)
            if c[:len(HEADER)] != HEADER:
                existing.add((c[0], c[2]))

    out, findings = [], []
    header_seen = False
    for lineno, ln in enumerate(lines, 1):
        if not ln.strip() or ln.startswith("#"):
            out.append(ln)
            continue
        cols = split_row(ln)
        if not header_seen:
            header_seen = True
            if cols[0] == "id":
                out.append(ln)
                continue
        if len(cols) > len(HEADER):
            print(f"{path}:{lineno}: warning: {len(cols)} columns", file=sys.stderr)
        rid, rtype, name, aliases, lang, flags = cols[:6]
        if not name or not aliases:
            out.append(ln)
            continue
        keep, moved = [], []
        for a in aliases.split("|"):
            if a and is_latin(a) and not is_variant(a, name):
                moved.append(a)
                findings.append((lineno, rid, name, a))
            else:
                keep.append(a)
        if not fix or not moved:
            out.append(ln)
            continue
        cols[3] = "|".join(keep)
        out.append("\t".join(cols))
        for a in moved:
            if (rid, a) in existing:
                continue
            existing.add((rid, a))
            new_flags = "former" if "former" in flags.split(",") else "alt"
            out.append("\t".join([rid, rtype, a, "", lang, new_flags]))

    for lineno, rid, name, a in findings:
        print(f"{path}:{lineno}: {rid}: alias {a!r} is not a spelling variant of {name!r}")
    if fix and findings:
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write("\n".join(out) + ("\n" if trailing_nl else ""))
    return len(findings)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fix", action="store_true", help="move offending aliases into their own alt rows")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    total = 0
    for p in args.files:
        n = process(p, args.fix)
        print(f"{p}: {n} alias(es) {'moved' if args.fix else 'found'}", file=sys.stderr)
        total += n
    return 1 if total and not args.fix else 0


if __name__ == "__main__":
    sys.exit(main())
