#!/usr/bin/env bash
# Generate data/english-words.txt: the "known English words and names, any case" list for
# the engine's guard, and data/LICENSE.wamerican (the package's copyright file).
#
# Source: Debian's `wamerican` package (/usr/share/dict/american-english), built from
# SCOWL (Spell Checker Oriented Word Lists, Kevin Atkinson). SCOWL's licence is an
# MIT-like permissive licence (copyright Kevin Atkinson and others; see
# /usr/share/doc/wamerican/copyright in the package, which this script copies to
# data/LICENSE.wamerican).
# Generated with wamerican 2020.12.07-2 (Debian 12 "bookworm").
#
# Kept: entries made only of ASCII letters a-z/A-Z, length >= 2, folded to lower case
# (so proper nouns such as Austria, Kazakh, Nigerian are kept as austria, kazakh, nigerian;
# "'s" possessives and other apostrophe forms, accented words and one-letter entries are
# dropped); sorted (LC_ALL=C), unique.
#
# Usage (from the repository root; needs apt-get and dpkg-deb, runs `apt-get update`
# only when the package cannot be found):
#     bash scripts/gen_words.sh
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/data/english-words.txt"
LICENSE_OUT="$ROOT/data/LICENSE.wamerican"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

cd "$TMP"
if ! apt-get download wamerican >/dev/null 2>&1; then
    apt-get update >/dev/null
    apt-get download wamerican >/dev/null
fi
DEB="$(ls wamerican_*.deb)"
VERSION="$(dpkg-deb -f "$DEB" Version)"
dpkg-deb -x "$DEB" extract
SRC="extract/usr/share/dict/american-english"
COPYRIGHT="extract/usr/share/doc/wamerican/copyright"

LC_ALL=C grep -E '^[a-zA-Z]{2,}$' "$SRC" | LC_ALL=C tr 'A-Z' 'a-z' | LC_ALL=C sort -u > "$OUT"
cp "$COPYRIGHT" "$LICENSE_OUT"

echo "wamerican $VERSION ($DEB): $(wc -l < "$SRC") entries in american-english" >&2
echo "wrote $OUT: $(wc -l < "$OUT") words" >&2
echo "licence: SCOWL; copied /usr/share/doc/wamerican/copyright to $LICENSE_OUT" >&2
