"""Keep the catalogues complete.

    python scripts/i18n.py fill-en            # English msgstr = msgid where empty
    python scripts/i18n.py add da FILE.json   # merge {msgid: msgstr or [singular, plural]}
    python scripts/i18n.py missing [da|en]    # list entries without a translation

Run `make strings` first so the catalogues hold every marked string.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def catalogue(lang: str) -> polib.POFile:
    return polib.pofile(
        str(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po"), wrapwidth=0
    )


def untranslated(entry: polib.POEntry) -> bool:
    if entry.obsolete:
        return False
    if entry.msgid_plural:
        return not entry.msgstr_plural or not all(entry.msgstr_plural.values())
    return not entry.msgstr


def fill_en() -> None:
    po = catalogue("en")
    for entry in po:
        if entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
        elif not entry.msgstr:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


def add(lang: str, path: str) -> None:
    translations = json.loads(Path(path).read_text(encoding="utf-8"))
    po = catalogue(lang)
    known = {entry.msgid: entry for entry in po}
    unknown = []
    for msgid, msgstr in translations.items():
        entry = known.get(msgid)
        if entry is None:
            unknown.append(msgid)
            continue
        if isinstance(msgstr, list):
            entry.msgstr_plural = {0: msgstr[0], 1: msgstr[1]}
        else:
            entry.msgstr = msgstr
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()
    for msgid in unknown:
        print(f"not in the catalogue (run make strings?): {msgid}")


def missing(langs: list[str]) -> int:
    count = 0
    for lang in langs:
        for entry in catalogue(lang):
            if untranslated(entry):
                count += 1
                print(f"{lang}: {entry.msgid}")
    return count


if __name__ == "__main__":
    command, *args = sys.argv[1:] or ["missing"]
    if command == "fill-en":
        fill_en()
    elif command == "add":
        add(args[0], args[1])
    elif command == "missing":
        sys.exit(1 if missing(args or ["da", "en"]) else 0)
    else:
        sys.exit(__doc__)
