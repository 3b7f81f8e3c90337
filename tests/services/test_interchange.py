"""Import and export (services/interchange/, docs/import-format.md).

The municipality brings decisions in from its care record system and takes everything
out again (issue 3, "Import and export"): validate the whole file first, report every
problem with its JSON path, write all or nothing, run twice without duplicating.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from selvvisitation.demo.seed import build_demo
from selvvisitation.extensions import db
from selvvisitation.models import (
    Citizen,
    Decision,
    Municipality,
    ReassessmentRequest,
    SwapRequest,
    Visit,
    VisitService,
)
from selvvisitation.services.interchange import (
    dumps,
    export_municipality,
    import_document,
    json_schema,
    parse_json,
    validate_document,
)
from tests.conftest import _clean_tables

DOCS = Path(__file__).resolve().parents[2] / "docs"


def example() -> dict[str, Any]:
    """The example document of docs/import-format.md (so the documentation is tested)."""
    text = (DOCS / "import-format.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)\n```", text, re.S)
    assert block is not None
    return json.loads(block.group(1))


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_the_published_schema_is_the_one_the_code_checks() -> None:
    published = json.loads((DOCS / "import-schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(published)
    assert published == json_schema()


def test_the_documented_example_imports_once_and_twice_changes_nothing() -> None:
    first = import_document(db.session, example())
    db.session.commit()
    counts = row_counts()
    second = import_document(db.session, example())
    db.session.commit()

    assert first.ok and first.created["visits"] == 2
    assert second.ok and second.created == {} and second.updated == {}
    assert row_counts() == counts
    request = db.session.scalars(select(ReassessmentRequest)).one()
    assert request.fsiii_code == "A2"  # FSIII: reassessment requested by a relative
    assert db.session.scalars(select(Decision).where(Decision.version == 1)).one().superseded_by_id


def test_a_changed_field_updates_the_record_found_by_its_natural_key() -> None:
    import_document(db.session, example())
    document = example()
    document["citizens"][0]["name"] = "Inger Marie Jensen"
    result = import_document(db.session, document)
    assert result.ok and result.updated == {"citizens": 1}
    assert db.session.scalars(select(Citizen.name)).all() == ["Inger Marie Jensen"]


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target = document
    for part in path[:-1]:
        target = target[part]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


_DELETE = object()
C0 = ("citizens", 0)


@pytest.mark.parametrize(
    ("path", "value", "reported_at", "says"),
    [
        (("services", 0, "name_da"), _DELETE, "$.services[0].name_da", 'Feltet "name_da" mangler'),
        (
            ("services", 1, "code"),
            "PP-BAD",
            "$.services[1].code",
            "Samme ydelseskode som $.services[0]",
        ),
        (("services", 0, "colour"), "rød", "$.services[0].colour", 'Ukendt felt "colour"'),
        ((*C0, "cpr"), "3213401234", "$.citizens[0].cpr", "Er ikke et gyldigt CPR-nummer"),
        (
            (*C0, "decisions", 1, "valid_from"),
            "2026-02-30",
            "$.citizens[0].decisions[1].valid_from",
            "Er ikke en rigtig dato",
        ),
        (
            (*C0, "visits", 0, "starts_at"),
            "2026-06-01T10:00:00",
            "$.citizens[0].visits[0].starts_at",
            "med tidszone",
        ),
        (
            (*C0, "visits", 0, "services", 0, "service"),
            "NOPE",
            "$.citizens[0].visits[0].services[0].service",
            'Ukendt ydelseskode "NOPE"',
        ),
        (
            (*C0, "visits", 1, "services", 0, "granted_line"),
            5,
            "$.citizens[0].visits[1].services[0].granted_line",
            "ingen bevilget ydelse nummer 5",
        ),
        (
            (*C0, "swaps", 0, "lines", 0, "minutes"),
            "tredive",
            "$.citizens[0].swaps[0].lines[0].minutes",
            "Skal være et helt tal",
        ),
        (
            (*C0, "consents", 0, "relative"),
            "R9",
            "$.citizens[0].consents[0].relative",
            'Ukendt pårørende "R9"',
        ),
        (
            (*C0, "team", "name"),
            "Team Syd",
            "$.citizens[0].team.name",
            'Ukendt team hos den leverandør "Team Syd"',
        ),
        (
            (*C0, "decisions", 0, "superseded_at"),
            None,
            "$.citizens[0].decisions[1].superseded_at",
            "Kun én version",
        ),
        (
            (*C0, "decisions", 1, "granted_services", 0, "frequency"),
            "nu og da",
            "$.citizens[0].decisions[1].granted_services[0].frequency",
            'Skal være en af: "daily"',
        ),
        (("version",), 3, "$.version", "Skal være en af: 1, 2"),
        # Issue 15 (Low 10), plausibility: years 1900-2100, a visit ends after it starts, an
        # https: accessibility statement, CPR digits 0-9 only.
        (
            (*C0, "decisions", 1, "valid_from"),
            "1899-12-31",
            "$.citizens[0].decisions[1].valid_from",
            "Skal ligge mellem år 1900 og 2100",
        ),
        (
            (*C0, "visits", 0, "recorded_at"),
            "2101-01-01T00:30:00+01:00",
            "$.citizens[0].visits[0].recorded_at",
            "Skal ligge mellem år 1900 og 2100",
        ),
        (
            (*C0, "visits", 0, "ends_at"),
            "2026-06-01T09:30:00+02:00",
            "$.citizens[0].visits[0].ends_at",
            "Et besøg skal slutte, efter det begynder",
        ),
        (
            (*C0, "visits", 0, "ends_at"),
            "2026-06-01T08:00:00+00:00",  # the same moment as it starts, written in UTC
            "$.citizens[0].visits[0].ends_at",
            "Et besøg skal slutte, efter det begynder",
        ),
        (
            ("municipality", "accessibility_statement_url"),
            "http://www.was.digst.dk/esbjerg-dk",
            "$.municipality.accessibility_statement_url",
            'begynder med "https://"',
        ),
        (
            ("municipality", "accessibility_statement_url"),
            "javascript:alert(1)",
            "$.municipality.accessibility_statement_url",
            'begynder med "https://"',
        ),
        (
            (*C0, "cpr"),
            "٠١٠١٤٠١٢٣٤",  # Arabic-Indic digits: the same number to int(), not a CPR number
            "$.citizens[0].cpr",
            "Er ikke et gyldigt CPR-nummer",
        ),
    ],
)
def test_every_problem_is_reported_with_its_json_path_and_nothing_is_written(
    path: tuple[Any, ...], value: Any, reported_at: str, says: str
) -> None:
    document = example()
    _set(document, path, value)
    before = row_counts()
    result = import_document(db.session, document)
    assert [str(p) for p in result.problems if p.path == reported_at and says in p.message_da]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("municipality", "accessibility_statement_url"), "https://www.was.digst.dk/esbjerg-dk"),
        ((*C0, "decisions", 0, "valid_from"), "1900-01-01"),
        ((*C0, "decisions", 1, "granted_services", 0, "end_date"), "2100-12-31"),
    ],
)
def test_plausible_values_at_the_edges_import(path: tuple[Any, ...], value: Any) -> None:
    """Issue 15 (Low 10): the plausibility checks refuse only what lies outside."""
    document = example()
    _set(document, path, value)
    result = import_document(db.session, document)
    assert result.ok, [str(p) for p in result.problems]


def test_all_problems_of_a_file_come_at_once() -> None:
    """Validate the whole file first: the operator fixes everything in one go."""
    document = example()
    document["services"][1]["code"] = "PP-BAD"
    document["citizens"][0]["cpr"] = "3213401234"
    document["citizens"][0]["swaps"][0]["status"] = "maybe"
    paths = {problem.path for problem in validate_document(db.session, document)}
    assert {
        "$.services[1].code",
        "$.citizens[0].cpr",
        "$.citizens[0].swaps[0].status",
    } <= paths


def test_a_citizen_of_another_municipality_is_a_conflict() -> None:
    import_document(db.session, example())
    document = example()
    document["municipality"]["code"] = "999"
    [problem] = import_document(db.session, document).problems
    assert problem.path == "$.citizens[0].cpr"
    assert "0101401234" not in str(problem)  # the CPR number is never printed in full


def test_a_superseded_decision_is_never_changed_by_an_import() -> None:
    """002 section 17: the superseded version is what the citizen was told; it stays."""
    import_document(db.session, example())
    db.session.commit()
    before = row_counts()
    document = example()
    document["citizens"][0]["decisions"][0]["granted_services"][0]["minutes_per_delivery"] = 45
    result = import_document(db.session, document)
    assert [p.path for p in result.problems] == ["$.citizens[0].decisions"]
    assert "ny version" in result.problems[0].message_da
    assert row_counts() == before


@pytest.mark.parametrize(
    ("text", "says"),
    [("{", "line 1, column 2"), ('{"format": 1,}', "line 1"), ("[]", "Must be an object")],
)
def test_a_file_that_is_not_a_document_gets_a_plain_answer(text: str, says: str) -> None:
    document, problems = parse_json(text)
    problems = problems or validate_document(db.session, document)
    assert any(says in str(problem) for problem in problems)


def test_export_import_export_gives_the_identical_file() -> None:
    """Export → import into an empty database → export: the same file (demo data).

    The demo holds both laws (docs/aeldreloven.md "The demo"; DOMAIN.md "Ældreloven"): SEL
    citizens with swaps and minutes, and 30 on Ældreloven § 10 with a forløb, element lines
    and priorities, so the round trip covers format version 2 (issue 11) as well.
    """
    demo = build_demo(db.session)
    db.session.commit()
    first = dumps(export_municipality(db.session, demo.municipality))
    _clean_tables()

    result = import_document(db.session, json.loads(first))
    db.session.commit()
    municipality = db.session.scalars(select(Municipality)).one()
    second = dumps(export_municipality(db.session, municipality))

    assert result.ok, result.problems[:3]
    assert second == first
    assert validate_document(db.session, json.loads(second)) == []
    assert db.session.scalar(select(func.count()).select_from(SwapRequest)) > 0
    document = json.loads(first)
    current = [
        next(d for d in c["decisions"] if d["superseded_at"] is None)
        for c in document["citizens"]
        if c["decisions"]
    ]
    assert sum(d["legal_basis"] == "ael" for d in current) == 30
    assert {d["legal_basis"] for d in current} == {"sel", "ael"}
    assert {p["code"] for p in document["care_programmes"]} == {"HVERDAG", "PLEJE", "KORT"}
    assert all(d["granted_elements"] for d in current if d["legal_basis"] == "ael")
    assert any(v["elements"] for c in document["citizens"] for v in c["visits"])
    assert any(p["status"] == "not_met" for c in document["citizens"] for p in c["priorities"])


def test_a_visit_made_in_the_app_is_matched_on_its_time_not_duplicated() -> None:
    """Export, then import the export back into the same database: nothing doubles."""
    import_document(db.session, example())
    for visit in db.session.scalars(select(Visit)):
        visit.external_id = None
    db.session.commit()
    municipality = db.session.scalars(select(Municipality)).one()
    document = export_municipality(db.session, municipality)
    before = row_counts()
    assert import_document(db.session, document).ok
    assert row_counts() == before
    assert db.session.scalar(select(func.count()).select_from(VisitService)) == 3


def test_the_commands_import_and_export_the_same_file(app, tmp_path: Path) -> None:
    source = tmp_path / "kommune.json"
    source.write_text(json.dumps(example(), ensure_ascii=False), encoding="utf-8")
    runner = app.test_cli_runner()

    imported = runner.invoke(args=["import", str(source)])
    again = runner.invoke(args=["import", str(source)])
    exported = runner.invoke(args=["export", "--output", str(tmp_path / "ud.json")])

    assert imported.exit_code == 0, imported.output
    assert "created:" in imported.output and "visits 2" in imported.output
    assert "created: nothing" in again.output and "updated: nothing" in again.output
    assert exported.exit_code == 0, exported.output
    document = json.loads((tmp_path / "ud.json").read_text(encoding="utf-8"))
    assert validate_document(db.session, document) == []


def test_the_import_command_lists_every_problem_and_fails(app, tmp_path: Path) -> None:
    document = example()
    document["services"][1]["code"] = "PP-BAD"
    document["citizens"][0]["cpr"] = "123"
    source = tmp_path / "fejl.json"
    source.write_text(json.dumps(document), encoding="utf-8")

    result = app.test_cli_runner().invoke(args=["import", str(source)])

    assert result.exit_code == 1
    assert "Intet er indlæst" in result.output
    assert "$.services[1].code: The same service code" in result.output
    assert "$.citizens[0].cpr" in result.output
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 0


# --- property-based: no input gives a traceback or a partial write ------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


PATHS = _paths(example())
PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _import_never_half_writes(document: Any) -> None:
    before = row_counts()
    result = import_document(db.session, document)
    if not result.ok:
        assert all(problem.path.startswith("$") for problem in result.problems)
        assert row_counts() == before
    db.session.rollback()


@PROPERTY_SETTINGS
@given(json_values)
def test_any_json_value_gives_problems_not_a_traceback(value: Any) -> None:
    _import_never_half_writes(value)


@PROPERTY_SETTINGS
@given(st.sampled_from(PATHS), json_values)
def test_a_damaged_example_gives_problems_or_imports_never_half(
    path: tuple[Any, ...], value: Any
) -> None:
    document = copy.deepcopy(example())
    _set(document, path, value)
    _import_never_half_writes(document)


@PROPERTY_SETTINGS
@given(st.binary(max_size=200))
def test_any_bytes_give_problems_not_a_traceback(data: bytes) -> None:
    document, problems = parse_json(data)
    if not problems:
        _import_never_half_writes(document)
