"""A request whose own words say the citizen has fallen or got worse goes first (issue 12,
"The queue's order": "faldet", "dårligere", "hospital"; seed 000: falls, admissions and
accidents are news to act on at once)."""

from __future__ import annotations

import pytest

from selvvisitation.domain.urgency import urgent_words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Min mor er faldet i badeværelset i går", ("faldet",)),
        ("Far har det dårligere og var på hospitalet", ("dårligere", "hospitalet")),
        ("Hun faldt to gange, og hun faldt igen i nat", ("faldt",)),
        ("Jeg blev indlagt på sygehuset", ("indlagt", "sygehuset")),
        ("My mother fell and is worse", ("fell", "worse")),
        ("DÅRLIGERE end før", ("DÅRLIGERE",)),
    ],
)
def test_her_own_words_that_say_she_fell_or_got_worse(text, words):
    assert urgent_words(text) == words


@pytest.mark.parametrize(
    "text",
    [
        "Jeg vil i hvert fald gerne have mere rengøring",  # "anyway", not a fall
        "Mit bytte er bortfaldet",  # "lapsed": part of another word
        "Jeg vil gerne have hjælp til indkøb",
        "",
    ],
)
def test_everyday_words_are_not_urgent(text):
    assert urgent_words(text) == ()
