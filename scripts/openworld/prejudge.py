#!/usr/bin/env python3
"""Pre-judge the prose changes that tests/openworld.rs has not seen judged yet.

Source:  the list the test writes with NORMALIZE_OPENWORLD_TODO=FILE (lang, mode, before, after,
         ?, note, count, context) and the prose corpus of scripts/openworld/fetch_prose.py.
Licence: part of normalize (MIT).
Usage:   NORMALIZE_OPENWORLD_TODO=/tmp/todo.tsv cargo test --test openworld prose
         python3 scripts/openworld/prejudge.py /tmp/todo.tsv > /tmp/ruled.tsv 2> /tmp/by-hand.tsv
         Rows a rule decides go to standard output, as rows of tests/openworld/prose-judged.tsv
         (verdict `wrong`, the rule in the note): spans without letters, and spans whose every
         word is frequent in lower case in the same language's corpus (a word of the language,
         capitalised at a sentence's start, not a name). The rest go to standard error with
         their contexts, to judge by hand. Review the ruled rows too before pasting them.
"""

import collections
import re
import sys
from pathlib import Path

PROSE = Path("target/openworld/prose")
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
MIN_LOWER = 5
_freq = {}


def lower_freq(lang):
    """How often each word occurs in lower case in the corpus of `lang`."""
    if lang not in _freq:
        c = collections.Counter()
        for f in sorted((PROSE / lang).glob("*.txt")):
            c.update(w for w in WORD.findall(f.read_text(encoding="utf-8")) if w.islower())
        _freq[lang] = c
    return _freq[lang]


def main():
    seen = set()
    for line in open(sys.argv[1], encoding="utf-8"):
        c = line.rstrip("\n").split("\t")
        if len(c) < 4 or (c[0], c[2], c[3]) in seen:
            continue
        lang, mode, before, after = c[:4]
        seen.add((lang, before, after))
        words = WORD.findall(before)
        if not words or all(len(w) <= 1 for w in words):
            note = "not a name (symbols, ASCII art, initials)"
        elif all(lower_freq(lang)[w.lower()] >= MIN_LOWER for w in words):
            note = f"word of the language (lower-case form frequent in the {lang} corpus)"
        else:
            print(line.rstrip("\n"), file=sys.stderr)
            continue
        print(f"{lang}\t{mode}\t{before}\t{after}\twrong\t{note}")


if __name__ == "__main__":
    main()
