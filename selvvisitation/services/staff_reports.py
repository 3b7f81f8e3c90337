"""A home-care worker's report of a change in the citizen's need (000, 002, 003).

The provider must tell the visitation about significant changes, for worse and
for better; serious failure or abuse, hospital admission and every accident are
phoned in at once (000). The report opens a case for the visitators either way.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from selvvisitation.domain.types import ActorKind, CaseKind
from selvvisitation.models import Citizen, StaffReport, StaffUser
from selvvisitation.security import audit
from selvvisitation.services.cases import open_case
from selvvisitation.services.transaction import one_transaction

# 000: "straks telefonisk" – to be phoned in at once, and recorded.
URGENT_EVENTS: tuple[str, ...] = ("serious_failure", "abuse", "hospital", "accident")
DIRECTIONS: tuple[str, ...] = ("worse", "better")
# KL's Fælles Sprog III: a request for reassessment from home care.
FSIII_FROM_HOME_CARE = "A4"
HIGH, NORMAL = 1, 2


def report_change(
    session: Session,
    *,
    citizen: Citizen,
    staff: StaffUser,
    direction: str,
    text: str,
    urgent_event: str | None,
) -> StaffReport:
    """Record the report and open its case; urgent events get high priority."""
    if direction not in DIRECTIONS or (urgent_event and urgent_event not in URGENT_EVENTS):
        raise ValueError("unknown direction or event")
    title = {
        "worse": "Hjemmeplejen melder: borgerens behov er øget",
        "better": "Hjemmeplejen melder: borgerens behov er mindsket",
    }[direction]
    case = open_case(
        session,
        citizen=citizen,
        kind=CaseKind.STAFF_REPORT,
        title=title,
        actor_kind=ActorKind.STAFF,
        actor_staff_id=staff.id,
        text=text,
        data={
            "fsiii_code": FSIII_FROM_HOME_CARE,
            "direction": direction,
            "urgent_event": urgent_event,
        },
        priority=HIGH if urgent_event else NORMAL,
    )
    report = StaffReport(
        citizen=citizen,
        case=case,
        staff_id=staff.id,
        direction=direction,
        urgent_event=urgent_event or None,
        text=text,
    )
    session.add(report)
    return report


def send_change_report(
    session: Session,
    *,
    citizen: Citizen,
    staff: StaffUser,
    direction: str,
    text: str,
    urgent_event: str | None,
) -> StaffReport:
    """The worker's report, its case and its audit entry, in one transaction."""
    with one_transaction(session):
        report = report_change(
            session,
            citizen=citizen,
            staff=staff,
            direction=direction,
            text=text,
            urgent_event=urgent_event,
        )
        session.flush()  # the report's id, for the audit entry
        audit.record(
            "create",
            citizen=citizen,
            object_type="staff_report",
            object_id=report.id,
            purpose="report_change",
        )
    return report
