#!/usr/bin/env python3
"""Regenerate data/country-codes.tsv (ISO 3166-1 codes -> country ids) from Debian iso-codes.

Source: Debian package `iso-codes` 4.15.0-1 (LGPL-2.1-or-later), files
`usr/share/iso-codes/json/iso_3166-1.json` (current codes) and `iso_3166-3.json` (codes
withdrawn from ISO 3166-1). Python 3 standard library only.

Output, tab-separated with a header: `code  kind  id  status`
    code    the code as ISO writes it: alpha-2 (`DE`), alpha-3 (`DEU`), numeric (`276`)
    kind    alpha2 | alpha3 | numeric
    id      the alpha-2 code of the entity of data/countries.tsv the code stands for
    status  current | withdrawn

Withdrawn codes (ISO 3166-3) map to their successor, the last two letters of the entry's
four-letter code (`ZRCD`: ZR -> CD; `BYAA`: BY kept its code, so BYS -> BY). Entries whose
successor is `HH` or `XX` (split among several countries: USSR, Czechoslovakia, Netherlands
Antilles, ...) or is itself withdrawn (YU -> CS) have no single successor and are left out. A
withdrawn code that is assigned again today (GE, SK, BY, CS; ATF; numeric 180, 891) keeps only
its current meaning. Codes whose successor is not an entity of countries.tsv are left out.

Usage:
    python3 scripts/gen_country_codes.py [--iso-codes ROOT] [--out PATH]
    ROOT defaults to / (the installed package: `apt-get install iso-codes`).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iso-codes", type=Path, default=Path("/"))
    ap.add_argument("--out", type=Path, default=REPO / "data" / "country-codes.tsv")
    args = ap.parse_args()
    base = args.iso_codes / "usr/share/iso-codes/json"
    cur = json.loads((base / "iso_3166-1.json").read_text(encoding="utf-8"))["3166-1"]
    old = json.loads((base / "iso_3166-3.json").read_text(encoding="utf-8"))["3166-3"]
    ids = set()
    for line in (REPO / "data" / "countries.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        if line and not line.startswith("#"):
            ids.add(line.split("\t", 1)[0])

    rows: dict[str, tuple[str, str, str]] = {}
    for e in cur:
        a2 = e["alpha_2"]
        if a2 not in ids:
            sys.exit(f"error: {a2} is not an entity of countries.tsv")
        rows[a2] = ("alpha2", a2, "current")
        rows[e["alpha_3"]] = ("alpha3", a2, "current")
        rows[e["numeric"]] = ("numeric", a2, "current")
    withdrawn_a2 = {e["alpha_2"] for e in old}
    n_old = n_skipped = 0
    for e in sorted(old, key=lambda e: e["alpha_4"]):
        succ = e["alpha_4"][2:]
        if succ == "AA":
            succ = e["alpha_2"]
        if succ in ("HH", "XX") or succ not in ids or (succ in withdrawn_a2 and succ not in rows):
            n_skipped += 1
            continue
        for kind, code in (("alpha2", e.get("alpha_2")), ("alpha3", e.get("alpha_3")),
                           ("numeric", e.get("numeric"))):
            if code and code not in rows:
                rows[code] = (kind, succ, "withdrawn")
                n_old += 1

    order = {"alpha2": 0, "alpha3": 1, "numeric": 2}
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write("code\tkind\tid\tstatus\n")
        for code, (kind, i, status) in sorted(rows.items(), key=lambda kv: (order[kv[1][0]], kv[0])):
            f.write(f"{code}\t{kind}\t{i}\t{status}\n")
    print(f"iso-codes: {len(cur)} current entries, {len(old)} withdrawn entries "
          f"({n_skipped} without a single successor)", file=sys.stderr)
    print(f"codes written: {len(rows)} ({n_old} withdrawn)", file=sys.stderr)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
