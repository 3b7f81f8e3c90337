"""The theme sets of a supervision visit (issue 11): seed 000's five themes, the Ældretilsyn's
three values (Ældretilsynsloven § 7 stk. 3), or both, as the municipality chooses."""

from __future__ import annotations

import pytest

from selvvisitation.domain.policy import Policy
from selvvisitation.domain.supervision_themes import (
    AELDRETILSYN_THEMES,
    THEMES_OF,
    THISTED_THEMES,
    SupervisionTheme,
    ThemeSet,
    sets_offered,
    themes_problem,
)

T = SupervisionTheme


def test_thisteds_five_themes_keep_the_order_of_seed_000():
    # Seed 000 "Tilsynsbesøg": "Følgende temaer indgår i tilsynet".
    assert THEMES_OF[ThemeSet.THISTED] == (
        T.FUNCTION_LEVEL,
        T.QUALITY_OF_LIFE,
        T.COHERENCE,
        T.HYGIENE,
        T.FOLLOW_UP,
    )


def test_the_aeldretilsyn_set_is_the_three_values_of_the_act():
    # Ældretilsynsloven § 7 stk. 3: the Ældretilsyn assesses the three values of
    # Ældreloven § 1 stk. 2: selvbestemmelse, tillid, samspil med pårørende og civilsamfund.
    assert THEMES_OF[ThemeSet.AELDRETILSYN] == (
        T.SELF_DETERMINATION,
        T.TRUST,
        T.RELATIVES_AND_CIVIL_SOCIETY,
    )


def test_both_is_all_eight_themes_thisteds_first_and_every_theme_in_exactly_one_set():
    assert THEMES_OF[ThemeSet.BOTH] == THISTED_THEMES + AELDRETILSYN_THEMES
    assert sorted(THEMES_OF[ThemeSet.BOTH]) == sorted(SupervisionTheme)
    assert not set(THISTED_THEMES) & set(AELDRETILSYN_THEMES)


def test_the_default_setting_keeps_thisteds_five_themes_as_before():
    """Issue 11: a municipality that chooses nothing supervises as it did (seed 000)."""
    assert Policy().supervision_theme_sets is ThemeSet.THISTED
    assert sets_offered(Policy().supervision_theme_sets) == (ThemeSet.THISTED,)


@pytest.mark.parametrize(
    ("setting", "offered"),
    [
        (ThemeSet.THISTED, (ThemeSet.THISTED,)),
        (ThemeSet.AELDRETILSYN, (ThemeSet.AELDRETILSYN,)),
        (ThemeSet.BOTH, (ThemeSet.THISTED, ThemeSet.AELDRETILSYN, ThemeSet.BOTH)),
    ],
)
def test_a_municipality_offering_both_lets_the_supervisor_choose_per_visit(setting, offered):
    assert sets_offered(setting) == offered


@pytest.mark.parametrize(
    ("theme_set", "themes", "problem"),
    [
        (ThemeSet.THISTED, THISTED_THEMES, None),
        (ThemeSet.AELDRETILSYN, AELDRETILSYN_THEMES, None),
        (ThemeSet.BOTH, THISTED_THEMES + AELDRETILSYN_THEMES, None),
        (ThemeSet.AELDRETILSYN, THISTED_THEMES, "all_themes"),  # the wrong set
        (ThemeSet.AELDRETILSYN, AELDRETILSYN_THEMES[:2], "all_themes"),  # one missing
        (ThemeSet.THISTED, (*THISTED_THEMES, T.TRUST), "all_themes"),  # one too many
        (ThemeSet.AELDRETILSYN, (*AELDRETILSYN_THEMES, T.TRUST), "all_themes"),  # twice
        (ThemeSet.BOTH, THISTED_THEMES, "all_themes"),
    ],
)
def test_a_visit_assesses_exactly_the_themes_of_its_set(theme_set, themes, problem):
    assert themes_problem(theme_set, themes) == problem


def test_an_unknown_theme_setting_is_reported():
    policy = Policy(supervision_theme_sets="alle")  # type: ignore[arg-type]
    assert policy.validate() == [("supervision_theme_sets", "invalid_choice")]
