"""The short list of help offered first in a swap (issue 12, item 3).

"What would you like instead?" once showed all 42 services of the catalogue at once,
about 3,700 px on a phone. The citizen now sees a short list first: what fits in the
minutes she freed, ranked by her own earlier choices, then the municipality's most used
choices, then the catalogue's order. The rest is one link away ("Vis flere").

Nothing here decides what is allowed: the full list is the same as before, and the swap
rules (domain.swaps) still judge whatever she chooses. The short list only orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from selvvisitation.domain.timeframe import CatalogueService

# Six fit on a phone's screen above the "Vis flere" link at 18 px text and 48 px targets.
SHORT_LIST_SIZE = 6
# A list this short is shown whole: "Vis flere" for one or two more would be a step for nothing.
WHOLE_LIST_UP_TO = SHORT_LIST_SIZE + 2


@dataclass(frozen=True)
class ChoiceHistory:
    """Services chosen instead in earlier swaps, most relevant first (codes only)."""

    own: tuple[str, ...] = ()  # the citizen's own, the latest first
    popular: tuple[str, ...] = ()  # the municipality's, the most chosen first


def short_list(
    entries: Sequence[CatalogueService], room_minutes: int, history: ChoiceHistory
) -> tuple[str, ...]:
    """The codes to show first, best first; at most ``SHORT_LIST_SIZE``.

    ``entries`` are the services she may choose, in the catalogue's order. Only those
    that fit in ``room_minutes`` are short-listed, so the first list never leads to an
    "over the time" refusal. When nothing fits, or the whole list is short anyway, the
    short list is empty and she sees the whole list.
    """
    if len(entries) <= WHOLE_LIST_UP_TO:
        return ()
    fitting = [e.code for e in entries if e.default_minutes <= room_minutes]
    fits = set(fitting)
    ranked = [
        *(code for code in history.own if code in fits),
        *(code for code in history.popular if code in fits),
        *fitting,
    ]
    return tuple(dict.fromkeys(ranked))[:SHORT_LIST_SIZE]
