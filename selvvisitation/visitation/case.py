"""The case page: everything a visitator needs to decide, read under audit."""

from __future__ import annotations

from flask import render_template

from selvvisitation.citizen.texts import Texts
from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import StaffRole
from selvvisitation.domain.workdays import working_days_between
from selvvisitation.extensions import db
from selvvisitation.formatters import service_name
from selvvisitation.models import Flag
from selvvisitation.security import audit
from selvvisitation.security.access import allow
from selvvisitation.services import case_reads
from selvvisitation.services.adapters import policy_for
from selvvisitation.visitation.access import case_or_404
from selvvisitation.visitation.evidence import explain
from selvvisitation.visitation.views import blueprint


@blueprint.route("/sager/<int:case_id>")
@allow(StaffRole.VISITATOR)
def case_page(case_id: int) -> str:
    case = case_or_404(case_id)
    citizen = case.citizen
    today = local_today()
    services = case_reads.catalogue(db.session, citizen.municipality_id)  # first: see case_reads
    flags = case_reads.case_flags(db.session, case)
    elements = case_reads.flag_elements(db.session, flags)
    series = case_reads.weekly_minutes(db.session, citizen, today=today)
    requests, reports = case_reads.case_sources(db.session, case)
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
    # Render before committing the audited read: a commit expires every loaded row, and
    # the template would load them all again one by one.
    page = render_template(
        "visitation/case.html",
        case=case,
        citizen=citizen,
        is_open=case_reads.is_open(case),
        days_left=days_left,
        decisions=case_reads.decision_history(db.session, citizen),
        timeline=case_reads.swap_timeline(db.session, citizen),
        series=series,
        services=services,
        flags=[
            (flag, explain(flag, _subject(flag, services, elements), policy.legal_references))
            for flag in flags
        ],
        flag_visits=case_reads.visits_by_ref(db.session, citizen, flags),
        wishes=case_reads.active_wishes(db.session, citizen),
        requests=requests,
        reports=reports,
        call_backs=case_reads.call_backs(db.session, case),
        assessment_visits=case_reads.assessment_visits(db.session, case),
        consents=[c for c in citizen.consents if c.is_active()],
        transcript=case_reads.shared_conversation(db.session, case, requests),
        t=Texts({s.code: s for s in services.values()}),
    )
    db.session.commit()
    return page


def _subject(flag: Flag, services: dict, elements: dict) -> str:
    """What the flag is about: the service (SEL), or the forløb's element (AEL)."""
    if flag.service_id is not None:
        return service_name(services.get(flag.service_id))
    element_id = flag.key.split(":", 1)[-1]
    return service_name(elements.get(int(element_id))) if element_id.isdigit() else ""
