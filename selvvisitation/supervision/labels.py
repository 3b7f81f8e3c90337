"""The supervision area's words: themes, theme sets, assessments, follow-up (translated)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from selvvisitation.domain.supervision_themes import (
    FollowUpStatus,
    SupervisionTheme,
    ThemeAssessment,
    ThemeSet,
)

THEME_LABELS = {
    SupervisionTheme.FUNCTION_LEVEL: _l("Function level"),
    SupervisionTheme.QUALITY_OF_LIFE: _l("Quality of life and satisfaction"),
    SupervisionTheme.COHERENCE: _l("Coherence and predictability"),
    SupervisionTheme.HYGIENE: _l("Hygiene: preventing the spread of infection"),
    SupervisionTheme.FOLLOW_UP: _l("Follow-up on the recommendations of the last supervision"),
    # Ældretilsynsloven § 7 stk. 3: the three values of Ældreloven § 1 stk. 2.
    SupervisionTheme.SELF_DETERMINATION: _l("Self-determination"),
    SupervisionTheme.TRUST: _l("Trust"),
    SupervisionTheme.RELATIVES_AND_CIVIL_SOCIETY: _l(
        "Interaction with relatives and civil society"
    ),
}
THEME_SET_LABELS = {
    ThemeSet.THISTED: _l(
        "Five themes: function level, quality of life, coherence, hygiene and follow-up"
    ),
    ThemeSet.AELDRETILSYN: _l(
        "The Ældretilsyn's three values: self-determination, trust, and interaction with "
        "relatives and civil society"
    ),
    ThemeSet.BOTH: _l("All eight themes"),
}
# The admin's setting: which set(s) a supervision visit offers.
THEME_SETTING_LABELS = {
    **THEME_SET_LABELS,
    ThemeSet.BOTH: _l("Both sets: the supervisor chooses at each visit"),
}
ASSESSMENT_LABELS = {
    ThemeAssessment.MET: _l("Practice matches what was decided"),
    ThemeAssessment.PARTLY_MET: _l("Practice partly matches what was decided"),
    ThemeAssessment.NOT_MET: _l("Practice does not match what was decided"),
}
FOLLOW_UP_LABELS = {
    FollowUpStatus.DONE: _l("Done"),
    FollowUpStatus.IN_PROGRESS: _l("Started, not finished"),
    FollowUpStatus.NOT_DONE: _l("Not done"),
}

# All of them, as the supervision pages look them up (``labels.themes[theme]``).
# Keyed by a different enum each, so the values' keys are typed loosely.
LABELS: dict[str, Mapping[Any, Any]] = {
    "themes": THEME_LABELS,
    "theme_sets": THEME_SET_LABELS,
    "assessments": ASSESSMENT_LABELS,
    "follow_up": FOLLOW_UP_LABELS,
}
