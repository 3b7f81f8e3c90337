"""Forms of the supervision area; messages follow "Skriv ...", "Vælg ..."."""

from __future__ import annotations

import functools
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, IntegerField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional, StopValidation, ValidationError

from selvvisitation.domain.supervision_themes import (
    THEMES_OF,
    FollowUpStatus,
    SupervisionTheme,
    ThemeAssessment,
    ThemeSet,
)
from selvvisitation.forms import BaseForm, Required, choice_values, max_length
from selvvisitation.supervision.labels import (
    ASSESSMENT_LABELS,
    FOLLOW_UP_LABELS,
    THEME_LABELS,
    THEME_SET_LABELS,
)

DATE_MESSAGE = _l("Write the date as day.month.year, for example 14.3.2026")
DATE_FORMATS = ("%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d")


def parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


class DateText:
    """A date written as day.month.year; stores the parsed date on `field.date`."""

    def __init__(self, message: object) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        field.date = parse_date(field.data or "")
        if field.date is None or not 2000 <= field.date.year <= 2100:
            raise StopValidation(self.message)


def choice(label: object, choices: list | None, message: object, **kwargs: object) -> RadioField:
    """Radios whose missing or unknown answer gets our plain message, not WTForms' text."""

    def one_of_choices(_form: Form, field: Field) -> None:
        if field.data not in choice_values(field):
            raise StopValidation(message)

    return RadioField(
        label,
        choices=choices,
        validate_choice=False,
        validators=[Required(message), one_of_choices],
        **kwargs,
    )


class DrawSampleForm(BaseForm):
    year = IntegerField(
        _l("Year of the supervision"),
        validators=[
            Required(_l("Write the year of the supervision")),
            NumberRange(min=2000, max=2100, message=_l("Write a year between 2000 and 2100")),
        ],
    )

    def validate_year(self, field: Field) -> None:
        # IntegerField leaves data None on text like "næste år"; say what to write.
        if field.data is None:
            raise ValidationError(_l("Write the year of the supervision"))


class ReplaceForm(BaseForm):
    replacement = choice(
        _l("Who takes the place"), None, _l("Choose who takes the place"), coerce=int
    )
    reason = TextAreaField(
        _l("Why is the citizen swapped"),
        validators=[Required(_l("Write why the citizen is swapped")), max_length(1000)],
    )


class ThemeSetForm(BaseForm):
    """Which themes this visit covers, when the municipality offers more than one set; a GET
    form that changes nothing, so no CSRF token."""

    class Meta:
        csrf = False

    temaer = choice(
        _l("Which themes does the supervision visit cover?"),
        [SelectChoice(s.value, THEME_SET_LABELS[s]) for s in ThemeSet],
        _l("Choose the themes of the supervision visit"),
    )


class VisitForm(BaseForm):
    """The visit with the themes of one set; ``visit_form_class`` adds the set's fields."""

    theme_set: ThemeSet = ThemeSet.THISTED

    visited_on = StringField(
        _l("Date of the supervision visit"),
        validators=[
            Required(_l("Write the date of the supervision visit")),
            DateText(DATE_MESSAGE),
        ],
    )
    strengths = TextAreaField(
        _l("Strengths and what works"), validators=[Optional(), max_length(4000)]
    )
    feedback_given_to = StringField(
        _l("Oral feedback given to"), validators=[Optional(), max_length(200)]
    )

    def theme_fields(self) -> list[tuple[SupervisionTheme, Field, Field]]:
        return [
            (theme, self[f"{theme.value}_assessment"], self[f"{theme.value}_text"])
            for theme in THEMES_OF[self.theme_set]
        ]

    def findings(self) -> dict[SupervisionTheme, tuple[ThemeAssessment, str]]:
        return {
            theme: (ThemeAssessment(assessment.data), text.data.strip())
            for theme, assessment, text in self.theme_fields()
        }

    def validate(self, extra_validators: object = None) -> bool:
        valid = super().validate(extra_validators)
        # What falls short must be described: the provider acts on the written finding (000).
        for _theme, assessment, text in self.theme_fields():
            if (
                assessment.data in (ThemeAssessment.PARTLY_MET, ThemeAssessment.NOT_MET)
                and not (text.data or "").strip()
            ):
                text.errors = [*text.errors, _l("Write what the supervision found")]
                valid = False
        return valid


@functools.cache
def visit_form_class(theme_set: ThemeSet) -> type[VisitForm]:
    """The visit form for one theme set: an assessment and a finding per theme, in order."""
    fields: dict[str, object] = {"theme_set": theme_set}
    for theme in THEMES_OF[theme_set]:
        fields[f"{theme.value}_assessment"] = choice(
            THEME_LABELS[theme],
            [SelectChoice(a.value, ASSESSMENT_LABELS[a]) for a in ThemeAssessment],
            _l("Choose an assessment for this theme"),
        )
        fields[f"{theme.value}_text"] = TextAreaField(
            _l("What the supervision found"), validators=[Optional(), max_length(4000)]
        )
    return type(f"VisitForm_{theme_set.value}", (VisitForm,), fields)


class RecommendationForm(BaseForm):
    """A recommendation on one of the visit's own themes (``for_themes`` sets the choices)."""

    theme = choice(
        _l("Theme"),
        [SelectChoice(t.value, THEME_LABELS[t]) for t in SupervisionTheme],
        _l("Choose the theme of the recommendation"),
    )

    def for_themes(self, themes: tuple[SupervisionTheme, ...]) -> RecommendationForm:
        self.theme.choices = [SelectChoice(t.value, THEME_LABELS[t]) for t in themes]
        return self

    text = TextAreaField(
        _l("Recommendation"),
        validators=[Required(_l("Write the recommendation")), max_length(2000)],
    )


class FollowUpForm(BaseForm):
    status = choice(
        _l("What became of the recommendation"),
        [SelectChoice(s.value, FOLLOW_UP_LABELS[s]) for s in FollowUpStatus],
        _l("Choose what became of the recommendation"),
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), max_length(2000)])


class ActionForm(BaseForm):
    action = TextAreaField(
        _l("The provider's action"),
        validators=[Required(_l("Write the provider's action")), max_length(2000)],
    )
    responsible = StringField(
        _l("Responsible at the provider"),
        validators=[Required(_l("Write who is responsible")), max_length(160)],
    )
    due_on = StringField(
        _l("Done by"),
        validators=[
            Required(_l("Write the date the action is to be done by")),
            DateText(DATE_MESSAGE),
        ],
    )
