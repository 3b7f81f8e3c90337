"""The case page's file (Notify's app/models): everything a visitator reads to decide a case.

``CaseFile`` is made from the case and today's date. Each part of the page is a cached
property read once, when the page asks for it; the view builds the file, records the read
and renders. The catalogue is read first: the other parts find their services in the
session's identity map instead of loading them one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from selvvisitation.citizen.texts import Texts
from selvvisitation.domain.workdays import working_days_between
from selvvisitation.formatters import service_name
from selvvisitation.models import Case, Citizen, Flag
from selvvisitation.services import case_reads
from selvvisitation.services.adapters import policy_for
from selvvisitation.visitation.evidence import explain


@dataclass
class CaseFile:
    session: Session
    case: Case
    today: date
    # How many of the shared conversation's latest messages to show (?samtale=, clamped).
    transcript_shown: int = case_reads.TRANSCRIPT_SHOWN

    def __post_init__(self) -> None:
        _ = self.services  # first: see the module's docstring

    @cached_property
    def citizen(self) -> Citizen:
        return self.case.citizen

    @cached_property
    def services(self) -> dict[int, Any]:
        return case_reads.catalogue(self.session, self.citizen.municipality_id)

    @cached_property
    def policy(self) -> Any:
        return policy_for(self.citizen.municipality)

    @cached_property
    def days_left(self) -> int | None:
        """Working days to the deadline, by the municipality's holiday rule (002)."""
        if not self.case.deadline:
            return None
        return working_days_between(
            self.today,
            self.case.deadline,
            optional_holidays_are_working_days=self.policy.optional_holidays_are_working_days,
        )

    @cached_property
    def raw_flags(self) -> list[Flag]:
        return case_reads.case_flags(self.session, self.case)

    @cached_property
    def flags(self) -> list[tuple[Flag, Any]]:
        """Each flag with the words that explain it, citing the municipality's rules."""
        elements = case_reads.flag_elements(self.session, self.raw_flags)
        references = self.policy.legal_references
        return [
            (flag, explain(flag, _subject(flag, self.services, elements), references))
            for flag in self.raw_flags
        ]

    @cached_property
    def sources(self) -> tuple[list[Any], list[Any]]:
        """The citizen's requests and the staff reports that opened or fed the case."""
        return case_reads.case_sources(self.session, self.case)

    def template_context(self) -> dict[str, Any]:
        requests, reports = self.sources
        transcript, older = case_reads.shared_conversation(
            self.session, self.case, requests, self.transcript_shown
        )
        return {
            "case": self.case,
            "citizen": self.citizen,
            "is_open": case_reads.is_open(self.case),
            "days_left": self.days_left,
            "decisions": case_reads.decision_history(self.session, self.citizen),
            "timeline": case_reads.swap_timeline(self.session, self.citizen),
            "series": case_reads.weekly_minutes(self.session, self.citizen, today=self.today),
            "services": self.services,
            "flags": self.flags,
            "flag_visits": case_reads.visits_by_ref(self.session, self.citizen, self.raw_flags),
            "wishes": case_reads.active_wishes(self.session, self.citizen),
            "requests": requests,
            "reports": reports,
            "call_backs": case_reads.call_backs(self.session, self.case),
            "assessment_visits": case_reads.assessment_visits(self.session, self.case),
            "consents": [c for c in self.citizen.consents if c.is_active()],
            "transcript": transcript,
            "transcript_earlier": transcript[0].id
            if older and self.transcript_shown < case_reads.TRANSCRIPT_MOST
            else None,
            "transcript_more": self.transcript_shown + case_reads.TRANSCRIPT_SHOWN,
            "transcript_cut": older and self.transcript_shown >= case_reads.TRANSCRIPT_MOST,
            "t": Texts({s.code: s for s in self.services.values()}),
        }


def _subject(flag: Flag, services: dict, elements: dict) -> str:
    """What the flag is about: the service (SEL), or the forløb's element (AEL)."""
    if flag.service_id is not None:
        return service_name(services.get(flag.service_id))
    element_id = flag.key.split(":", 1)[-1]
    return service_name(elements.get(int(element_id))) if element_id.isdigit() else ""
