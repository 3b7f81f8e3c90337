"""Refusals in words an 85-year-old follows (issue 12, item 4): every refusal a citizen can
meet reads at LIX under 30 in Danish, "a common Danish yardstick" for easy text. Figures:
scripts/lix_report.py."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from selvvisitation.citizen.refusal_texts import GROUPS, refusal_texts
from selvvisitation.domain.plain_language import lix


def danish_refusals() -> list[tuple[str, str, str]]:
    from selvvisitation import create_app

    with create_app("test").test_request_context(), force_locale("da"):
        return [
            (f"{group} / {key}", shown, measured) for group, key, shown, measured in refusal_texts()
        ]


@pytest.mark.parametrize(("where", "shown", "measured"), danish_refusals())
def test_every_refusal_reads_under_lix_30(where, shown, measured):
    assert lix(measured) < 30, f"{where}: {shown}"


def test_there_are_refusals_from_every_group():
    groups = {where.split(" / ")[0] for where, _, _ in danish_refusals()}
    assert len(groups) == len(GROUPS) == 6  # issue 13 added "Ring mig op"'s number


def test_lix_counts_words_per_sentence_and_long_words():
    """Björnsson's LIX: 8 words in 1 sentence, 1 of them over six letters (12.5 %)."""
    assert lix("Det er for sent at aflyse besøget her.") == pytest.approx(8 + 12.5)
    # A colon ends a sentence too: 7 words in 2 sentences, none long.
    assert lix("Ring til os nu: vi er her.") == pytest.approx(3.5)
    assert lix("") == 0.0
