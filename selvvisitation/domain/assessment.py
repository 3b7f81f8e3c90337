"""The answer scales of Herning's two revisitation forms (seed 001) and visit states."""

from __future__ import annotations

import enum


class AssessmentStatus(enum.StrEnum):
    BOOKED = "booked"
    HELD = "held"  # both forms filled in
    CANCELLED = "cancelled"


class Satisfaction(enum.StrEnum):
    """How satisfied the citizen is with the help (001, "Borgertilfredshed")."""

    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    NEITHER = "neither"
    DISSATISFIED = "dissatisfied"
    VERY_DISSATISFIED = "very_dissatisfied"


class YesPartlyNo(enum.StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"
