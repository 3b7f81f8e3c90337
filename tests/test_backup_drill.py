"""`flask backup-drill`: pg_dump, restore into a new database, sign a citizen in there by CPR.

Issue 16: the drill proves that a dump and the keys belong together; README: without the
keys the CPR numbers in a backup are lost. PostgreSQL only: pg_dump is PostgreSQL's.
"""

from __future__ import annotations

import os

import pytest

from selvvisitation.extensions import db
from selvvisitation.security import cpr_vault

pytestmark = pytest.mark.skipif(
    not os.environ["TEST_DATABASE_URL"].startswith("postgresql"),
    reason="the drill dumps and restores PostgreSQL; a SQLite file is backed up by copying it",
)


@pytest.fixture
def a_citizen(factories):
    citizen = factories.Citizen()
    db.session.commit()
    return citizen


def test_the_drill_restores_a_dump_and_signs_the_citizen_in_by_cpr(app, a_citizen):
    result = app.test_cli_runner().invoke(args=["backup-drill"])

    assert result.exit_code == 0, result.output
    assert f"citizen #{a_citizen.id} signs in by her CPR number" in result.output


def test_the_drill_fails_plainly_when_the_lookup_key_does_not_belong_to_the_dump(app, a_citizen):
    cpr_vault.configure(app.config["CPR_ENCRYPTION_KEYS"], "a-lookup-key-from-another-install")
    try:
        result = app.test_cli_runner().invoke(args=["backup-drill"])
    finally:
        cpr_vault.configure(app.config["CPR_ENCRYPTION_KEYS"], app.config["CPR_LOOKUP_KEY"])

    assert result.exit_code == 1
    assert "CPR_LOOKUP_KEY does not belong to this dump" in result.output


def test_the_drill_fails_plainly_when_the_encryption_key_does_not_belong_to_the_dump(
    app, a_citizen
):
    cpr_vault.configure([cpr_vault.generate_encryption_key()], app.config["CPR_LOOKUP_KEY"])
    try:
        result = app.test_cli_runner().invoke(args=["backup-drill"])
    finally:
        cpr_vault.configure(app.config["CPR_ENCRYPTION_KEYS"], app.config["CPR_LOOKUP_KEY"])

    assert result.exit_code == 1
    assert "cannot be decrypted with CPR_ENCRYPTION_KEYS" in result.output
