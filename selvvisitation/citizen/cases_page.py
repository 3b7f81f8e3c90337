"""The citizen's "Dine sager" as its page shows it (issue 16; Notify's app/models).

``CasesPage`` is built once from what the service read (services.citizen_cases) and holds
the page's words: a card per case with what it is about and where it stands, the decision
letters, and the headings in the citizen's own words or, for a relative, with the
citizen's name. The view builds it and renders; the template lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from flask_babel import gettext as _

from selvvisitation.citizen.texts import genitive
from selvvisitation.domain.assessment import AssessmentStatus
from selvvisitation.domain.types import CaseKind, CaseStatus
from selvvisitation.formatters import clock, lapse_reason, long_date, service_name, short_date
from selvvisitation.models import AssessmentVisit, Case, Citizen, SwapLine, SwapRequest
from selvvisitation.services.citizen_cases import CitizenCases


@dataclass(frozen=True)
class CaseCard:
    """One case in the citizen's words: what it is about, when it started, where it stands
    (``label`` "Status" or "Outcome"), and when a booked visit was moved."""

    heading: str
    started: str
    label: str
    text: str
    moved: str = ""


@dataclass(frozen=True)
class LapsedSwap:
    """A swap that no longer applies after a decision changed: for which visit or days,
    what it would have changed, and why it lapsed."""

    when: str
    instead: str  # "instead of cleaning, instead of shopping"
    added: str  # "a walk"; empty when nothing was to be done instead
    why: str


@dataclass(frozen=True)
class Letter:
    decision_id: int
    text: str
    state: str  # applies now, or replaced by a newer decision


def _heading(case: Case) -> str:
    if case.kind == CaseKind.FLAG:
        return _("We are looking at whether your help still fits")
    if case.kind == CaseKind.REASSESSMENT_REQUEST:
        return _("You asked us to look at your help again")
    if case.kind == CaseKind.CALL_BACK:
        return _("You asked us to call you")
    return _("Home care told us your needs may have changed")


def _has_event(case: Case, kind: str) -> bool:
    return any(event.kind == kind for event in case.events)


def _standing(case: Case, visit: AssessmentVisit | None) -> tuple[str, str, str]:
    """Where the case stands, for the citizen: "Outcome" or "Status", the words, and when
    the booked visit was last moved (shown only while it is booked)."""
    closed = case.status == CaseStatus.CLOSED
    if case.kind == CaseKind.CALL_BACK:
        if closed:
            return _("Outcome"), _("We have called you."), ""
        return (
            _("Status"),
            _(
                "A person from the visitation calls you by %(date)s at the latest.",
                date=long_date(case.deadline),
            ),
            "",
        )
    if closed:
        if any(event.kind == "decision_changed" for event in case.events):
            return _("Outcome"), _("We have made a new decision about your help."), ""
        stays = _("Your help stays as it is.")
        return _("Outcome"), f"{stays} {case.outcome_for_citizen}", ""
    if visit is not None and visit.status == AssessmentStatus.BOOKED:
        moved = [event.at for event in case.events if event.kind == "visit_moved"]
        return (
            _("Status"),
            _(
                "A visitator will visit you on %(date)s at %(time)s.",
                date=long_date(visit.starts_at),
                time=clock(visit.starts_at),
            ),
            _("The time of the visit was changed on %(date)s.", date=long_date(moved[-1]))
            if moved
            else "",
        )
    if visit is not None and visit.status == AssessmentStatus.CANCELLED:
        return (
            _("Status"),
            _(
                "The visit on %(date)s at %(time)s is cancelled. The visitation is still "
                "looking at your case and will contact you if a new visit is needed.",
                date=long_date(visit.starts_at),
                time=clock(visit.starts_at),
            ),
            "",
        )
    text = _("The visitation is looking at your case.")
    if case.deadline:
        deadline = _(
            "You will hear from us by %(date)s at the latest.", date=long_date(case.deadline)
        )
        text = f"{text} {deadline}"
    return _("Status"), text, ""


def _line(line: SwapLine) -> str:
    return service_name(line.service) if line.service else line.free_text or ""


def _lapsed(swap: SwapRequest) -> LapsedSwap:
    if swap.visit:
        when = _(
            "The visit on %(date)s at %(time)s",
            date=long_date(swap.visit.starts_at),
            time=clock(swap.visit.starts_at),
        )
    else:
        when = _(
            "From %(start)s to %(end)s",
            start=short_date(swap.period_start),
            end=short_date(swap.period_end),
        )
    return LapsedSwap(
        when=when,
        instead=", ".join(_("instead of %(service)s", service=_line(x)) for x in swap.dropped),
        added=", ".join(_line(line) for line in swap.added),
        why=lapse_reason(swap.lapsed_reason),
    )


class CasesPage:
    """ "Dine sager" for one citizen, read by herself or by a relative with her consent."""

    def __init__(self, citizen: Citizen, data: CitizenCases, *, as_relative: bool) -> None:
        self.citizen = citizen
        self.data = data
        self.as_relative = as_relative
        # A relative reads "Inger Jensens sager"; the citizen herself "Dine sager".
        self.owner = genitive(citizen.name) if as_relative else None

    @property
    def title(self) -> str:
        return _("%(owner)s cases", owner=self.owner) if self.owner else _("Your cases")

    @property
    def intro(self) -> str:
        if self.owner:
            return _(
                "Here you see when the visitation looks at %(owner)s help again, and what "
                "they decided.",
                owner=self.owner,
            )
        return _(
            "Here you see when the visitation looks at your help again, and what they decided."
        )

    @property
    def no_cases(self) -> str:
        if self.owner:
            return _("%(name)s has no cases.", name=self.citizen.name)
        return _("You have no cases.")

    @property
    def letters_heading(self) -> str:
        if self.owner:
            return _("%(owner)s decision letters", owner=self.owner)
        return _("Your decision letters")

    @cached_property
    def cards(self) -> list[CaseCard]:
        cards = []
        for case in self.data.cases:
            visit = self.data.visits_by_case.get(case.id)
            label, text, moved = _standing(case, visit)
            started = _("Started %(date)s.", date=long_date(case.opened_at))
            cards.append(CaseCard(_heading(case), started, label, text, moved))
        return cards

    @cached_property
    def letters(self) -> list[Letter]:
        """Every decision with a letter, newest first."""
        return [
            Letter(
                decision.id,
                _("Decision of %(date)s", date=long_date(decision.decided_at)),
                _("replaced by a newer decision") if decision.superseded_at else _("applies now"),
            )
            for decision in self.data.decisions
            if decision.letter_text
        ]

    @cached_property
    def lapsed(self) -> list[LapsedSwap]:
        return [_lapsed(swap) for swap in self.data.lapsed]
