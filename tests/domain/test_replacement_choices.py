"""The short list of replacements shown first in a swap (issue 12, item 3: "Hvad vil du have
i stedet?" showed 42 checkboxes, about 3,700 px on a phone). The short list only orders:
what she may choose is decided by DOMAIN.md rules 2, 9 and 10 exactly as before."""

from __future__ import annotations

from selvvisitation.domain.replacement_choices import (
    SHORT_LIST_SIZE,
    WHOLE_LIST_UP_TO,
    ChoiceHistory,
    short_list,
)
from selvvisitation.domain.timeframe import CatalogueService
from selvvisitation.domain.types import ServiceCategory


def service(code: str, minutes: int) -> CatalogueService:
    return CatalogueService(
        code=code,
        category=ServiceCategory.PRACTICAL_HELP,
        swappable=True,
        flexible_only=False,
        within_service_level=True,
        default_minutes=minutes,
    )


CATALOGUE = [service(f"S{n:02d}", 10 + n) for n in range(20)]  # S00 10 min ... S19 29 min


def test_only_what_fits_in_the_freed_minutes_is_short_listed():
    assert short_list(CATALOGUE, 12, ChoiceHistory()) == ("S00", "S01", "S02")


def test_her_own_earlier_choices_come_first_then_the_municipalitys_most_chosen():
    history = ChoiceHistory(own=("S05", "S03"), popular=("S04", "S05", "S01"))
    assert short_list(CATALOGUE, 30, history) == ("S05", "S03", "S04", "S01", "S00", "S02")


def test_an_earlier_choice_that_does_not_fit_now_is_not_short_listed():
    history = ChoiceHistory(own=("S19",), popular=("S18",))
    assert short_list(CATALOGUE, 15, history) == ("S00", "S01", "S02", "S03", "S04", "S05")


def test_a_choice_no_longer_on_offer_is_left_out():
    """A service dropped now, or taken off the catalogue, is not in ``entries`` (issue 12,
    3: never Tøjvask for Tøjvask), so history cannot bring it back."""
    history = ChoiceHistory(own=("GONE",), popular=("GONE",))
    assert "GONE" not in short_list(CATALOGUE, 30, history)


def test_the_short_list_is_short_and_has_no_repeats():
    history = ChoiceHistory(own=tuple(c.code for c in CATALOGUE), popular=("S00", "S00"))
    chosen = short_list(CATALOGUE, 100, history)
    assert len(chosen) == SHORT_LIST_SIZE == len(set(chosen))


def test_when_nothing_fits_the_short_list_is_empty_so_the_whole_list_is_shown():
    assert short_list(CATALOGUE, 5, ChoiceHistory(own=("S00",))) == ()


def test_a_list_short_enough_is_shown_whole():
    entries = CATALOGUE[:WHOLE_LIST_UP_TO]
    assert short_list(entries, 100, ChoiceHistory()) == ()
    assert len(short_list(CATALOGUE[: WHOLE_LIST_UP_TO + 1], 100, ChoiceHistory())) == 6
