"""The interchange file (services/interchange/file.py; issue 15, Medium 6 and 7).

The export file holds every CPR number, so it can travel encrypted to the receiver's age
public key and be imported again with her identity (ASVS 4.0.3 V6.2.1, V8.1); the import
refuses a file over its own size cap before reading it, reads it citizen by citizen
instead of whole (a 73 MB file took 1.2 GB), and shows its progress. A failing import
writes nothing (docs/import-format.md "How an import runs").
"""

from __future__ import annotations

import copy
import json
import os
import stat
import tracemalloc
from pathlib import Path
from typing import Any

import pyrage
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, Citizen, Municipality
from selvvisitation.services.interchange import (
    dumps,
    export_municipality,
    export_text,
    import_document,
    import_source,
    open_export,
    validate_source,
)
from selvvisitation.services.interchange.file import FileSource, write_export
from tests.services.test_interchange import PROPERTY_SETTINGS, example, row_counts


def write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def many_citizens(count: int) -> dict[str, Any]:
    """The documented example with ``count`` citizens: each a copy of the first, with its
    own CPR number, visit ids and swap references (they are unique over the file)."""
    document = example()
    first = document["citizens"][0]
    ids = [visit["external_id"] for visit in first["visits"]]
    ids += [swap["reference"] for swap in first["swaps"]]
    text = json.dumps(first, ensure_ascii=False)
    citizens = []
    for n in range(count):
        copied = text
        for old in ids:
            copied = copied.replace(f'"{old}"', f'"{old}-{n}"')
        citizen = json.loads(copied)
        citizen["cpr"] = f"{n % 28 + 1:02d}{n // 28 % 12 + 1:02d}40{n:04d}"
        citizens.append(citizen)
    document["citizens"] = citizens
    return document


def entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    # In the order written: without ORDER BY, PostgreSQL may return them in any order.
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def imported(app, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(
        args=["import", str(write(tmp_path / "k.json", example()))]
    )
    assert result.exit_code == 0, result.output


# --- Medium 6: --encrypt-to ------------------------------------------------------------------


def test_an_encrypted_export_opens_with_the_receivers_key_and_is_the_plain_export(app, tmp_path):
    imported(app, tmp_path)
    identity = pyrage.x25519.Identity.generate()
    public = str(identity.to_public())
    runner = app.test_cli_runner()

    plain = runner.invoke(args=["export", "--output", str(tmp_path / "plain.json")])
    sealed = runner.invoke(
        args=["export", "--output", str(tmp_path / "ud.age"), "--encrypt-to", public]
    )

    assert sealed.exit_code == 0, sealed.output
    data = (tmp_path / "ud.age").read_bytes()
    assert data.startswith(b"age-encryption.org/v1")
    assert b"0101401234" not in data  # no CPR number in clear on the disk
    assert pyrage.decrypt(data, [identity]) == (tmp_path / "plain.json").read_bytes()
    assert stat.S_IMODE((tmp_path / "ud.age").stat().st_mode) == 0o600
    assert plain.exit_code == 0
    assert "holds CPR numbers" in sealed.stderr and "CPR-numre" in sealed.stderr
    audited = [entry for entry in entries("export") if entry.detail["file"] == "ud.age"]
    assert [(e.detail["encrypted"], e.detail["recipients"]) for e in audited] == [(True, [public])]
    assert audited[0].detail["citizens"] == len(example()["citizens"])


def test_an_encrypted_export_to_standard_output_is_the_age_file(app, tmp_path):
    """For a pipe (export … | ssh …): the bytes on standard output, the warning apart."""
    imported(app, tmp_path)
    identity = pyrage.x25519.Identity.generate()
    result = app.test_cli_runner().invoke(
        args=["export", "--encrypt-to", str(identity.to_public())]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(pyrage.decrypt(result.stdout_bytes, [identity]))
    assert document["citizens"][0]["cpr"] == example()["citizens"][0]["cpr"]
    assert "holds CPR numbers" in result.stderr


def test_a_file_of_recipients_encrypts_to_each_of_them(app, tmp_path):
    imported(app, tmp_path)
    alice, bob = pyrage.x25519.Identity.generate(), pyrage.x25519.Identity.generate()
    keys = tmp_path / "modtagere.txt"
    keys.write_text(f"# visitationen\n{alice.to_public()}\n\n{bob.to_public()}\n")
    result = app.test_cli_runner().invoke(
        args=["export", "--output", str(tmp_path / "ud.age"), "--encrypt-to", str(keys)]
    )
    assert result.exit_code == 0, result.output
    data = (tmp_path / "ud.age").read_bytes()
    for identity in (alice, bob):
        assert json.loads(pyrage.decrypt(data, [identity]))["municipality"]["code"] == "561"


@pytest.mark.parametrize("recipient", ["age1nope", "AGE-SECRET-KEY-1ABC", "bob@example.org", ""])
def test_a_bad_recipient_is_refused_in_english_and_danish_and_writes_no_file(
    app, tmp_path, recipient
):
    imported(app, tmp_path)
    target = tmp_path / "ud.age"
    result = app.test_cli_runner().invoke(
        args=["export", "--output", str(target), "--encrypt-to", recipient]
    )
    assert result.exit_code == 1
    assert "is not an age public key" in result.output
    assert "offentlig age-nøgle" in result.output
    assert not target.exists()
    assert entries("export") == []  # nothing was exported, so nothing to audit


def test_a_recipient_file_with_a_bad_line_names_the_line(app, tmp_path):
    keys = tmp_path / "modtagere.txt"
    keys.write_text(f"{pyrage.x25519.Identity.generate().to_public()}\nage1forkert\n")
    result = app.test_cli_runner().invoke(
        args=["export", "--output", str(tmp_path / "u"), "--encrypt-to", str(keys)]
    )
    assert result.exit_code == 1
    assert "Line 2 of" in result.output and "Linje 2 i" in result.output
    assert not (tmp_path / "u").exists()


def test_an_encrypted_file_imports_with_the_identity_and_is_audited_as_encrypted(app, tmp_path):
    identity = pyrage.x25519.Identity.generate()
    key = tmp_path / "key.txt"
    key.write_text(f"# public key: {identity.to_public()}\n{identity}\n")
    sealed = tmp_path / "k.age"
    sealed.write_bytes(
        pyrage.encrypt(json.dumps(example()).encode("utf-8"), [identity.to_public()])
    )
    runner = app.test_cli_runner()

    refused = runner.invoke(args=["import", str(sealed)])
    assert refused.exit_code == 1
    assert "--identity" in refused.output and "krypteret" in refused.output
    result = runner.invoke(args=["import", str(sealed), "--identity", str(key)])

    assert result.exit_code == 0, result.output
    assert "citizens 1" in result.output
    (entry,) = entries("import")
    assert entry.detail["encrypted"] is True and entry.detail["citizens"] == 1


def test_an_armored_file_imports_and_a_plain_file_ignores_the_identity(app, tmp_path):
    """age -a writes text armour; a file that is not encrypted is read as it is."""
    identity = pyrage.x25519.Identity.generate()
    key = tmp_path / "key.txt"
    key.write_text(f"{identity}\n")
    text = json.dumps(example()).encode("utf-8")
    armored = tmp_path / "k.age"
    armored.write_bytes(pyrage.encrypt(text, [identity.to_public()], armored=True))
    runner = app.test_cli_runner()

    sealed = runner.invoke(args=["import", str(armored), "--identity", str(key)])
    plain = runner.invoke(
        args=["import", str(write(tmp_path / "k.json", example())), "--identity", str(key)]
    )

    assert sealed.exit_code == 0, sealed.output
    assert plain.exit_code == 0, plain.output
    assert [e.detail["encrypted"] for e in entries("import")] == [True, False]


def test_the_wrong_identity_gives_a_plain_answer_and_imports_nothing(app, tmp_path):
    key = tmp_path / "key.txt"
    key.write_text(f"{pyrage.x25519.Identity.generate()}\n")
    other = pyrage.x25519.Identity.generate().to_public()
    sealed = tmp_path / "k.age"
    sealed.write_bytes(pyrage.encrypt(json.dumps(example()).encode("utf-8"), [other]))
    before = row_counts()

    result = app.test_cli_runner().invoke(args=["import", str(sealed), "--identity", str(key)])

    assert result.exit_code == 1
    assert "could not be decrypted" in result.output and "kunne ikke dekrypteres" in result.output
    assert "Traceback" not in result.output
    assert {k: v for k, v in row_counts().items() if k != "audit_entry"} == {
        k: v for k, v in before.items() if k != "audit_entry"
    }


# --- Medium 7: the import's own size cap -------------------------------------------------------


def test_a_file_over_the_imports_size_cap_is_refused_before_it_is_read(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1000)
    source = write(tmp_path / "stor.json", example())  # about 3,900 bytes
    before = row_counts()

    result = app.test_cli_runner().invoke(args=["import", str(source)])

    assert result.exit_code == 1
    assert "more than the import's limit" in result.output
    assert "mere end importens grænse" in result.output and "IMPORT_MAX_BYTES" in result.output
    assert db.session.scalar(select(Citizen.id)) is None
    (entry,) = entries("import_refused")
    assert "limit" in entry.detail["reason"]
    assert row_counts()["citizen"] == before["citizen"]


def test_a_file_at_the_size_cap_imports(app, tmp_path, monkeypatch):
    source = write(tmp_path / "k.json", example())
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", source.stat().st_size)
    result = app.test_cli_runner().invoke(args=["import", str(source)])
    assert result.exit_code == 0, result.output


def test_the_size_cap_is_200_mb_by_default_and_a_setting(monkeypatch):
    from selvvisitation.config import Config

    assert Config().IMPORT_MAX_BYTES == 200_000_000
    monkeypatch.setenv("IMPORT_MAX_BYTES", "5000")
    assert Config().IMPORT_MAX_BYTES == 5000


# --- Medium 7: streaming -----------------------------------------------------------------------


def test_a_file_is_checked_citizen_by_citizen_not_held_whole(tmp_path):
    """Peak memory while checking a file of 1,000 citizens stays under half its size; the
    whole-file json.loads this replaces needed several times the file (issue 15, Medium 7).
    Memory, not time: tracemalloc counts the allocations, whatever the machine's speed."""
    document = many_citizens(1000)
    document["citizens"][-1]["visits"][0]["status"] = "maybe"  # refused at the very end
    source = write(tmp_path / "stor.json", document)
    size = source.stat().st_size
    del document
    # Once first: SQLAlchemy configures its mappers and caches its statements on first use.
    validate_source(db.session, FileSource(write(tmp_path / "lille.json", many_citizens(2))))

    tracemalloc.start()
    try:
        problems = validate_source(db.session, FileSource(source))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert [p.path for p in problems] == ["$.citizens[999].visits[0].status"]
    assert size > 2_000_000
    assert peak < size / 2, f"peak {peak:,} bytes for a file of {size:,}"


def test_a_file_imports_as_the_same_document_in_memory_does(tmp_path):
    document = many_citizens(3)
    from_file = import_source(db.session, FileSource(write(tmp_path / "k.json", document)))
    db.session.rollback()
    in_memory = import_document(db.session, document)
    assert from_file.ok and in_memory.ok
    assert from_file.created == in_memory.created
    assert (from_file.citizens, from_file.municipality) == (3, "561")


def test_problems_in_a_file_are_those_of_the_document(tmp_path):
    document = many_citizens(3)
    document["services"][1]["code"] = "PP-BAD"
    document["citizens"][2]["cpr"] = document["citizens"][0]["cpr"]
    document["citizens"][1]["swaps"][0]["reference"] = "BYT-1001-0"
    before = row_counts()
    result = import_source(db.session, FileSource(write(tmp_path / "k.json", document)))
    assert {str(p) for p in result.problems} == {
        str(p) for p in import_document(db.session, document).problems
    }
    assert {p.path for p in result.problems} >= {
        "$.services[1].code",
        "$.citizens[2].cpr",
        "$.citizens[1].swaps[0].reference",
    }
    assert row_counts() == before


def test_a_file_that_changes_between_check_and_write_imports_nothing(tmp_path):
    """The file is read again to write it: a file changed after the check is refused."""
    source = write(tmp_path / "k.json", many_citizens(2))
    changed = many_citizens(2)
    changed["citizens"][1]["name"] = "Ændret undervejs"
    before = row_counts()

    def change_after_the_check(stage: str, done: int, total: int) -> None:
        if stage == "check" and done == total:  # a new file copied over the old one
            os.replace(write(tmp_path / "ny.json", changed), source)

    result = import_source(db.session, FileSource(source), change_after_the_check)

    assert [p.message_da for p in result.problems] == [
        "Filen blev ændret under indlæsningen; intet er indlæst."
    ]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"citizens": [{"cpr": "0101401234", "name": ', "Not valid JSON"),
        ('{"format": 1,}', "Not valid JSON"),
        ("", "Not valid JSON"),
        ('{"a": 1} x', "Not valid JSON"),
        ("[]", "Must be an object"),
        ('{"citizens": [], "citizens": []}', 'The field "citizens" is given twice'),
        ('{"citizens": 5}', "Must be a list"),
    ],
)
def test_a_file_that_is_not_a_document_gets_a_plain_answer_without_its_content(
    tmp_path, text, says
):
    source = tmp_path / "k.json"
    source.write_text(text, encoding="utf-8")
    problems = validate_source(db.session, FileSource(source))
    assert any(says in str(problem) for problem in problems), problems
    assert not any("0101401234" in str(problem) for problem in problems)  # never a CPR number


def test_an_integer_beyond_64_bits_is_read_and_refused_at_its_field(tmp_path):
    """JSON allows any integer; yajl's C parser stops at 2**63, so the file is read again
    with the pure-Python parser and the problem names the field (docs/import-format.md,
    "every problem is reported with its JSON path"). Found by Hypothesis."""
    document = example()
    document["format"] = [2**63]
    document["services"][0]["default_minutes"] = 10**30
    source = tmp_path / "k.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    problems = [str(problem) for problem in validate_source(db.session, FileSource(source))]
    assert any(problem.startswith("$.format:") for problem in problems), problems
    assert any(p.startswith("$.services[0].default_minutes:") for p in problems), problems
    assert not any("Not valid JSON" in problem for problem in problems)


def test_a_byte_order_mark_is_accepted_as_json_loads_accepts_it(tmp_path):
    source = tmp_path / "k.json"
    source.write_bytes(b"\xef\xbb\xbf" + json.dumps(example()).encode("utf-8"))
    assert validate_source(db.session, FileSource(source)) == []


@PROPERTY_SETTINGS
@given(st.binary(max_size=200))
def test_any_bytes_in_a_file_give_problems_not_a_traceback(tmp_path_factory, data):
    source = tmp_path_factory.mktemp("bytes") / "k.json"
    source.write_bytes(data)
    before = row_counts()
    result = import_source(db.session, FileSource(source))
    if not result.ok:
        assert all(problem.path.startswith("$") for problem in result.problems)
        assert row_counts() == before
    db.session.rollback()


# --- Medium 7: progress ------------------------------------------------------------------------


def test_the_import_reports_its_progress_to_the_end_of_each_stage(tmp_path):
    source = write(tmp_path / "k.json", many_citizens(120))
    seen: list[tuple[str, int, int]] = []
    result = import_source(db.session, FileSource(source), lambda *step: seen.append(step))
    assert result.ok
    size = source.stat().st_size
    assert ("read", size, size) in seen
    assert [step for step in seen if step[0] == "check"] == [
        ("check", 50, 120),
        ("check", 100, 120),
        ("check", 120, 120),
    ]
    assert [step for step in seen if step[0] == "write"][-1] == ("write", 120, 120)


def test_the_import_command_shows_its_stages_on_standard_error(app, tmp_path):
    source = write(tmp_path / "k.json", copy.deepcopy(many_citizens(2)))
    result = app.test_cli_runner().invoke(args=["import", str(source)])
    assert result.exit_code == 0, result.output
    for label in ("Læser k.json", "Kontrollerer borgere", "Indlæser borgere"):
        assert label in result.stderr
    assert "Imported k.json." in result.stdout


# --- Medium 7: the export streams too ----------------------------------------------------


def _export_to(path: Path, recipients: list) -> None:
    municipality = db.session.scalars(select(Municipality)).one()
    with path.open("wb") as out:
        write_export(export_text(open_export(db.session, municipality)), out, recipients)


@pytest.mark.parametrize("citizens", [0, 3], ids=["no citizens", "three citizens"])
def test_the_streamed_export_is_the_text_of_the_whole_document(tmp_path, citizens):
    """Written citizen by citizen, the file is byte for byte what dumps() gives for the
    document built whole (issue 15, Medium 7), also with an empty list of citizens."""
    assert import_document(db.session, many_citizens(citizens) if citizens else _no_citizens()).ok
    db.session.commit()
    municipality = db.session.scalars(select(Municipality)).one()
    whole = dumps(export_municipality(db.session, municipality))

    _export_to(tmp_path / "ud.json", [])

    assert (tmp_path / "ud.json").read_text(encoding="utf-8") == whole
    assert len(json.loads(whole)["citizens"]) == citizens


def _no_citizens() -> dict[str, Any]:
    document = example()
    document["citizens"], document["relatives"] = [], []
    return document


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_an_export_is_written_citizen_by_citizen_not_held_whole(tmp_path, encrypted):
    """Peak memory while exporting 300 citizens stays under half the file: the
    document is never whole in memory, clear or encrypted (issue 15, Medium 7). Memory,
    not time: tracemalloc counts the allocations, whatever the machine's speed."""
    assert import_document(db.session, many_citizens(300)).ok
    db.session.commit()
    identity = pyrage.x25519.Identity.generate()
    recipients = [("key", identity.to_public())] if encrypted else []
    _export_to(tmp_path / "varm.json", recipients)  # SQLAlchemy's first-use caches

    tracemalloc.start()
    try:
        _export_to(tmp_path / "ud.json", recipients)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    data = (tmp_path / "ud.json").read_bytes()
    text = pyrage.decrypt(data, [identity]) if encrypted else data
    assert len(json.loads(text)["citizens"]) == 300
    assert len(text) > 1_000_000
    assert peak < len(text) / 2, (peak, len(text))
