#!/usr/bin/env bash
# Generate data/lexicon/words.fst, the open world's word map: every word of the word lists of
# eleven languages, folded as the engine folds, with the languages that hold it and whether
# in lower case. Built by examples/gen_lexicon.rs (the engine's own folding).
#
# Sources (Debian 12 "bookworm" packages; licences in data/README.md):
#   en  wamerican, wbritish (SCOWL)          de  wngerman          fr  wfrench
#   es  wspanish, hunspell-es (es_ES,        it  witalian          pt  wportuguese
#       expanded with unmunch: verb forms and plurals the word list lacks)
#   nl  wdutch                               pl  wpolish           sv  wswedish (Latin-1)
#   uk  wukrainian                           ru  hunspell-ru, expanded with unmunch
#                                                (hunspell-tools)
#
# Usage (from the repository root; needs apt-get, dpkg-deb, iconv, cargo):
#     bash scripts/gen_lexicon.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/data/lexicon/words.fst"
MANIFEST="$ROOT/data/lexicon/words.manifest"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
PKGS="wamerican wbritish wngerman wfrench wspanish witalian wportuguese wdutch wpolish wswedish
      wukrainian hunspell-ru hunspell-es hunspell-tools"

cd "$TMP"
# shellcheck disable=SC2086
if ! apt-get download $PKGS >/dev/null 2>&1; then
    apt-get update >/dev/null
    apt-get download $PKGS >/dev/null
fi
: > "$MANIFEST.tmp"
for deb in *.deb; do
    dpkg-deb -x "$deb" x
    echo "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version)" >> "$MANIFEST.tmp"
done
D=x/usr/share/dict
H=x/usr/share/hunspell
iconv -f latin1 -t utf-8 "$D/swedish" > swedish.utf8
LD_LIBRARY_PATH=x/usr/lib/x86_64-linux-gnu x/usr/bin/unmunch "$H/ru_RU.dic" "$H/ru_RU.aff" \
    2>/dev/null > russian.txt
LD_LIBRARY_PATH=x/usr/lib/x86_64-linux-gnu x/usr/bin/unmunch "$H/es_ES.dic" "$H/es_ES.aff" \
    2>/dev/null > spanish-forms.txt

cd "$ROOT"
cargo run --quiet --release --example gen_lexicon -- "$OUT" \
    en="$TMP/$D/american-english" en="$TMP/$D/british-english" de="$TMP/$D/ngerman" \
    fr="$TMP/$D/french" es="$TMP/$D/spanish" es="$TMP/spanish-forms.txt" \
    it="$TMP/$D/italian" pt="$TMP/$D/portuguese" \
    nl="$TMP/$D/dutch" pl="$TMP/$D/polish" sv="$TMP/swedish.utf8" uk="$TMP/$D/ukrainian" \
    ru="$TMP/russian.txt" 2>&1 | tee -a "$MANIFEST.tmp"
sort -o "$MANIFEST" "$MANIFEST.tmp" && rm "$MANIFEST.tmp"
