"""Shared set-up for the visitators' pages: a municipality with a visitator and cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ActorKind, CaseKind, FlagRule
from selvvisitation.extensions import db
from selvvisitation.models import Case, Flag
from selvvisitation.services.cases import open_case


@pytest.fixture
def visitator(factories):
    return factories.StaffUser()


@pytest.fixture
def make_case():
    """`make_case(citizen, kind=..., priority=..., deadline=..., flag_service=...)`, committed."""

    def make(
        citizen,
        *,
        kind: CaseKind = CaseKind.FLAG,
        priority: int = 2,
        deadline: date | None = None,
        title: str = "Sag",
        flag_service=None,
        evidence: dict | None = None,
    ) -> Case:
        case = open_case(
            db.session,
            citizen=citizen,
            kind=kind,
            title=title,
            actor_kind=ActorKind.SYSTEM,
            priority=priority,
        )
        if deadline is not None:
            case.deadline = deadline
        if flag_service is not None:
            db.session.add(
                Flag(
                    citizen=citizen,
                    case=case,
                    rule=FlagRule.REPEATED_DESELECTION,
                    key=f"repeated_deselection:{flag_service.code}",
                    service=flag_service,
                    period_start=local_today() - timedelta(days=30),
                    period_end=local_today(),
                    evidence=evidence
                    or {
                        "count": 3,
                        "visit_refs": [],
                        "days": [],
                        "window_start": (local_today() - timedelta(days=89)).isoformat(),
                        "window_end": local_today().isoformat(),
                        "threshold_count": 3,
                        "threshold_days": 90,
                        "counted_after": None,
                    },
                )
            )
        db.session.commit()
        return case

    return make
