"""The visitators' work queue: open cases, most urgent first, filtered and paged."""

from __future__ import annotations

from flask import render_template, request
from wtforms import SelectChoice

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import CaseKind, StaffRole
from selvvisitation.domain.workdays import working_days_between
from selvvisitation.extensions import db
from selvvisitation.security import audit
from selvvisitation.security.access import allow, current_actor
from selvvisitation.services.adapters import policy_for
from selvvisitation.services.case_reads import (
    QueueCursor,
    QueueFilters,
    queue_page,
    teams_and_providers,
)
from selvvisitation.visitation.forms import QueueFilterForm
from selvvisitation.visitation.labels import KIND_LABELS
from selvvisitation.visitation.views import blueprint


def _filters_from(form: QueueFilterForm) -> QueueFilters:
    if not form.validate():
        return QueueFilters()
    return QueueFilters(
        team_id=form.as_int(form.team.data),
        provider_id=form.as_int(form.provider.data),
        kind=CaseKind(form.kind.data) if form.kind.data else None,
    )


def _days_left(cases, policy, today) -> dict[int, int]:
    """Working days to each case's deadline, by the municipality's holiday rule (002)."""
    return {
        case.id: working_days_between(
            today,
            case.deadline,
            optional_holidays_are_working_days=policy.optional_holidays_are_working_days,
        )
        for case in cases
        if case.deadline is not None
    }


def _audit_shown(cases) -> None:
    # Names, masked CPR numbers and reasons are shown: one read entry per citizen on the
    # page, so it shows under "Hvem har kigget på mine oplysninger" (issue 15, Medium 8).
    for citizen in {case.citizen.id: case.citizen for case in cases}.values():
        audit.record(
            "read", citizen=citizen, object_type="visitation_queue", purpose="visitation_queue"
        )


@blueprint.route("/")
@allow(StaffRole.VISITATOR)
def queue() -> str:
    staff = current_actor().staff
    teams, providers = teams_and_providers(db.session(), staff.municipality_id)
    kinds = [SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()]
    form = QueueFilterForm(formdata=request.args, teams=teams, providers=providers, kinds=kinds)
    filters = _filters_from(form)
    after = QueueCursor.decode(request.args.get("efter"))
    page = queue_page(db.session(), staff.municipality_id, filters, after=after)
    _audit_shown(page.cases)
    filter_args = (
        {k: v for k, v in request.args.items() if k != "efter" and v} if not form.errors else {}
    )
    return render_template(
        "visitation/queue.html",
        form=form,
        page=page,
        days_left=_days_left(page.cases, policy_for(staff.municipality), local_today()),
        filter_args=filter_args,
        first_page=after is None,
    )
