"""Words in a citizen's own request that say she has fallen or got worse (issue 12, "The
queue's order": "faldet", "dårligere", "hospital" make a request high priority, with her
words shown, and the visitator can change it).

The words only raise the case in the queue; a person reads them and decides. Seed 000 says
a fall, an admission to hospital or an accident is phoned in at once: these words in a
written request mean it may be that kind of news, so it should not wait behind routine.
"""

from __future__ import annotations

import re

URGENT_PRIORITY = 1  # Case.priority: 1 high, 2 normal, 3 low

# Whole words only, so "bortfaldet" (lapsed) does not count. "fald" alone is left out: "i
# hvert fald" (anyway) is everyday Danish; the forms that say someone fell are kept.
_URGENT = re.compile(
    r"\b("
    r"faldet|faldt|falder|styrtet|snublet|"
    r"dårligere|værre|svimmel|"
    r"hospital(?:et)?|sygehus(?:et)?|indlagt|indlæggelse|skadestue(?:n)?|"
    r"fell|fallen|falls|worse|dizzy|hospital|admitted"
    r")\b",
    re.IGNORECASE,
)


def urgent_words(text: str) -> tuple[str, ...]:
    """The urgent words in ``text`` as she wrote them, each once, in order."""
    return tuple(dict.fromkeys(match.group(0) for match in _URGENT.finditer(text or "")))
