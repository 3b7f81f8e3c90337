"""Every refusal a citizen or relative can meet, in one place, for the plain-language check
(issue 12, item 4: what she can do first, then why, in sentences an 85-year-old follows;
LIX under 30). `scripts/lix_report.py` prints the figures, and
`tests/citizen/test_refusal_plain_language.py` keeps every text under the limit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from selvvisitation.citizen.my_requests import REFUSALS as CANCEL_REQUEST_REFUSALS
from selvvisitation.citizen.texts import ALTERNATIVES, VIOLATIONS
from selvvisitation.domain.dialogue_steps.call_back import PHONE_PROBLEMS as CALL_BACK_REFUSALS
from selvvisitation.domain.priority_rules import PROBLEM_MESSAGES as PRIORITY_REFUSALS
from selvvisitation.services.visit_refusals import CITIZEN_REFUSALS as VISIT_REFUSALS

# Where each group is met.
GROUPS: dict[str, Any] = {
    "swap rules (domain/swaps/check.py)": VIOLATIONS,
    "what would work instead (domain/swaps/alternatives.py)": ALTERNATIVES,
    "cancelling or moving a visit (002)": VISIT_REFUSALS,
    "cancelling a wish or swap (Mine ønsker og bytter)": CANCEL_REQUEST_REFUSALS,
    "priorities under Ældreloven (domain/priority_rules.py)": PRIORITY_REFUSALS,
    "the number to call in Ring mig op (issue 13)": CALL_BACK_REFUSALS,
}


class SampleValues(dict[str, str]):
    """Plausible words for a text's placeholders, so the text is measured as it is read."""

    def __missing__(self, key: str) -> str:
        for part, value in (
            ("minutes", "30 minutter"),
            ("service", "Støvsugning"),
            ("services", "Gåtur, Indkøb"),
            ("category", "praktisk hjælp"),
            ("date", "mandag 7. december"),
            ("time", "12:00"),
            ("phone", "76 16 16 16"),
            ("max", "500"),
            ("min", "5"),
        ):
            if part in key:
                return value
        return "Gåtur"


class OneShortWord(dict[str, str]):
    """Each placeholder as one short word, for measuring: LIX judges our wording, not the
    names she already knows (her services, the date, the phone number)."""

    def __missing__(self, key: str) -> str:
        return "NN"


def refusal_texts() -> Iterator[tuple[str, str, str, str]]:
    """(group, key, text as read, text as measured), in the current language."""
    for group, texts in GROUPS.items():
        for key, text in texts.items():
            yield group, key, _filled(text, SampleValues()), _filled(text, OneShortWord())


def _filled(text: Any, values: dict[str, str]) -> str:
    from flask_babel import gettext  # the priorities' texts are plain message ids

    words = str(text) if not isinstance(text, str) else gettext(text)
    return words.replace("%(max)d", "%(max)s") % values
