"""CPR numbers are stored encrypted and still found by number (issue #6, "the bar is OWASP
ASVS level 2, GDPR art. 32"; ASVS V6.1.1, databeskyttelsesloven § 11).

The database holds a Fernet token and a blind index (HMAC) per number, never the digits;
sign-in, the relatives' duplicate check and the database's uniqueness work through the index.
"""

from __future__ import annotations

import os
import stat

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from selvvisitation import config as config_module
from selvvisitation.domain.cpr import CprError
from selvvisitation.domain.dates import local_today
from selvvisitation.domain.types import ActorKind
from selvvisitation.extensions import db
from selvvisitation.models import Citizen, Relative
from selvvisitation.security import cpr_vault
from selvvisitation.security.access import Actor
from selvvisitation.services import conversation_store, dialogue_context, dialogue_effects
from selvvisitation.services.mitid_sign_in import person_for
from selvvisitation.services.my_data import citizen_data
from tests.clock import MONDAY

pytestmark = pytest.mark.today(MONDAY)

CITIZEN_CPR = "2307491234"  # 23 July 1949
RELATIVE_CPR = "1502681357"  # 15 February 1968


@pytest.fixture
def keys(app):
    """Let a test set its own vault keys; the app's are given back after."""
    yield cpr_vault.configure
    cpr_vault.configure(app.config["CPR_ENCRYPTION_KEYS"], app.config["CPR_LOOKUP_KEY"])


def _raw_rows(table: str) -> list[str]:
    """Every value of every row, read with plain SQL past the models."""
    rows = db.session.execute(text(f'SELECT * FROM "{table}"')).all()
    return [str(value) for row in rows for value in row]


def _forms(cpr: str) -> list[str]:
    """The ways the number could sit in a column: the digits, dashed, the birth date."""
    return [cpr, f"{cpr[:6]}-{cpr[6:]}", cpr[:6]]


def test_the_database_rows_hold_no_cpr_digits(factories):
    citizen = factories.Citizen(cpr=CITIZEN_CPR)
    factories.Consent(citizen=citizen, relative=factories.Relative(cpr=RELATIVE_CPR))
    db.session.commit()
    values = _raw_rows("citizen") + _raw_rows("relative")
    assert len(values) > 10
    for value in values:
        for form in _forms(CITIZEN_CPR) + _forms(RELATIVE_CPR):
            assert form not in value
    # ...yet the models give the numbers back.
    db.session.expire_all()
    assert db.session.get(Citizen, citizen.id).cpr == CITIZEN_CPR
    assert db.session.scalars(select(Relative)).one().cpr == RELATIVE_CPR


def test_the_same_number_encrypts_differently_but_has_one_lookup() -> None:
    assert cpr_vault.encrypt(CITIZEN_CPR) != cpr_vault.encrypt(CITIZEN_CPR)
    assert cpr_vault.lookup("230749-1234") == cpr_vault.lookup(CITIZEN_CPR)
    assert len(cpr_vault.lookup(CITIZEN_CPR)) == 64
    with pytest.raises(CprError):
        cpr_vault.encrypt("3213401234")


def test_mitid_sign_in_finds_citizen_and_relative_by_cpr(factories):
    citizen = factories.Citizen(cpr=CITIZEN_CPR)
    relative = factories.Relative(cpr=RELATIVE_CPR)
    db.session.commit()
    assert person_for(db.session, {"sub": "a", "cpr": "230749-1234"}) == (
        ActorKind.CITIZEN,
        citizen,
    )
    assert person_for(db.session, {"sub": "b", "cpr": RELATIVE_CPR}) == (
        ActorKind.RELATIVE,
        relative,
    )
    assert person_for(db.session, {"sub": "c", "cpr": "0101451234"}) is None
    assert person_for(db.session, {"sub": "d", "cpr": "not a number"}) is None


def test_queries_compare_by_number_and_refuse_anything_else(factories):
    citizen = factories.Citizen(cpr=CITIZEN_CPR)
    without = factories.Relative(cpr=None)
    db.session.commit()
    assert db.session.scalars(select(Citizen).where(Citizen.cpr == "230749-1234")).all() == [
        citizen
    ]
    assert db.session.scalars(select(Citizen).where(Citizen.cpr != CITIZEN_CPR)).all() == []
    assert db.session.scalars(select(Citizen).where(Citizen.cpr == "junk")).all() == []
    assert db.session.scalars(select(Relative).where(Relative.cpr.is_(None))).all() == [without]
    # Ordering or selecting would work on ciphertext without a word: they fail loudly.
    with pytest.raises(TypeError):
        select(Citizen.cpr)
    with pytest.raises(TypeError):
        select(Citizen).order_by(Citizen.cpr)


def _add_relative(citizen: Citizen, cpr: str) -> None:
    ctx = dialogue_context.build_context(
        db.session, citizen, relative_id=None, may_act=True, language="da"
    )
    conversation = conversation_store.start_conversation(db.session, citizen, ctx)
    db.session.flush()
    data = {
        "relative_name": "Mette Nielsen",
        "relative_relation": "daughter",
        "relative_cpr": cpr,
        "relative_scope": "act",
        "relative_from": local_today().isoformat(),
        "relative_until": None,
    }
    actor = Actor(kind=ActorKind.CITIZEN, citizen=citizen, subject=citizen, session_id="s1")
    dialogue_effects.add_relative(db.session, conversation, ctx, data, actor)


