"""The visit record form, built for the services and wishes of one visit."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField

from selvvisitation.domain.types import DeclineReason, SwapStatus, VisitServiceOutcome
from selvvisitation.domain.visit_record import DoneInstead, PlannedItem, SwapDecision
from selvvisitation.formatters import service_name
from selvvisitation.forms import BaseForm, MinutesField, choice_field, choice_values, max_length

# Rows for "done instead": enough for one visit; a longer list is a reassessment matter.
INSTEAD_ROWS = 3
MAX_MINUTES = 480

OUTCOME_CHOICES = [
    SelectChoice(VisitServiceOutcome.DELIVERED.value, _l("Delivered as planned")),
    SelectChoice(VisitServiceOutcome.CHANGED.value, _l("Delivered, with other minutes")),
    SelectChoice(VisitServiceOutcome.DROPPED.value, _l("Dropped by the citizen (swap)")),
    SelectChoice(VisitServiceOutcome.NOT_DELIVERED.value, _l("Not delivered")),
]
DECISION_CHOICES = [
    SelectChoice("accept", _l("Yes, the swap was done")),
    SelectChoice("decline", _l("No, the granted help was delivered")),
]
REASON_CHOICES = [
    SelectChoice(DeclineReason.HYGIENE.value, _l("Not safe: hygiene")),
    SelectChoice(DeclineReason.WORK_ENVIRONMENT.value, _l("Work environment")),
    SelectChoice(DeclineReason.OTHER.value, _l("Other reason")),
]


class RecordVisitForm(BaseForm):
    acknowledged = BooleanField(
        _l("The citizen has been told that a dropped service cannot be demanded later")
    )
    note = TextAreaField(_l("Note (optional)"), validators=[max_length(2000)])


def record_form_class(items: list[Any], swaps: list[Any], services: list[Any]) -> type:
    """A form class with one question per planned service, per wish and per row done instead."""

    class Form(RecordVisitForm):
        pass

    for item in items:
        name = service_name(item.service) if item.service else item.free_text
        setattr(
            Form,
            f"outcome_{item.id}",
            choice_field(
                name, OUTCOME_CHOICES, _l("Choose what happened with %(service)s", service=name)
            ),
        )
        setattr(
            Form,
            f"minutes_{item.id}",
            MinutesField(_l("Minutes spent on %(service)s", service=name)),
        )
    service_choices = [SelectChoice("", _l("Nothing"))] + [
        SelectChoice(s.code, service_name(s)) for s in services
    ]
    for row in range(INSTEAD_ROWS):
        setattr(
            Form,
            f"instead_service_{row}",
            SelectField(_l("Service done instead"), choices=service_choices, validate_choice=False),
        )
        setattr(
            Form,
            f"instead_text_{row}",
            StringField(_l("Or describe other help"), validators=[max_length(200)]),
        )
        setattr(Form, f"instead_minutes_{row}", MinutesField(_l("Minutes")))
    for swap in swaps:
        setattr(
            Form,
            f"swap_{swap.id}",
            choice_field(
                _l("Was the swap done?"), DECISION_CHOICES, _l("Choose whether the swap was done")
            ),
        )
        setattr(
            Form,
            f"reason_{swap.id}",
            SelectField(
                _l("Why not?"),
                choices=[SelectChoice("", _l("Choose a reason"))] + REASON_CHOICES,
                validate_choice=False,
            ),
        )
        setattr(
            Form,
            f"reason_text_{swap.id}",
            TextAreaField(_l("Describe the reason"), validators=[max_length(500)]),
        )
    return Form


def _minutes_problem(form: Any, name: str, required: bool) -> bool:
    """Add the plain minutes message to a field; return True when there is a problem."""
    field = form[name]
    if field.errors:
        return True
    if field.data is None:
        if required:
            field.errors.append(_l("Write how many minutes it took"))
        return required
    if not 1 <= field.data <= MAX_MINUTES:
        field.errors.append(
            _l("Minutes must be between %(low)d and %(high)d", low=1, high=MAX_MINUTES)
        )
        return True
    return False


def read_record(form: Any, items: list[Any], swaps: list[Any]) -> tuple[list, list, dict]:
    """Read planned items, help done instead and decisions; add field errors where incomplete."""
    planned = []
    for item in items:
        outcome = VisitServiceOutcome(form[f"outcome_{item.id}"].data)
        minutes = None
        if outcome is VisitServiceOutcome.CHANGED:
            if not _minutes_problem(form, f"minutes_{item.id}", required=True):
                minutes = form[f"minutes_{item.id}"].data
        planned.append(
            PlannedItem(
                key=str(item.id),
                service_code=item.service.code if item.service else None,
                planned_minutes=item.planned_minutes,
                outcome=outcome,
                minutes=minutes,
            )
        )
    instead = []
    for row in range(INSTEAD_ROWS):
        code = form[f"instead_service_{row}"].data or None
        if code is not None and code not in choice_values(form[f"instead_service_{row}"]):
            form[f"instead_service_{row}"].errors.append(_l("Choose a service from the list"))
            continue
        text = (form[f"instead_text_{row}"].data or "").strip() or None
        minutes_field = form[f"instead_minutes_{row}"]
        if code is None and text is None:
            if minutes_field.data is not None or minutes_field.errors:
                form[f"instead_service_{row}"].errors.append(
                    _l("Choose the service done instead, or remove the minutes")
                )
            continue
        if not _minutes_problem(form, f"instead_minutes_{row}", required=True):
            instead.append(
                DoneInstead(
                    key=str(row),
                    service_code=code,
                    minutes=minutes_field.data,
                    free_text=None if code else text,
                )
            )
    decisions = {}
    for swap in swaps:
        accepted = form[f"swap_{swap.id}"].data == "accept"
        reason_value = form[f"reason_{swap.id}"].data or None
        if reason_value is not None and reason_value not in {r.value for r in DeclineReason}:
            form[f"reason_{swap.id}"].errors.append(_l("Choose why the swap was not done"))
            reason_value = None
        decisions[str(swap.id)] = SwapDecision(
            key=str(swap.id),
            accepted=accepted,
            reason=DeclineReason(reason_value) if reason_value and not accepted else None,
            text=(form[f"reason_text_{swap.id}"].data or "") if not accepted else "",
        )
    return planned, instead, decisions


def prefill_from_answers(form: Any, items: list[Any], swaps: list[Any]) -> None:
    """A yes given ahead of the visit fills in the record (issue 12): the swap done, its
    dropped services dropped and the others as planned, and the help done instead with the
    wished minutes. The worker changes what went otherwise, and saves."""
    accepted = [swap for swap in swaps if swap.status == SwapStatus.ACCEPTED]
    if not accepted:
        return
    dropped = {line.service_id for swap in accepted for line in swap.dropped}
    for item in items:
        outcome = (
            VisitServiceOutcome.DROPPED
            if item.service_id is not None and item.service_id in dropped
            else VisitServiceOutcome.DELIVERED
        )
        form[f"outcome_{item.id}"].data = outcome.value
    added = [line for swap in accepted for line in swap.added][:INSTEAD_ROWS]
    for row, line in enumerate(added):
        if line.service is not None:
            form[f"instead_service_{row}"].data = line.service.code
        else:
            form[f"instead_text_{row}"].data = line.free_text
        form[f"instead_minutes_{row}"].data = line.minutes
    for swap in accepted:
        form[f"swap_{swap.id}"].data = "accept"
