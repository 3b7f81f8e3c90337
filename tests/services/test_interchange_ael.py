"""Format version 2: Ældreloven in the import and export (issue 11; docs/import-format.md,
section "Version 2: Ældreloven"; services/interchange/ael.py).

DOMAIN.md "Ældreloven": (law) help at home is granted as a forløb (ÆL § 10) whose elements
carry FSIII Ældrelovsindsats codes; help under ÆL excludes help under Serviceloven § 83
(SEL § 2 stk. 5); (reading) the citizen sets priorities instead of swapping, and minutes
are not recorded. The format carries both laws side by side; a version-1 file means SEL.
These run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from sqlalchemy import select

from selvvisitation.domain import fsiii_elderly
from selvvisitation.domain.types import (
    ElementOutcome,
    LegalBasis,
    PriorityNotMetReason,
    PriorityStatus,
)
from selvvisitation.extensions import db
from selvvisitation.models import (
    CareProgramme,
    Citizen,
    Decision,
    Municipality,
    SwapRequest,
    Visit,
    VisitPriority,
)
from selvvisitation.services.interchange import (
    dumps,
    export_municipality,
    import_document,
)
from tests.conftest import _clean_tables
from tests.services.test_interchange import DOCS, _set, example, row_counts

KARL = "0202361234"


def example_v2() -> dict[str, Any]:
    """The version-2 example of docs/import-format.md: Karl Hansen under Ældreloven."""
    text = (DOCS / "import-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)\n```", text, re.S)
    document = json.loads(blocks[1])
    assert document["version"] == 2
    return document


def both_bases() -> Municipality:
    """One SEL citizen (the version-1 example, Inger) and one AEL citizen (Karl), together."""
    first = import_document(db.session, example())
    second = import_document(db.session, example_v2())
    assert first.ok and second.ok, [str(p) for p in first.problems + second.problems][:3]
    db.session.commit()
    return db.session.scalars(select(Municipality)).one()


def karl() -> Citizen:
    return db.session.scalars(select(Citizen).where(Citizen.cpr == KARL)).one()


def test_the_version_2_example_imports_what_ael_grants_and_twice_changes_nothing() -> None:
    result = import_document(db.session, example_v2())
    db.session.commit()
    counts = row_counts()
    again = import_document(db.session, example_v2())

    assert result.ok, result.problems[:3]
    assert again.ok and again.created == {} and again.updated == {}
    assert row_counts() == counts
    old, current = sorted(karl().decisions, key=lambda d: d.version)
    assert (old.legal_basis, current.legal_basis) == (LegalBasis.SEL, LegalBasis.AEL)
    assert old.superseded_by_id == current.id
    assert current.care_programme is not None and current.care_programme.code == "PLEJE"
    assert current.granted_services == []
    # ÆL § 10: the granted forløb's elements carry FSIII Ældrelovsindsats codes.
    assert [g.element.fsiii_code for g in current.granted_elements] == [
        fsiii_elderly.PERSONAL_CARE,
        fsiii_elderly.PRACTICAL_HELP,
        fsiii_elderly.PLANNING_DIALOGUE,
    ]
    programme = db.session.scalars(select(CareProgramme)).one()
    assert [e.position for e in programme.elements] == [1, 2, 3]


def test_an_ael_visit_keeps_its_elements_and_its_priorities_without_minutes() -> None:
    """DOMAIN.md "Ældreloven" (reading): elements done or declined, priorities met or not
    met with the worker's reason, no minutes recorded."""
    assert import_document(db.session, example_v2()).ok
    visits = db.session.scalars(
        select(Visit).where(Visit.citizen_id == karl().id).order_by(Visit.day)
    ).all()
    assert [[line.outcome for line in v.elements] for v in visits] == [
        [ElementOutcome.DONE, ElementOutcome.DONE],
        [ElementOutcome.DECLINED],
    ]
    assert all(v.recorded_minutes is None and v.services == [] for v in visits)
    priorities = {p.reference: p for p in db.session.scalars(select(VisitPriority)).all()}
    standing, answer = priorities["PRI-10000001"], priorities["PRI-10000002"]
    assert standing.visit_id is None and standing.period_end is not None
    assert answer.standing_priority_id == standing.id and answer.visit_id == visits[1].id
    assert (answer.status, answer.not_met_reason) == (
        PriorityStatus.NOT_MET,
        PriorityNotMetReason.OTHER,
    )
    assert answer.created_by_relative is not None
    assert answer.created_by_relative.name == "Jens Hansen"
    assert priorities["PRI-10000003"].element is programme_element(2)


def programme_element(number: int) -> Any:
    programme = db.session.scalars(select(CareProgramme)).one()
    return programme.elements[number - 1]