def test_the_dialogue_finds_a_relative_already_listed_by_cpr(factories):
    citizen = factories.Citizen(cpr=CITIZEN_CPR)
    factories.Consent(
        citizen=citizen, relative=factories.Relative(name="Mette N.", cpr=RELATIVE_CPR)
    )
    db.session.commit()
    with pytest.raises(dialogue_effects.EffectRefused) as refused:
        _add_relative(citizen, "150268-1357")
    assert refused.value.message.startswith("%(name)s is already on your list")
    with pytest.raises(dialogue_effects.EffectRefused) as own:
        _add_relative(citizen, "230749-1234")
    assert own.value.message.startswith("That is your own CPR number")


@pytest.mark.parametrize("model", [Citizen, Relative])
def test_the_database_still_refuses_a_cpr_number_twice(factories, model):
    make = factories.Citizen if model is Citizen else factories.Relative
    make(cpr=CITIZEN_CPR)
    db.session.commit()
    with pytest.raises(IntegrityError):
        make(cpr="230749-1234")  # another spelling, the same number
        db.session.flush()
    db.session.rollback()


def test_a_relative_without_cpr_holds_neither_token_nor_lookup(factories):
    relative = factories.Relative(cpr=RELATIVE_CPR)
    relative.cpr = None
    db.session.commit()
    assert (relative.cpr_encrypted, relative.cpr_lookup, relative.cpr) == (None, None, None)


def test_rotated_keys_still_open_numbers_encrypted_with_the_old_key(app, factories, keys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    lookup_key = app.config["CPR_LOOKUP_KEY"]
    keys([old], lookup_key)
    citizen = factories.Citizen(cpr=CITIZEN_CPR)
    db.session.commit()
    old_token = citizen.cpr_encrypted

    keys([new, old], lookup_key)  # the new key first: it encrypts, both decrypt
    db.session.expire_all()
    assert db.session.get(Citizen, citizen.id).cpr == CITIZEN_CPR
    assert person_for(db.session, {"cpr": CITIZEN_CPR}) == (ActorKind.CITIZEN, citizen)
    rotated = cpr_vault.rotate(old_token)

    keys([new], lookup_key)  # the old key removed: re-encrypted tokens still open
    assert cpr_vault.decrypt(rotated) == CITIZEN_CPR
    with pytest.raises(cpr_vault.CprDecryptionError) as lost:
        cpr_vault.decrypt(old_token)
    assert CITIZEN_CPR not in str(lost.value)


def test_the_rotation_command_re_encrypts_every_number_so_the_old_key_can_go(app, factories, keys):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    lookup_key = app.config["CPR_LOOKUP_KEY"]
    keys([old], lookup_key)
    citizen = factories.Citizen(cpr=CITIZEN_CPR)
    factories.Relative(cpr=RELATIVE_CPR)
    factories.Relative(cpr=None)
    db.session.commit()

    keys([new, old], lookup_key)
    result = app.test_cli_runner().invoke(args=["rotate-cpr-keys"])
    assert result.exit_code == 0, result.output
    assert "re-encrypted with the first key: 2" in result.output
    assert CITIZEN_CPR not in result.output

    keys([new], lookup_key)
    db.session.expire_all()
    assert db.session.get(Citizen, citizen.id).cpr == CITIZEN_CPR
    relatives = db.session.scalars(select(Relative).order_by(Relative.id)).all()
    assert [r.cpr for r in relatives] == [RELATIVE_CPR, None]


def test_the_vault_says_plainly_when_it_has_no_keys(monkeypatch) -> None:
    monkeypatch.setattr(cpr_vault, "_fernet", None)
    with pytest.raises(cpr_vault.VaultNotConfigured, match="CPR_ENCRYPTION_KEYS"):
        cpr_vault.encrypt(CITIZEN_CPR)
    with pytest.raises(ValueError):
        cpr_vault.configure([], "lookup")


def test_the_keys_are_generated_on_first_run_and_kept_readable_by_the_owner_only(
    tmp_path, monkeypatch
):
    monkeypatch.delenv("CPR_ENCRYPTION_KEYS", raising=False)
    monkeypatch.delenv("CPR_LOOKUP_KEY", raising=False)
    monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path / "instance")
    first = config_module.Config()
    again = config_module.Config()
    assert again.CPR_ENCRYPTION_KEYS == first.CPR_ENCRYPTION_KEYS
    assert again.CPR_LOOKUP_KEY == first.CPR_LOOKUP_KEY
    Fernet(first.CPR_ENCRYPTION_KEYS[0])  # a valid Fernet key
    for name in ("cpr_encryption_keys", "cpr_lookup_key"):
        mode = os.stat(tmp_path / "instance" / name).st_mode
        assert stat.S_IMODE(mode) == 0o600


def test_given_keys_are_used_in_order(monkeypatch):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("CPR_ENCRYPTION_KEYS", f"{new}, {old}")
    monkeypatch.setenv("CPR_LOOKUP_KEY", "from-the-environment")
    config = config_module.Config()
    assert config.CPR_ENCRYPTION_KEYS == [new, old]
    assert config.CPR_LOOKUP_KEY == "from-the-environment"


def test_the_gdpr_export_gives_the_number_readable_and_not_the_ciphertext(factories):
    citizen = factories.Citizen(cpr=CITIZEN_CPR)
    db.session.commit()
    row = citizen_data(db.session, citizen)["citizen"][0]
    assert row["cpr"] == CITIZEN_CPR
    assert "cpr_encrypted" not in row and "cpr_lookup" not in row
