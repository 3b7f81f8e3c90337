"""Record an AEL visit as it went: a tick list of elements, each priority met or not met.

DOMAIN.md "Ældreloven": no minutes (optional only when the municipality turns them on); the
worker decides on the day what is safe, and a priority not met carries the reason. Seeing a
change in the citizen's function opens the existing report of changed need (staff/reports.py).
The routes are staff/record.py's: it hands an AEL visit to these functions.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectChoice, SelectMultipleField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from selvvisitation.citizen.texts import PRIORITY_KINDS
from selvvisitation.domain.dates import local_today
from selvvisitation.domain.priority_rules import PriorityAnswer, element_outcomes
from selvvisitation.domain.types import PriorityKind, PriorityNotMetReason
from selvvisitation.extensions import db
from selvvisitation.forms import BaseForm, MinutesField, max_length
from selvvisitation.models import Visit
from selvvisitation.security.access import current_actor
from selvvisitation.services.adapters import policy_for
from selvvisitation.services.ael_visits import (
    AelRecord,
    check_ael_visit,
    priorities_for,
)
from selvvisitation.services.staff_visits import save_checked_ael_record

MET_CHOICES = [
    SelectChoice("met", _l("Yes, it was done")),
    SelectChoice("not_met", _l("No")),
]
REASON_CHOICES = [
    SelectChoice(PriorityNotMetReason.SAFETY.value, _l("It was not safe (not forsvarligt)")),
    SelectChoice(PriorityNotMetReason.WORK_ENVIRONMENT.value, _l("Work environment")),
    SelectChoice(PriorityNotMetReason.OTHER.value, _l("Other reason")),
]
PROBLEMS = {
    "element_undecided": _l("Tick what was done"),
    "done_and_declined": _l("An element cannot be both done and declined"),
    "priority_undecided": _l("Choose whether it was done"),
    "reason_missing": _l("Choose why it was not done"),
    "reason_text_missing": _l("Describe the reason"),
    "reason_when_met": _l("Only give a reason when it was not done"),
    "skipped_element_done": _l("The citizen wished to skip it, but it is ticked as done"),
    "prioritised_element_not_done": _l("It is answered as done, but the element is not ticked"),
    "minutes_not_recorded": _l("Minutes are not recorded for this citizen"),
    "minutes_out_of_range": _l("Minutes must be between %(low)d and %(high)d", low=1, high=480),
}


def _element_choices(visit: Visit, lang_en: bool) -> list[SelectChoice]:
    return [
        SelectChoice(str(e.id), e.element.name_en if lang_en else e.element.name_da)
        for e in visit.elements
    ]


def _what(priority: Any, lang_en: bool) -> str:
    """A priority in a few words: the element and what to do with it, or her words."""
    element = priority.element
    if element is not None and priority.kind in PRIORITY_KINDS:
        name = element.name_en if lang_en else element.name_da
        return str(PRIORITY_KINDS[priority.kind]) % {"element": name}
    return f"“{priority.text}”"


def _tick_list(label: Any, choices: list[SelectChoice]) -> SelectMultipleField:
    return SelectMultipleField(
        label,
        choices=choices,
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


def form_class(visit: Visit, priorities: list[Any], optional_minutes: bool) -> type:
    """One tick list for done, one for declined, one question per priority."""
    from flask_babel import get_locale

    lang_en = str(get_locale()).startswith("en")
    choices = _element_choices(visit, lang_en)

    class Form(BaseForm):
        done = _tick_list(_l("What was done"), choices)
        declined = _tick_list(_l("The citizen said no thank you to"), choices)
        change_observed = BooleanField(_l("I saw a change in the citizen's function"))
        note = TextAreaField(_l("Note (optional)"), validators=[max_length(2000)])

    if optional_minutes:
        Form.minutes = MinutesField(_l("Minutes (optional)"))
    for priority in priorities:
        # Unanswered and unknown answers are the rules' to name (domain.priority_rules).
        # The question names the priority: several on one page must not read alike.
        what = _what(priority, lang_en)
        met = RadioField(
            _l("Was it done: %(what)s?", what=what), choices=MET_CHOICES, validate_choice=False
        )
        setattr(Form, f"met_{priority.id}", met)
        reason = RadioField(
            _l("Why was it not done: %(what)s?", what=what),
            choices=REASON_CHOICES,
            validate_choice=False,
        )
        setattr(Form, f"reason_{priority.id}", reason)
        setattr(
            Form,
            f"reason_text_{priority.id}",
            TextAreaField(_l("Describe the reason"), validators=[max_length(500)]),
        )
    return Form


def render(visit: Visit, wishes: Any, form: BaseForm, priorities: list[Any], status: int = 200):
    return render_template(
        "staff/record_ael.html",
        visit=visit,
        wishes=wishes,
        form=form,
        priorities=priorities,
        today=local_today(),
    ), status


def show(visit: Visit, wishes: Any) -> Any:
    """The record page of an AEL visit; every element ticked as done to begin with."""
    priorities = priorities_for(db.session(), [visit])[visit.id]
    optional = policy_for(visit.citizen.municipality).ael_optional_minutes
    form = form_class(visit, priorities, optional)(formdata=None)
    form.done.data = [str(e.id) for e in visit.elements]
    return render(visit, wishes, form, priorities)


def _answers(form: BaseForm, priorities: list[Any]) -> list[PriorityAnswer]:
    answers = []
    for priority in priorities:
        met = form[f"met_{priority.id}"].data
        reason = form[f"reason_{priority.id}"].data
        answers.append(
            PriorityAnswer(
                key=str(priority.id),
                kind=PriorityKind(priority.kind),
                element_id=priority.element_id,
                met=None if met not in ("met", "not_met") else met == "met",
                reason=PriorityNotMetReason(reason)
                if reason in {r.value for r in PriorityNotMetReason}
                else None,
                reason_text=form[f"reason_text_{priority.id}"].data or "",
            )
        )
    return answers


def _field_for(key: str, code: str, form: BaseForm) -> Any:
    if key == "minutes" and "minutes" in form:
        return form.minutes
    if code in ("reason_missing", "reason_when_met"):
        return form[f"reason_{key}"]
    if code == "reason_text_missing":
        return form[f"reason_text_{key}"]
    if f"met_{key}" in form:
        return form[f"met_{key}"]
    return form.declined if code == "done_and_declined" else form.done


def save(visit: Visit, wishes: Any) -> Any:
    """Check and save under the caller's write lock; then the flags, as after any record."""
    priorities = priorities_for(db.session(), [visit])[visit.id]
    policy = policy_for(visit.citizen.municipality)
    form = form_class(visit, priorities, policy.ael_optional_minutes)()
    if not form.validate_on_submit():
        return render(visit, wishes, form, priorities, 400)
    planned = [(str(e.id), e.element_id) for e in visit.elements]
    lines, problems = element_outcomes(planned, set(form.done.data), set(form.declined.data))
    minutes = form.minutes.data if "minutes" in form else None
    record = AelRecord(
        tuple(lines), tuple(_answers(form, priorities)), minutes, form.note.data or ""
    )
    problems += check_ael_visit(record, policy)
    if problems:
        for key, code in problems:
            field = _field_for(key, code, form)
            if str(PROBLEMS[code]) not in field.errors:
                field.errors.append(str(PROBLEMS[code]))
        return render(visit, wishes, form, priorities, 400)
    staff = current_actor().staff
    save_checked_ael_record(db.session(), visit, record, priorities, staff)
    if form.change_observed.data:
        # The existing report of changed need (003: providers notify the visitation).
        flash(_("The visit is recorded. Tell the visitation what has changed."))
        return redirect(url_for("staff.report_change_view", visit_id=visit.id))
    flash(_("The visit is recorded."))
    return redirect(url_for("staff.record_visit", visit_id=visit.id))