def test_export_import_export_is_identical_with_both_bases_present() -> None:
    """Issue 11: export → import into an empty database → export gives the same file, with a
    SEL citizen (swaps, minutes) and an AEL citizen (forløb, priorities) side by side."""
    first = dumps(export_municipality(db.session, both_bases()))
    _clean_tables()

    result = import_document(db.session, json.loads(first))
    db.session.commit()
    second = dumps(export_municipality(db.session, db.session.scalars(select(Municipality)).one()))

    assert result.ok, result.problems[:3]
    assert second == first
    document = json.loads(first)
    assert document["version"] == 2
    bases = {c["name"]: [d["legal_basis"] for d in c["decisions"]] for c in document["citizens"]}
    assert bases == {"Inger Jensen": ["sel", "sel"], "Karl Hansen": ["sel", "ael"]}
    karl_out = next(c for c in document["citizens"] if c["cpr"] == KARL)
    assert [p["standing_priority"] for p in karl_out["priorities"]] == [
        None,
        "PRI-10000001",
        None,
    ]
    assert {v["recorded_minutes"] for v in karl_out["visits"]} == {None}


def test_a_version_1_file_still_imports_and_means_serviceloven() -> None:
    """Issue 11: version 1 has no legal basis; every decision in it is under SEL."""
    result = import_document(db.session, example())
    assert result.ok, result.problems[:3]
    assert {d.legal_basis for d in db.session.scalars(select(Decision))} == {LegalBasis.SEL}


def test_a_version_1_file_cannot_carry_what_version_2_brought() -> None:
    document = example_v2()
    document["version"] = 1
    before = row_counts()
    result = import_document(db.session, document)
    said = {p.path for p in result.problems if "ny i version 2" in p.message_da}
    assert {
        "$.care_programmes",
        "$.priority_examples",
        "$.policy.default_legal_basis",
        "$.citizens[0].decisions[1].legal_basis",
        "$.citizens[0].decisions[1].granted_elements",
        "$.citizens[0].visits[0].elements",
        "$.citizens[0].priorities",
    } <= said
    assert row_counts() == before


def test_a_version_1_file_cannot_turn_a_stored_ael_decision_into_sel() -> None:
    """A decision version keeps its basis (002 section 17: it is what the citizen was told);
    a version-1 file means SEL, so it cannot carry Karl's ÆL decision."""
    assert import_document(db.session, example_v2()).ok
    db.session.commit()
    before = row_counts()
    document = example()
    karl_v1 = copy.deepcopy(document["citizens"][0])
    karl_v1.update(cpr=KARL, name="Karl Hansen", consents=[], visits=[], swaps=[])
    karl_v1["reassessment_requests"] = []
    karl_v1["decisions"][1]["granted_services"] = karl_v1["decisions"][1]["granted_services"][1:]
    document["citizens"] = [karl_v1]

    result = import_document(db.session, document)

    problems = [p for p in result.problems if p.path == "$.citizens[0].decisions[1].version"]
    assert problems and 'gemt efter "ael"' in problems[0].message_da
    assert "version 1 betyder serviceloven" in problems[0].message_da
    assert row_counts() == before
    assert karl().current_decision.legal_basis == LegalBasis.AEL


