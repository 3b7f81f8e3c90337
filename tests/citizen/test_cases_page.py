"""The citizen's "Dine sager" page object (citizen/cases_page.py; issue 16, Notify's
app/models), built from what the service read, without the database or a page request.
Issue 5: the citizen, or a relative with her consent, sees where each case stands and
reads every decision letter; issue 13: "Ring mig op"; DOMAIN.md "Decisions, deadlines,
complaints": the case deadline is what she is promised."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from selvvisitation.citizen.cases_page import CasesPage
from selvvisitation.domain.assessment import AssessmentStatus
from selvvisitation.domain.types import CaseKind, CaseStatus, LapseReason, SwapStatus
from selvvisitation.models import (
    AssessmentVisit,
    Case,
    CaseEvent,
    Citizen,
    Decision,
    Service,
    SwapLine,
    SwapRequest,
)
from selvvisitation.services.citizen_cases import CitizenCases

OPENED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # Monday 2 March 2026, 9:00 in Denmark
DEADLINE = date(2026, 3, 16)
VISIT_AT = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # Tuesday 10 March, 10:00 in Denmark


def case(kind=CaseKind.FLAG, status=CaseStatus.OPEN, events=(), outcome="", case_id=1) -> Case:
    return Case(
        id=case_id,
        kind=kind,
        status=status,
        opened_at=OPENED,
        deadline=DEADLINE,
        outcome_for_citizen=outcome,
        events=[CaseEvent(kind=kind, at=at) for kind, at in events],
    )


def page_of(
    cases=(), visits=None, decisions=(), lapsed=(), as_relative=False, name="Inger Jensen"
) -> CasesPage:
    data = CitizenCases(list(cases), visits or {}, list(decisions), list(lapsed))
    return CasesPage(Citizen(name=name), data, as_relative=as_relative)


@pytest.mark.parametrize(
    ("kind", "heading"),
    [
        (CaseKind.FLAG, "Vi ser på, om din hjælp stadig passer"),
        (CaseKind.REASSESSMENT_REQUEST, "Du har bedt os se på din hjælp igen"),
        (CaseKind.CALL_BACK, "Du bad os ringe til dig"),
        (CaseKind.STAFF_REPORT, "Hjemmeplejen har fortalt os, at dit behov måske har ændret sig"),
    ],
)
def test_each_case_says_what_it_is_about_in_the_citizens_words(kind, heading):
    [card] = page_of([case(kind)]).cards
    assert (card.heading, card.started) == (heading, "Startet mandag 2. marts 2026.")


def visit(status: AssessmentStatus) -> AssessmentVisit:
    return AssessmentVisit(case_id=1, starts_at=VISIT_AT, status=status)


@pytest.mark.parametrize(
    ("the_case", "the_visit", "expected"),
    [
        (
            case(CaseKind.CALL_BACK),
            None,
            (
                "Status",
                "En medarbejder fra visitationen ringer til dig senest mandag 16. marts 2026.",
            ),
        ),
        (case(CaseKind.CALL_BACK, CaseStatus.CLOSED), None, ("Resultat", "Vi har ringet til dig.")),
        (
            case(status=CaseStatus.CLOSED, events=[("decision_changed", OPENED)]),
            None,
            ("Resultat", "Vi har truffet en ny afgørelse om din hjælp."),
        ),
        (
            case(status=CaseStatus.CLOSED, outcome="Hjælpen passer."),
            visit(AssessmentStatus.HELD),
            ("Resultat", "Din hjælp forbliver, som den er. Hjælpen passer."),
        ),
        (
            case(),
            visit(AssessmentStatus.BOOKED),
            ("Status", "En visitator besøger dig tirsdag 10. marts 2026 kl. 10:00."),
        ),
        (
            case(),
            None,
            (
                "Status",
                "Visitationen ser på din sag. Du hører fra os senest mandag 16. marts 2026.",
            ),
        ),
    ],
)
def test_each_case_says_where_it_stands(the_case, the_visit, expected):
    visits = {1: the_visit} if the_visit else {}
    [card] = page_of([the_case], visits).cards
    assert (card.label, card.text) == expected


def test_a_cancelled_visit_is_told_and_the_case_goes_on():
    [card] = page_of([case()], {1: visit(AssessmentStatus.CANCELLED)}).cards
    assert card.text.startswith("Besøget tirsdag 10. marts 2026 kl. 10:00 er aflyst.")


def test_a_moved_visit_is_told_with_the_last_move_while_it_is_booked():
    moves = [("visit_moved", datetime(2026, 3, 3, 10, tzinfo=UTC))]
    moves.append(("visit_moved", datetime(2026, 3, 4, 10, tzinfo=UTC)))
    [booked] = page_of([case(events=moves)], {1: visit(AssessmentStatus.BOOKED)}).cards
    assert booked.moved == "Tidspunktet for besøget blev ændret onsdag 4. marts 2026."
    [held] = page_of([case(events=moves)], {1: visit(AssessmentStatus.HELD)}).cards
    assert held.moved == ""


def test_a_relative_reads_the_headings_with_the_citizens_name_and_the_citizen_her_own():
    own = page_of()
    relative = page_of(as_relative=True)
    assert (own.title, own.letters_heading, own.no_cases) == (
        "Dine sager",
        "Dine afgørelsesbreve",
        "Du har ingen sager.",
    )
    assert (relative.title, relative.letters_heading) == (
        "Inger Jensens sager",
        "Inger Jensens afgørelsesbreve",
    )
    assert relative.no_cases == "Inger Jensen har ingen sager."
    assert "Inger Jensens hjælp" in relative.intro and "din hjælp" in own.intro


def test_every_decision_with_a_letter_is_listed_and_the_one_that_applies_is_said():
    decisions = [
        Decision(id=2, decided_at=datetime(2026, 3, 5, 9, tzinfo=UTC), letter_text="Brev 2"),
        Decision(id=9, decided_at=datetime(2026, 3, 4, 9, tzinfo=UTC), letter_text=""),
        Decision(
            id=1,
            decided_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
            letter_text="Brev 1",
            superseded_at=datetime(2026, 3, 5, 9, tzinfo=UTC),
        ),
    ]
    letters = page_of(decisions=decisions).letters
    assert [(x.decision_id, x.text, x.state) for x in letters] == [
        (2, "Afgørelse af torsdag 5. marts 2026", "gælder nu"),
        (1, "Afgørelse af mandag 5. januar 2026", "afløst af en nyere afgørelse"),
    ]


def test_a_lapsed_swap_says_what_it_would_have_changed_and_why():
    cleaning = Service(name_da="Rengøring", name_en="Cleaning")
    standing = SwapRequest(
        status=SwapStatus.LAPSED,
        period_start=date(2026, 3, 9),
        period_end=date(2026, 3, 22),
        lapsed_reason=LapseReason.SERVICE_NOT_GRANTED,
        lines=[
            SwapLine(kind="drop", service=cleaning, minutes=30),
            SwapLine(kind="add", free_text="En gåtur", minutes=30),
        ],
    )
    [lapsed] = page_of(lapsed=[standing]).lapsed
    assert (lapsed.when, lapsed.instead, lapsed.added) == (
        "Fra 9. mar. 2026 til 22. mar. 2026",
        "i stedet for Rengøring",
        "En gåtur",
    )
    assert lapsed.why  # the reason in words (formatters.LAPSE_REASONS)
