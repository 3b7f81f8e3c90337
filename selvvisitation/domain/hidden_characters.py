"""Characters nobody sees: controls, format characters (bidirectional overrides, zero-width
marks) and private or unpaired code points.

A right-to-left override (U+202E) in a citizen's wish shows the staff member reading it
other words than were stored ("Trojan Source", CVE-2021-42574); a zero-width character
makes two equal-looking names differ. Free text that staff see is cleaned of them
(issue 15, Low 13); a `next` URL holding one is refused (i18n.safe_next_url).
"""

from __future__ import annotations

import unicodedata

# Unicode general categories: controls, format characters, surrogates, private use.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})
# Line and paragraph separators (U+2028, U+2029) break a line some screens do not show.
SEPARATOR_CATEGORIES = frozenset({"Zl", "Zp"})
# Kept: what people type (line breaks, tabs), and NUL, which the forms refuse outright
# with a message (forms.BaseForm: nobody types it, and PostgreSQL cannot store it).
KEPT = frozenset("\n\r\t\x00")


def is_hidden(character: str) -> bool:
    category = unicodedata.category(character)
    return category in HIDDEN_CATEGORIES or category in SEPARATOR_CATEGORIES


def without_hidden_characters(text: str) -> str:
    """The text as the reader sees it: every hidden character but line breaks and tabs gone."""
    if text.isascii() and text.isprintable():
        return text  # the common case, quickly
    return "".join(ch for ch in text if ch in KEPT or not is_hidden(ch))
