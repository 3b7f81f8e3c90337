"""The case page: everything a visitator needs to decide, read under audit."""

from __future__ import annotations

from datetime import date

from flask import render_template

from selvvisitation.domain.types import StaffRole
from selvvisitation.domain.workdays import working_days_between
from selvvisitation.extensions import db
from selvvisitation.formatters import service_name
from selvvisitation.models import Service
from selvvisitation.security import audit
from selvvisitation.security.access import allow
from selvvisitation.services import visitation as reads
from selvvisitation.services.adapters import policy_for
from selvvisitation.visitation.access import case_or_404
from selvvisitation.visitation.evidence import explain
from selvvisitation.visitation.views import blueprint


@blueprint.route("/sager/<int:case_id>")
@allow(StaffRole.VISITATOR)
def case_page(case_id: int) -> str:
    case = case_or_404(case_id)
    citizen = case.citizen
    today = date.today()
    flags = reads.case_flags(db.session, case)
    series = reads.weekly_minutes(db.session, citizen, today=today)
    services = {
        s.id: s
        for s in db.session.query(Service).filter(
            Service.id.in_({item.service_id for item in series} | {f.service_id for f in flags})
        )
    }
    requests, reports = reads.case_sources(db.session, case)
    policy = policy_for(citizen.municipality)
    days_left = (
        working_days_between(
            today,
            case.deadline,
            optional_holidays_are_working_days=policy.optional_holidays_are_working_days,
        )
        if case.deadline
        else None
    )
    audit.record(
        "read", citizen=citizen, object_type="case", object_id=case.id, purpose="case_handling"
    )
    db.session.commit()
    return render_template(
        "visitation/case.html",
        case=case,
        citizen=citizen,
        is_open=reads.is_open(case),
        days_left=days_left,
        decisions=reads.decision_history(db.session, citizen),
        timeline=reads.swap_timeline(db.session, citizen),
        series=series,
        services=services,
        flags=[
            (flag, explain(flag, service_name(services.get(flag.service_id)))) for flag in flags
        ],
        flag_visits=reads.visits_by_ref(db.session, citizen, flags),
        wishes=reads.active_wishes(db.session, citizen),
        requests=requests,
        reports=reports,
        assessment_visits=reads.assessment_visits(db.session, case),
        consents=[c for c in citizen.consents if c.is_active()],
    )
