"""The visitators' forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField

from selvvisitation.forms import BaseForm, choice_field, choice_values


class QueueFilterForm(BaseForm):
    """The queue's filters: a GET form, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    team = SelectField(_l("Team"), coerce=str, default="", validate_choice=False)
    provider = SelectField(_l("Provider"), coerce=str, default="", validate_choice=False)
    kind = SelectField(_l("Reason for the case"), coerce=str, default="", validate_choice=False)

    def __init__(self, *args, teams=(), providers=(), kinds=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.team.choices = [SelectChoice("", _l("All teams"))] + [
            SelectChoice(str(t.id), t.name) for t in teams
        ]
        self.provider.choices = [SelectChoice("", _l("All providers"))] + [
            SelectChoice(str(p.id), p.name) for p in providers
        ]
        self.kind.choices = [SelectChoice("", _l("All reasons"))] + list(kinds)
        for field, message in (
            (self.team, _l("Choose a team from the list")),
            (self.provider, _l("Choose a provider from the list")),
            (self.kind, _l("Choose a reason from the list")),
        ):
            field.validators = [_ChoiceMessage(message)]

    @staticmethod
    def as_int(value: str) -> int | None:
        return int(value) if value else None


class _ChoiceMessage:
    """Replace WTForms' "Not a valid choice" with our own plain message."""

    def __init__(self, message) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data not in choice_values(field):
            from wtforms.validators import StopValidation

            raise StopValidation(self.message)


# --- actions ----------------------------------------------------------------------

from datetime import UTC, date, datetime, time  # noqa: E402

from wtforms import (  # noqa: E402
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Optional, StopValidation  # noqa: E402

from selvvisitation.domain.dates import LOCAL, parse_day  # noqa: E402
from selvvisitation.domain.types import Frequency  # noqa: E402
from selvvisitation.forms import (  # noqa: E402
    Required,
    WholeNumberField,
    max_length,
    minutes_between,
)
from selvvisitation.visitation.labels import (  # noqa: E402
    FREQUENCY_LABELS,
    PRIORITY_LABELS,
    WEEKDAY_LABELS,
)


class DayField(StringField):
    """A date typed or picked; ``.day`` holds the parsed date."""

    def __init__(self, label, *, required_message=None, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.required_message = required_message
        self.day: date | None = None

    def pre_validate(self, form) -> None:
        text = (self.data or "").strip()
        if not text:
            if self.required_message is not None:
                raise StopValidation(self.required_message)
            return
        self.day = parse_day(text)
        if self.day is None:
            raise StopValidation(_l("Enter the date as day-month-year, for example 5-3-2026"))

    @property
    def valid_day(self) -> date:
        """The date of a field that passed validation as required; an error before that."""
        if self.day is None:
            raise ValueError(f"{self.name} has no date: read it only after validation")
        return self.day


class CasePriorityForm(BaseForm):
    priority = choice_field(
        _l("Priority"),
        [SelectChoice(str(value), label) for value, label in PRIORITY_LABELS.items()],
        _l("Choose high, normal or low priority"),
    )


class DismissForm(BaseForm):
    reason = TextAreaField(
        _l("Why does the decision not need to change?"),
        validators=[Required(_l("Write why the case is dismissed")), max_length(2000)],
    )
    citizen_reason = TextAreaField(
        _l("What the citizen is told"),
        validators=[Required(_l("Write what the citizen is told")), max_length(1000)],
    )
    confirm = BooleanField(
        _l("I understand that the case is closed and the flags are dismissed"),
        validators=[DataRequired(_l("Confirm that the case is to be closed"))],
    )


class CalledBackForm(BaseForm):
    """ "Ringet op" (issue 13): a call-back case is closed with a short note."""

    reason = TextAreaField(
        _l("A short note about the call"),
        validators=[Required(_l("Write a short note about the call")), max_length(2000)],
    )


class GrantMinutesField(WholeNumberField):
    not_a_number = _l("Enter the minutes as a whole number")


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class GrantForm(Form):
    """One line of the new decision; a line without a service is left out."""

    service = SelectField(_l("Service"), coerce=str, default="", validate_choice=False)
    minutes = GrantMinutesField(
        _l("Minutes each time"),
        validators=[Optional(), minutes_between(5, 480)],
    )
    frequency = SelectField(
        _l("How often"),
        choices=[SelectChoice(f.value, label) for f, label in FREQUENCY_LABELS.items()],
        default=Frequency.WEEKLY.value,
        validate_choice=False,
    )
    weekdays = CheckboxesField(
        _l("Weekdays"),
        choices=[SelectChoice(str(n), label) for n, label in enumerate(WEEKDAY_LABELS)],
        validate_choice=False,
    )
    end_date = DayField(_l("Last day, if the help is temporary (optional)"))


class DecisionForm(BaseForm):
    valid_from = DayField(
        _l("The new decision applies from"),
        required_message=_l("Enter the date the decision applies from"),
    )
    grants = FieldList(FormField(GrantForm), min_entries=1)
    reasons = TextAreaField(
        _l("Reasons for the decision"),
        validators=[Required(_l("Write the reasons for the decision")), max_length(4000)],
    )
    confirmed = HiddenField()

    def set_services(self, services) -> None:
        choices = [SelectChoice("", _l("No service (leave out)"))] + [
            SelectChoice(str(s.id), s.name_da) for s in services
        ]
        for entry in self.grants:
            entry.form.service.choices = choices

    def validate_grants(self, field) -> None:
        """Each chosen line needs its minutes and, when weekly, its weekdays; one line at least."""
        chosen = 0
        for entry in field:
            row = entry.form
            if not row.service.data:
                continue
            chosen += 1
            if row.service.data not in choice_values(row.service):
                row.service.errors = [_l("Choose a service from the list")]
            if row.minutes.data is None and not row.minutes.errors:
                row.minutes.errors = [_l("Enter the minutes each time")]
            if row.frequency.data not in {f.value for f in Frequency}:
                row.frequency.errors = [_l("Choose how often")]
            if row.frequency.data == Frequency.WEEKLY.value and not row.weekdays.data:
                row.weekdays.errors = [_l("Choose at least one weekday")]
            if set(row.weekdays.data or []) - {str(n) for n in range(7)}:
                row.weekdays.errors = [_l("Choose weekdays from the list")]
            valid_from = self.valid_from.day
            if row.end_date.day and valid_from and row.end_date.day < valid_from:
                row.end_date.errors = [_l("The last day must be on or after the start date")]
        if any(entry.form.errors or any(f.errors for f in entry.form) for entry in field):
            raise StopValidation(_l("Check the services of the new decision"))
        if chosen == 0:
            raise StopValidation(_l("Choose at least one service"))

    def error_list(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary, the service lines included."""
        result = []
        for field in self:
            if field.name == "grants":
                for number, entry in enumerate(field, start=1):
                    for sub in entry.form:
                        for error in sub.errors[:1]:
                            result.append((sub.id, f"{_l('Service line')} {number}: {error}"))
                if self.grants_message:
                    result.append((field[0].form.service.id, self.grants_message))
            elif field.errors and not isinstance(field.errors[0], (dict, list)):
                result.append((field.id, field.errors[0]))
        return result

    @property
    def grants_message(self) -> str | None:
        strings = [e for e in self.grants.errors if not isinstance(e, (dict, list))]
        return strings[0] if strings else None


# --- reassessment visit and Herning's two forms (seed 001) --------------------------

from selvvisitation.visitation.labels import ANSWER_LABELS, SATISFACTION_LABELS  # noqa: E402


def parse_clock(text: str) -> tuple[int, int] | None:
    """Read a time of day typed as 10:30, 10.30 or 1030."""
    text = (text or "").strip().replace(".", ":")
    if not text.isascii():  # "²" passes str.isdigit() but int() refuses it: a 500 before
        return None
    if ":" not in text and text.isdigit() and len(text) in (3, 4):
        text = f"{text[:-2]}:{text[-2:]}"
    parts = text.split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    hour, minute = int(parts[0]), int(parts[1])
    return (hour, minute) if 0 <= hour < 24 and 0 <= minute < 60 else None


class BookVisitForm(BaseForm):
    day = DayField(_l("Date of the visit"), required_message=_l("Enter the date of the visit"))
    clock = StringField(
        _l("Time"), validators=[Required(_l("Enter the time of the visit")), max_length(5)]
    )
    visitator = SelectField(_l("Visitator"), coerce=str, default="", validate_choice=False)
    note = TextAreaField(_l("Note for the visit (optional)"), validators=[max_length(1000)])

    def __init__(
        self,
        *args,
        visitators=(),
        today: date | None = None,
        now: datetime | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.visitator.choices = [SelectChoice("", _l("Choose a visitator"))] + [
            SelectChoice(str(v.id), v.name) for v in visitators
        ]
        self.now = (now or datetime.now(UTC)).astimezone(LOCAL)
        self.today = today or self.now.date()

    def validate_day(self, field) -> None:
        if field.day is not None and field.day < self.today:
            raise StopValidation(_l("The date must be today or later"))

    def validate_clock(self, field) -> None:
        clock = parse_clock(field.data)
        if clock is None:
            raise StopValidation(_l("Enter the time as hours:minutes, for example 10:30"))
        if self.day.day == self.now.date() and time(*clock) <= self.now.time():
            raise StopValidation(_l("The time has passed: choose a later time today"))

    def validate_visitator(self, field) -> None:
        if not field.data or field.data not in choice_values(field):
            raise StopValidation(_l("Choose a visitator from the list"))

    def starts_at(self) -> datetime:
        """The chosen date and time (Danish time) as an aware UTC datetime."""
        clock = parse_clock(self.clock.data)
        if clock is None:
            raise ValueError("starts_at is read only after the form validated")
        hour, minute = clock
        return datetime.combine(self.day.valid_day, time(hour, minute), tzinfo=LOCAL).astimezone(
            UTC
        )


class MoveVisitForm(BookVisitForm):
    """A new time (and perhaps visitator) for a booked reassessment visit, with the reason."""

    note = None  # the booking's note stays; the reason for the move goes in the history
    reason = TextAreaField(
        _l("Why is the visit moved?"),
        validators=[Required(_l("Write why the visit is moved")), max_length(1000)],
    )


class CancelVisitForm(BaseForm):
    reason = TextAreaField(
        _l("Why is the visit cancelled?"),
        validators=[Required(_l("Write why the visit is cancelled")), max_length(1000)],
    )
    confirm = BooleanField(
        _l("I understand that the visit is cancelled and the citizen is told"),
        validators=[DataRequired(_l("Confirm that the visit is to be cancelled"))],
    )


def _answers(labels):
    return [SelectChoice(key.value, label) for key, label in labels.items()]


class FollowUpForm(BaseForm):
    """Herning's two follow-up forms at the revisitation (seed 001, sections 2 and 3)."""

    # 2. Borgertilfredshed: the citizen's perceived quality, in the citizen's own answers.
    satisfaction = choice_field(
        _l("How satisfied is the citizen with the help?"),
        _answers(SATISFACTION_LABELS),
        _l("Choose how satisfied the citizen is"),
    )
    help_as_granted = choice_field(
        _l("Does the citizen feel they get the help they were granted?"),
        _answers(ANSWER_LABELS),
        _l("Choose whether the citizen gets the granted help"),
    )
    heard_and_involved = choice_field(
        _l("Does the citizen feel heard and involved?"),
        _answers(ANSWER_LABELS),
        _l("Choose whether the citizen feels heard and involved"),
    )
    citizen_comment = TextAreaField(
        _l("The citizen's own words (optional)"), validators=[max_length(2000)]
    )
    # 3. Kvalitetssikring af den leverede hjælp: the visitator's observations in the home.
    matches_decision = choice_field(
        _l("Does the help delivered match the services granted?"),
        _answers(ANSWER_LABELS),
        _l("Choose whether the help matches the services granted"),
    )
    goals_met = choice_field(
        _l("Does the help reach the goals set in the decision?"),
        _answers(ANSWER_LABELS),
        _l("Choose whether the help reaches the goals"),
    )
    meets_service_level = choice_field(
        _l("Is the help delivered as the quality standards describe?"),
        _answers(ANSWER_LABELS),
        _l("Choose whether the help meets the quality standards"),
    )
    notes = TextAreaField(
        _l("Your observations in the home (optional)"), validators=[max_length(4000)]
    )


# --- a decision under Ældreloven: one forløb (issue 11; DOMAIN.md "Ældreloven") ---------------

from selvvisitation.domain import fsiii_elderly  # noqa: E402


def meaning_field(element_id: int) -> str:
    return f"meaning_{element_id}"


def ael_decision_form_class(programme, providers, *, nursing_home: bool) -> type:
    """The form for one forløb: a field per element for what it means for the citizen, and
    the provider among ``providers`` (free choice, ÆL § 18; none in plejebolig, § 21)."""

    class AelDecisionForm(BaseForm):
        valid_from = DayField(
            _l("The new decision applies from"),
            required_message=_l("Enter the date the decision applies from"),
        )
        goals = TextAreaField(
            _l("The citizen's goals, in her own words"),
            validators=[
                Required(_l("Write the citizen's goals in her own words")),
                max_length(2000),
            ],
        )
        visit_frequency_text = StringField(
            _l("How often someone comes"),
            validators=[Required(_l("Write how often someone comes")), max_length(200)],
        )
        follow_up = DayField(
            _l("Follow-up date"),
            required_message=_l("Enter the date of the follow-up"),
        )
        reasons = TextAreaField(
            _l("Reasons for the decision"),
            validators=[Required(_l("Write the reasons for the decision")), max_length(4000)],
        )
        confirmed = HiddenField()

        def validate_follow_up(self, field) -> None:
            if field.day and self.valid_from.day and field.day <= self.valid_from.day:
                raise StopValidation(_l("The follow-up must be after the start date"))

        def validate_provider(self, field) -> None:
            if nursing_home or field.data not in choice_values(field):
                return
            chosen = next(p for p in providers if str(p.id) == field.data)
            needs_care = any(
                e.fsiii_code == fsiii_elderly.PERSONAL_CARE for e in programme.elements
            )
            if needs_care and not chosen.offers_personal_care:
                raise StopValidation(
                    _l(
                        "%(provider)s does not give personal care. Choose another provider.",
                        provider=chosen.name,
                    )
                )

        def error_list(self) -> list[tuple[str, str]]:
            return [(f.id, f.errors[0]) for f in self if f.errors]

        def meanings(self) -> dict[int, str]:
            return {e.id: self[meaning_field(e.id)].data.strip() for e in programme.elements}

    for element in programme.elements:
        setattr(
            AelDecisionForm,
            meaning_field(element.id),
            TextAreaField(
                _l("What %(element)s means for the citizen", element=element.name_da),
                validators=[
                    Required(
                        _l(
                            "Write what %(element)s means for the citizen",
                            element=element.name_da,
                        )
                    ),
                    max_length(2000),
                ],
            ),
        )
    if not nursing_home:
        AelDecisionForm.provider = choice_field(
            _l("Provider (the citizen's free choice)"),
            [SelectChoice(str(p.id), p.name) for p in providers],
            _l("Choose the provider the citizen wants"),
        )
    return AelDecisionForm
