"""New flags written and routed to a visitator through a case, one case per citizen (a
citizen's open case takes her new flags); a case whose flags have all closed gets a note,
and a human closes it. The system never decides."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from selvvisitation.domain.types import ActorKind, CaseKind, CaseStatus, FlagRule, FlagStatus
from selvvisitation.models import Case, CaseEvent, Citizen, Flag, Service
from selvvisitation.services.cases import open_case
from selvvisitation.services.flags.found import Found
from selvvisitation.services.flags.report import EvaluationReport
from selvvisitation.services.flags.wording import CASE_TITLE, flag_title


def open_new_flags(
    session: Session, new: list[Found], as_of: date, report: EvaluationReport
) -> list[Flag]:
    """Create the new flags and route them to a visitator: one case per citizen."""
    if not new:
        return []
    by_citizen: dict[int, list[Found]] = defaultdict(list)
    for item in new:
        by_citizen[item.citizen_id].append(item)
    citizens = {
        citizen.id: citizen
        for citizen in session.scalars(select(Citizen).where(Citizen.id.in_(list(by_citizen))))
    }
    # A citizen's case that is still open takes the new flags: the visitator sees one case.
    open_cases: dict[int, Case] = {}
    for still_open in session.scalars(
        select(Case)
        .where(
            Case.kind == CaseKind.FLAG,
            Case.status != CaseStatus.CLOSED,
            Case.citizen_id.in_(list(by_citizen)),
        )
        .order_by(Case.opened_at, Case.id)
    ):
        open_cases[still_open.citizen_id] = still_open
    service_names = dict(
        session.execute(
            select(Service.id, Service.name_da).where(
                Service.id.in_({i.service_id for i in new if i.service_id is not None})
            )
        ).all()
    )
    created: list[Flag] = []
    new_cases: list[Case] = []
    for citizen_id in sorted(by_citizen):
        items = sorted(by_citizen[citizen_id], key=lambda i: i.finding.key)
        what = ", ".join(flag_title(i, service_names) for i in items)
        data = {"flags": [i.finding.key for i in items], "as_of": as_of.isoformat()}
        case = open_cases.get(citizen_id)
        if case is None:
            case = open_case(
                session,
                citizen=citizens[citizen_id],
                kind=CaseKind.FLAG,
                title=(CASE_TITLE % {"what": what})[:200],
                actor_kind=ActorKind.SYSTEM,
                text="Systemet har fundet grund til at se på afgørelsen igen: " + what + ".",
                data=data,
                priority=_priority(items),
                opened_on=as_of,
            )
            new_cases.append(case)
        else:
            case.priority = min(case.priority, _priority(items))
            case.events.append(
                CaseEvent(
                    actor_kind=ActorKind.SYSTEM,
                    kind="flag_raised",
                    text="Nyt flag: " + what + ".",
                    data=data,
                )
            )
        for item in items:
            flag = Flag(
                citizen_id=citizen_id,
                rule=item.finding.rule,
                key=item.finding.key,
                service_id=item.service_id,
                status=FlagStatus.OPEN,
                period_start=item.finding.period_start,
                period_end=item.finding.period_end,
                evidence=json_ready(item.finding.evidence),
                case=case,
            )
            session.add(flag)
            created.append(flag)
    session.flush()  # one flush for every new case and flag, not one per citizen
    report.cases_opened.extend(case.id for case in new_cases)
    return created


def _priority(items: list[Found]) -> int:
    """High when more time is delivered than granted: the need may have grown (003)."""
    for item in items:
        evidence = item.finding.evidence
        if item.finding.rule is FlagRule.TIME_DEVIATION and evidence.get("direction") == "more":
            return 1
    return 2


def note_cases_without_open_flags(session: Session, case_ids: set[int]) -> None:
    """Tell the visitator when every flag of a case has closed; a human closes the case."""
    if not case_ids:
        return
    still_open = set(
        session.scalars(
            select(Flag.case_id).where(Flag.case_id.in_(case_ids), Flag.status == FlagStatus.OPEN)
        )
    )
    for case in session.scalars(select(Case).where(Case.id.in_(case_ids - still_open))):
        if case.status == CaseStatus.CLOSED:
            continue
        case.events.append(
            CaseEvent(
                actor_kind=ActorKind.SYSTEM,
                kind="flags_closed",
                text=(
                    "Alle flag i sagen gælder ikke længere. Sagen er ikke lukket: "
                    "en visitator vurderer, om den kan lukkes."
                ),
                data={},
            )
        )


def json_ready(evidence: dict[str, object]) -> dict[str, Any]:
    """Evidence as the JSON column gives it back, so comparisons see real changes only."""
    ready: dict[str, Any] = json.loads(json.dumps(evidence))
    return ready
