"""The export file holds every CPR number in clear (issue 15, Medium 6; ASVS 4.0.3 V8.1,
V7.1.3): it is created readable by its owner only, the command warns that it holds CPR
numbers, and every export and import is in the audit log with the OS user, what, and how
many citizens."""

from __future__ import annotations

import getpass
import json
import os
import stat
from pathlib import Path

from sqlalchemy import select

from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry
from tests.services.test_interchange import example

WARNING = "holds CPR numbers"


def imported(app, tmp_path: Path):
    source = tmp_path / "kommune.json"
    source.write_text(json.dumps(example(), ensure_ascii=False), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", str(source)])
    assert result.exit_code == 0, result.output
    return result


def entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    # In the order written: without ORDER BY, PostgreSQL may return them in any order.
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def test_the_export_file_is_readable_by_its_owner_only(app, tmp_path):
    imported(app, tmp_path)
    target = tmp_path / "ud.json"
    result = app.test_cli_runner().invoke(args=["export", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_an_existing_file_is_made_owner_only_before_the_cpr_numbers_go_in(app, tmp_path):
    imported(app, tmp_path)
    target = tmp_path / "ud.json"
    target.write_text("old")
    os.chmod(target, 0o644)
    app.test_cli_runner().invoke(args=["export", "--output", str(target)])
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text(encoding="utf-8"))["municipality"]


def test_the_export_warns_that_the_file_holds_cpr_numbers(app, tmp_path):
    imported(app, tmp_path)
    to_file = app.test_cli_runner().invoke(args=["export", "--output", str(tmp_path / "u.json")])
    to_stdout = app.test_cli_runner().invoke(args=["export"])
    assert WARNING in to_file.stderr and "CPR-numre" in to_file.stderr
    assert WARNING in to_stdout.stderr
    json.loads(to_stdout.stdout)  # the warning stays out of the document itself


def test_every_export_and_import_is_audited_with_the_os_user_and_the_citizens(app, tmp_path):
    imported(app, tmp_path)
    app.test_cli_runner().invoke(args=["export", "--output", str(tmp_path / "u.json")])

    citizens = len(example()["citizens"])
    (imports,) = entries("import")
    (exports,) = entries("export")
    for entry, file_name in ((imports, "kommune.json"), (exports, "u.json")):
        assert entry.actor_kind == ActorKind.SYSTEM
        assert entry.detail["os_user"] == getpass.getuser()
        assert entry.detail["citizens"] == citizens
        assert entry.detail["file"] == file_name
        assert entry.detail["municipality"] == example()["municipality"]["code"]
        assert entry.purpose == "data_interchange"


def test_a_refused_import_is_audited_too(app, tmp_path):
    document = example()
    document["citizens"][0]["cpr"] = "123"
    source = tmp_path / "fejl.json"
    source.write_text(json.dumps(document), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", str(source)])
    assert result.exit_code == 1
    (entry,) = entries("import_refused")
    assert entry.detail["citizens"] == len(document["citizens"])
    assert entry.detail["os_user"] == getpass.getuser()
