"""The vocabulary of a supervision visit: its themes, the theme sets, the assessments.

Two sets of themes a municipality may supervise by (DOMAIN.md "Supervision" and "Ældreloven"):

- Seed 000 (Thisted), "Tilsynsbesøg": "Følgende temaer indgår": five themes.
- Ældretilsynsloven (LOV 1653/2024) § 7 stk. 3: the Ældretilsyn assesses the three values
  of Ældreloven § 1 stk. 2: selvbestemmelse, tillid, samspil med pårørende og civilsamfund.
  **reading**: a municipality may use the same three values as themes of its own supervision,
  so its findings and the Ældretilsyn's speak the same language.

Which set(s) a visit offers is the municipality's choice (``Policy.supervision_theme_sets``);
the default is Thisted's five, as before. Plain enums and functions, shared by the models, the
forms and the report.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType


class SupervisionTheme(enum.StrEnum):
    """Every theme a finding can be about: seed 000's five, then the Ældretilsyn's three."""

    FUNCTION_LEVEL = "function_level"  # Funktionsevne
    QUALITY_OF_LIFE = "quality_of_life"  # Livskvalitet og tilfredshed
    COHERENCE = "coherence"  # Sammenhæng og forudsigelighed
    HYGIENE = "hygiene"  # Hygiejne: forebyggelse af smittespredning
    FOLLOW_UP = "follow_up"  # Opfølgning på anbefalinger fra seneste tilsyn
    # Ældretilsynsloven § 7 stk. 3 (the values of Ældreloven § 1 stk. 2).
    SELF_DETERMINATION = "self_determination"  # Selvbestemmelse
    TRUST = "trust"  # Tillid
    RELATIVES_AND_CIVIL_SOCIETY = "relatives_civil_society"  # Samspil med pårørende og civilsamfund


class ThemeSet(enum.StrEnum):
    """Which themes a supervision visit covers; as a policy setting, which sets are offered."""

    THISTED = "thisted"  # seed 000's five themes
    AELDRETILSYN = "aeldretilsyn"  # Ældretilsynsloven § 7 stk. 3: the three values
    BOTH = "both"  # all eight, Thisted's first


THISTED_THEMES: tuple[SupervisionTheme, ...] = (
    SupervisionTheme.FUNCTION_LEVEL,
    SupervisionTheme.QUALITY_OF_LIFE,
    SupervisionTheme.COHERENCE,
    SupervisionTheme.HYGIENE,
    SupervisionTheme.FOLLOW_UP,
)
AELDRETILSYN_THEMES: tuple[SupervisionTheme, ...] = (
    SupervisionTheme.SELF_DETERMINATION,
    SupervisionTheme.TRUST,
    SupervisionTheme.RELATIVES_AND_CIVIL_SOCIETY,
)
THEMES_OF: Mapping[ThemeSet, tuple[SupervisionTheme, ...]] = MappingProxyType(
    {
        ThemeSet.THISTED: THISTED_THEMES,
        ThemeSet.AELDRETILSYN: AELDRETILSYN_THEMES,
        ThemeSet.BOTH: THISTED_THEMES + AELDRETILSYN_THEMES,
    }
)


def sets_offered(setting: ThemeSet) -> tuple[ThemeSet, ...]:
    """The theme sets a supervisor may choose between, under the municipality's setting.

    A municipality offering both lets the supervisor take Thisted's five, the three values,
    or all eight at one visit; a single set needs no choice.
    """
    if setting is ThemeSet.BOTH:
        return (ThemeSet.THISTED, ThemeSet.AELDRETILSYN, ThemeSet.BOTH)
    return (setting,)


def themes_problem(theme_set: ThemeSet, themes: Iterable[SupervisionTheme]) -> str | None:
    """A problem code when the findings are not exactly the themes of the chosen set."""
    given = list(themes)
    if len(given) != len(set(given)) or set(given) != set(THEMES_OF[theme_set]):
        return "all_themes"
    return None


class ThemeAssessment(enum.StrEnum):
    """How far practice matches what was decided (000: "i hvilken grad der er overensstemmelse")."""

    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"


class FollowUpStatus(enum.StrEnum):
    """What became of one recommendation at the next supervision."""

    DONE = "done"
    IN_PROGRESS = "in_progress"
    NOT_DONE = "not_done"


# Scores for the report's satisfaction and theme charts: met 2, partly 1, not met 0.
ASSESSMENT_SCORE = {
    ThemeAssessment.MET: 2,
    ThemeAssessment.PARTLY_MET: 1,
    ThemeAssessment.NOT_MET: 0,
}
