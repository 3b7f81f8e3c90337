"""The vocabulary of a supervision visit (seed 000, "Tilsynsbesøg": "Følgende temaer indgår").

Plain enums, shared by the models, the forms and the report.
"""

from __future__ import annotations

import enum


class SupervisionTheme(enum.StrEnum):
    """The five themes of seed 000, in the seed's order."""

    FUNCTION_LEVEL = "function_level"  # Funktionsevne
    QUALITY_OF_LIFE = "quality_of_life"  # Livskvalitet og tilfredshed
    COHERENCE = "coherence"  # Sammenhæng og forudsigelighed
    HYGIENE = "hygiene"  # Hygiejne: forebyggelse af smittespredning
    FOLLOW_UP = "follow_up"  # Opfølgning på anbefalinger fra seneste tilsyn


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
