"""A git merge driver for gettext catalogues: the union of both sides' entries.

Parallel branches each add strings; a line-based merge of .po files conflicts on
nearly every change. Registered by `make setup` (git config merge.po.driver):

    python scripts/merge_po.py %O %A %B     # ancestor, ours (result written here), theirs
Where both sides translated the same msgid differently, ours wins and the
string is marked fuzzy so a person looks at it.
"""

from __future__ import annotations

import sys

import polib


def _translated(entry: polib.POEntry) -> bool:
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def merge(_ancestor: str, ours_path: str, theirs_path: str) -> int:
    ours = polib.pofile(ours_path, wrapwidth=0)
    theirs = polib.pofile(theirs_path, wrapwidth=0)
    index = {(e.msgctxt, e.msgid): e for e in ours}
    for entry in theirs:
        mine = index.get((entry.msgctxt, entry.msgid))
        if mine is None:
            ours.append(entry)
            index[(entry.msgctxt, entry.msgid)] = entry
        elif not _translated(mine) and _translated(entry):
            mine.msgstr = entry.msgstr
            mine.msgstr_plural = entry.msgstr_plural
    ours.sort(key=lambda e: (e.msgid, e.msgctxt or ""))
    ours.save(ours_path)
    return 0


if __name__ == "__main__":
    sys.exit(merge(*sys.argv[1:4]))
