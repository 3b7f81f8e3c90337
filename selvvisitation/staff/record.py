"""Record a visit as it went: outcomes, help done instead, the worker's answer to each wish.

Saving is one transaction under the visit's write lock (security.locking), so a
relative's swap arriving at the same moment and this record cannot together push
the visit past its time frame; a second submit finds the visit recorded and adds
nothing. The citizen's flags are evaluated at once (rule 7).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from selvvisitation.domain.dates import local_today, utc_now
from selvvisitation.extensions import db
from selvvisitation.formatters import service_name
from selvvisitation.models import Service
from selvvisitation.security.access import allow, current_actor
from selvvisitation.security.locking import lock_for_write
from selvvisitation.services.adapters import policy_for
from selvvisitation.services.ael_visits import is_ael_visit
from selvvisitation.services.staff_visits import (
    VisitRecord,
    open_visit_record,
    planned_items,
    save_checked_record,
    swaps_to_confirm,
    wishes_for,
)
from selvvisitation.staff import record_ael
from selvvisitation.staff.access import team_visit_or_404
from selvvisitation.staff.forms import (
    INSTEAD_ROWS,
    prefill_from_answers,
    read_record,
    record_form_class,
)
from selvvisitation.staff.messages import explain
from selvvisitation.staff.views import blueprint
from selvvisitation.staff.visit_list import TEAM


def services_to_choose(visit) -> list[Service]:
    """Catalogue services that may be done instead (rules 2, 9, 10)."""
    municipality = visit.citizen.municipality
    outside_allowed = policy_for(municipality).outside_service_level_allowed
    rows = db.session.scalars(
        select(Service)
        .where(Service.municipality_id == municipality.id, Service.active.is_(True))
        .order_by(Service.category, Service.name_da)
    )
    return [
        s
        for s in rows
        if (s.swappable or s.flexible_only) and (s.within_service_level or outside_allowed)
    ]


def _render(visit, wishes, form, services, status: int = 200):
    return render_template(
        "staff/record.html",
        visit=visit,
        wishes=wishes,
        form=form,
        items=planned_items(visit),
        swaps=swaps_to_confirm(visit, wishes),
        instead_rows=range(INSTEAD_ROWS),
        services=services,
        today=local_today(),
        legal_reference=policy_for(visit.citizen.municipality).legal_references.get(
            "cannot_demand_later", ""
        ),
    ), status


@blueprint.route("/besoeg/<int:visit_id>", methods=["GET"])
@allow(*TEAM)
def record_visit(visit_id: int):
    visit = team_visit_or_404(visit_id)
    wishes = wishes_for(db.session(), [visit])[visit.id]
    response = record_ael.show(visit, wishes) if is_ael_visit(visit) else _new_record(visit, wishes)
    open_visit_record(db.session(), visit, wishes, utc_now())  # the read audited, wishes seen
    return response


def _new_record(visit, wishes):
    """The record page of a visit under serviceloven, its form filled from the answers given."""
    services = services_to_choose(visit)
    items, swaps = planned_items(visit), swaps_to_confirm(visit, wishes)
    form = record_form_class(items, swaps, services)(formdata=None)
    prefill_from_answers(form, items, swaps)
    return _render(visit, wishes, form, services)


def _not_recordable(visit) -> Response:
    # The request's end rolls back and so releases the write lock: nothing was written.
    if visit.is_recorded:
        flash(_("The visit is already recorded."))
    else:
        flash(_("A visit can only be recorded on the day or after."), "error")
    return redirect(url_for("staff.record_visit", visit_id=visit.id))


def _record_from(form, items, swaps) -> VisitRecord | None:
    """What the worker recorded, or None when the form itself is not valid."""
    if not form.validate_on_submit():
        return None
    planned, instead, decisions = read_record(form, items, swaps)
    if form.errors:
        return None
    return VisitRecord(
        tuple(planned),
        tuple(instead),
        decisions,
        acknowledged_now=bool(form.acknowledged.data),
        note=form.note.data or "",
    )


def _problems_onto(form, check, items, services) -> None:
    """Each problem the check found, on the field it is about, in the worker's words."""
    names = {s.code: service_name(s) for s in services}
    names.update({i.service.code: service_name(i.service) for i in items if i.service})
    for problem in check.problems:
        field = form[problem.field] if problem.field in form else form[f"outcome_{items[0].id}"]
        message = explain(problem, names)
        if message not in field.errors:
            field.errors.append(message)


@blueprint.route("/besoeg/<int:visit_id>", methods=["POST"])
@allow(*TEAM)
def save_visit(visit_id: int):
    # The write lock first, then every read the check depends on (security.locking).
    lock_for_write(db.session())
    visit = team_visit_or_404(visit_id, locked=True)
    if visit.is_recorded or visit.cancelled or visit.day > local_today():
        return _not_recordable(visit)
    wishes = wishes_for(db.session(), [visit])[visit.id]
    if is_ael_visit(visit):
        return record_ael.save(visit, wishes)
    swaps, items, services = (
        swaps_to_confirm(visit, wishes),
        planned_items(visit),
        services_to_choose(visit),
    )
    form = record_form_class(items, swaps, services)()
    record = _record_from(form, items, swaps)
    if record is None:
        return _render(visit, wishes, form, services, 400)
    check = save_checked_record(db.session(), visit, record, swaps, current_actor().staff)
    if not check.ok:
        _problems_onto(form, check, items, services)
        return _render(visit, wishes, form, services, 400)
    flash(_("The visit is recorded."))
    return redirect(url_for("staff.record_visit", visit_id=visit_id))
