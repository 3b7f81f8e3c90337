"""LIX, the Danish and Swedish readability index (Björnsson 1968), for our own texts.

LIX = words per sentence + the percentage of long words (more than six letters). Under 30
reads as very easy (children's books), 30-40 as easy (everyday newspapers); issue 12, item 4
asks for refusal texts under 30. The formula is one line, so it is written out here rather
than pulled in with a general readability package and its English dictionaries.
"""

from __future__ import annotations

import re

# A word is a run of letters (with digits and hyphens inside): "30", "SMS-besked", "kl".
_WORD = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")
# A sentence ends at a full stop, a colon, "!" or "?" followed by a space or the end.
_SENTENCE_END = re.compile(r"[.:!?](?=\s|$)")
LONG_WORD_LETTERS = 7  # "more than six letters"


def lix(text: str) -> float:
    """The text's LIX; 0.0 for a text without words."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len(_SENTENCE_END.findall(text.strip())))
    long_words = sum(1 for w in words if len(w) >= LONG_WORD_LETTERS)
    return len(words) / sentences + 100 * long_words / len(words)