K0 = ("citizens", 0)
DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "reported_at", "says"),
    [
        (
            (*K0, "decisions", 1, "care_programme"),
            "NOPE",
            "$.citizens[0].decisions[1].care_programme",
            'Ukendt forløbskode "NOPE"',
        ),
        (
            (*K0, "decisions", 1, "granted_elements", 0, "element"),
            4,
            "$.citizens[0].decisions[1].granted_elements[0].element",
            'Forløbet "PLEJE" har intet element nummer 4',
        ),
        (
            (*K0, "decisions", 1, "care_programme"),
            DELETE,
            "$.citizens[0].decisions[1].care_programme",
            "angiver sit forløb i care_programme",
        ),
        (  # ÆL § 10: a forløb, not services with minutes (SEL § 2 stk. 5)
            (*K0, "decisions", 1, "granted_services"),
            [
                {
                    "service": "PP-BAD",
                    "minutes_per_delivery": 30,
                    "frequency": "weekly",
                    "start_date": "2026-04-01",
                }
            ],
            "$.citizens[0].decisions[1].granted_services",
            "bevilger et forløb, ikke ydelser med minutter",
        ),
        (
            (*K0, "decisions", 1, "legal_basis"),
            "sel",
            "$.citizens[0].decisions[1].legal_basis",
            "bevilger ydelser, ikke et forløb",
        ),
        (
            (*K0, "decisions", 1, "provider"),
            "Ukendt ApS",
            "$.citizens[0].decisions[1].provider",
            'Ukendt leverandør "Ukendt ApS"',
        ),
        (
            (*K0, "visits", 0, "elements", 0, "programme"),
            "KORT",
            "$.citizens[0].visits[0].elements[0].programme",
            'Ukendt forløbskode "KORT"',
        ),
        (
            ("care_programmes", 0, "elements", 0, "fsiii_code"),
            "H1.1",  # a § 83 code, not one of the nine Ældrelovsindsats codes
            "$.care_programmes[0].elements[0].fsiii_code",
            "Skal være en af",
        ),
        (
            (*K0, "priorities", 2, "element"),
            None,
            "$.citizens[0].priorities[2].element",
            "Angiv både programme og element, eller ingen af dem",
        ),
        (
            (*K0, "priorities", 1, "standing_priority"),
            "PRI-10000003",  # answered at a visit, so not a standing priority
            "$.citizens[0].priorities[1].standing_priority",
            "Ukendt stående prioritet",
        ),
        (
            (*K0, "priorities", 1, "reference"),
            "PRI-10000001",
            "$.citizens[0].priorities[1].reference",
            "Samme prioritets-reference som $.citizens[0].priorities[0]",
        ),
        (
            (*K0, "priorities", 0, "period_end"),
            "2026-05-31",
            "$.citizens[0].priorities[0].period_end",
            "Perioden må ikke slutte, før den begynder",
        ),
        (
            (*K0, "priorities", 1, "visit"),
            "NEXUS-88121",  # Inger's visit, not Karl's
            "$.citizens[0].priorities[1].visit",
            'Ukendt besøgs-id "NEXUS-88121"',
        ),
        (
            ("care_programmes", 0, "indicative_hours_per_week"),
            "syv",
            "$.care_programmes[0].indicative_hours_per_week",
            "Skal være et tal eller null",
        ),
    ],
)
def test_every_ael_problem_is_reported_with_its_json_path_and_nothing_is_written(
    path: tuple[Any, ...], value: Any, reported_at: str, says: str
) -> None:
    document = example_v2()
    if value is DELETE:
        target: Any = document
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]
    else:
        _set(document, path, value)
    before = row_counts()
    result = import_document(db.session, document)
    assert [p for p in result.problems if p.path == reported_at and says in p.message_da], [
        str(p) for p in result.problems
    ]
    assert all(p.message_en and p.message_da for p in result.problems)
    assert row_counts() == before


def test_a_priority_reference_of_another_citizen_is_a_conflict() -> None:
    assert import_document(db.session, example_v2()).ok
    document = example()
    document["version"] = 2
    document["citizens"][0]["priorities"] = [
        {"reference": "PRI-10000003", "visit": "NEXUS-88121", "kind": "own_words"}
    ]
    before = row_counts()
    problems = import_document(db.session, document).problems
    assert [p.path for p in problems] == ["$.citizens[0].priorities[0].reference"]
    assert "bruges allerede til en anden borger" in problems[0].message_da
    assert row_counts() == before


def with_standing_swap() -> dict[str, Any]:
    """The version-1 example as version 2, its swap at the visit answering a standing swap."""
    document = example()
    document["version"] = 2
    inger = document["citizens"][0]
    standing = copy.deepcopy(inger["swaps"][0])
    standing.update(reference="BYT-1000", visit=None, status="requested", decided_at=None)
    standing.update(period_start="2026-06-01", period_end="2026-06-30")
    inger["swaps"] = [standing, {**inger["swaps"][0], "from_standing": "BYT-1000"}]
    return document


def test_a_swap_keeps_the_standing_swap_it_answers_through_the_round_trip() -> None:
    """A standing swap is answered visit by visit, each answer a swap of its own naming the
    standing one (SEL § 94 a; models/swaps.py from_standing_id): version 2 carries the link."""
    assert import_document(db.session, with_standing_swap()).ok
    db.session.commit()
    swaps = {x.reference: x for x in db.session.scalars(select(SwapRequest))}
    assert swaps["BYT-1001"].from_standing_id == swaps["BYT-1000"].id
    first = dumps(export_municipality(db.session, db.session.scalars(select(Municipality)).one()))
    _clean_tables()

    assert import_document(db.session, json.loads(first)).ok
    db.session.commit()
    second = dumps(export_municipality(db.session, db.session.scalars(select(Municipality)).one()))

    assert second == first
    out = json.loads(first)["citizens"][0]["swaps"]
    assert [x["from_standing"] for x in out] == [None, "BYT-1000"]


def test_a_swap_answers_only_a_standing_swap_of_the_same_citizen() -> None:
    document = with_standing_swap()
    document["citizens"][0]["swaps"][0]["from_standing"] = "BYT-1001"  # a swap at a visit
    before = row_counts()
    problems = import_document(db.session, document).problems
    assert [p.path for p in problems] == ["$.citizens[0].swaps[0].from_standing"]
    assert "Ukendt stående bytte" in problems[0].message_da
    assert row_counts() == before
