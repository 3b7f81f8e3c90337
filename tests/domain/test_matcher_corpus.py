"""The matcher corpus of issue 13: sound data, and floors under the figures it measures.

scripts/matcher_report.py prints the figures; these tests keep them from sliding back. The
held-out floor is a guard only: the held-out part is never used to tune the matcher.
"""

from __future__ import annotations

import pytest

from selvvisitation.demo.esbjerg_catalogue import CATALOGUE
from selvvisitation.domain.understanding import Intent, services_from_catalogue, understand
from tests.domain.matcher_corpus import HELDOUT, TRAINING

SERVICES = services_from_catalogue(CATALOGUE)
CODES = {entry.code for entry in CATALOGUE}


def test_the_corpus_has_at_least_400_danish_and_100_english_phrasings_split_apart():
    """Issue 13: at least 400 Danish and 100 English, training and held-out kept apart."""
    everything = TRAINING + HELDOUT
    assert sum(item.language == "da" for item in everything) >= 400
    assert sum(item.language == "en" for item in everything) >= 100
    assert not {item.text for item in TRAINING} & {item.text for item in HELDOUT}
    assert 0.25 <= len(HELDOUT) / len(everything) <= 0.35


def test_every_expected_reading_names_a_known_intent_and_catalogue_codes():
    for item in TRAINING + HELDOUT:
        assert item.intent in set(Intent), item.text
        assert item.drop <= CODES and item.add <= CODES, item.text
        assert not item.drop & item.add, item.text


def figures(items) -> tuple[dict[str, float], int]:
    """Share right per language, and the number of direction errors."""
    right: dict[str, list[int]] = {}
    directions = 0
    for item in items:
        got = understand(item.text, SERVICES, item.language)
        ok = (str(got.intent), set(got.drop), set(got.add)) == (item.intent, item.drop, item.add)
        counts = right.setdefault(item.language, [0, 0])
        counts[0] += ok
        counts[1] += 1
        directions += bool(item.drop & set(got.add) or item.add & set(got.drop))
    return {lang: good / total for lang, (good, total) in right.items()}, directions


@pytest.mark.parametrize(("items", "floor"), [(TRAINING, 0.97), (HELDOUT, 0.90)])
def test_the_matcher_stays_above_its_floor_in_each_language(items, floor):
    shares, _ = figures(items)
    assert min(shares.values()) >= floor, shares


def test_the_matcher_never_reverses_a_swap_in_the_training_part():
    """Issue 13: a dropped service read as added (or back) is the worst error."""
    assert figures(TRAINING)[1] == 0
