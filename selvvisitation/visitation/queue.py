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


@blueprint.route("/")
@allow(StaffRole.VISITATOR)
def queue() -> str:
    staff = current_actor().staff
    teams, providers = teams_and_providers(db.session, staff.municipality_id)
    form = QueueFilterForm(
        formdata=request.args,
        teams=teams,
        providers=providers,
        kinds=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
    )
    filters = QueueFilters()
    if form.validate():
        filters = QueueFilters(
            team_id=form.as_int(form.team.data),
            provider_id=form.as_int(form.provider.data),
            kind=CaseKind(form.kind.data) if form.kind.data else None,
        )
    after = QueueCursor.decode(request.args.get("efter"))
    page = queue_page(db.session, staff.municipality_id, filters, after=after)
    policy = policy_for(staff.municipality)
    today = local_today()
    days_left = {
        case.id: working_days_between(
            today,
            case.deadline,
            optional_holidays_are_working_days=policy.optional_holidays_are_working_days,
        )
        for case in page.cases
        if case.deadline is not None
    }
    # Names, masked CPR numbers and reasons are shown: one read entry per citizen on the
    # page, so it shows under "Hvem har kigget på mine oplysninger" (issue 15, Medium 8).
    for citizen in {case.citizen.id: case.citizen for case in page.cases}.values():
        audit.record(
            "read", citizen=citizen, object_type="visitation_queue", purpose="visitation_queue"
        )
    filter_args = (
        {k: v for k, v in request.args.items() if k != "efter" and v} if not form.errors else {}
    )
    return render_template(
        "visitation/queue.html",
        form=form,
        page=page,
        days_left=days_left,
        filter_args=filter_args,
        first_page=after is None,
    )
