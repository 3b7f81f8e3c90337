"""The audit log, the citizen's "Hvem har kigget på mine oplysninger", CPR in logs and URLs.

Issue 6 "Audit log": every staff read and every change, append-only, shown to the
citizen like sundhed.dk's Min log; CPR numbers never in URLs or logs
(databeskyttelsesloven § 11).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from flask import current_app, url_for

from selvvisitation.config import PROJECT_ROOT
from selvvisitation.domain.types import ActorKind, StaffRole
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry, AuditLogImmutableError
from selvvisitation.security import audit
from selvvisitation.security.access import Actor
from selvvisitation.security.log_masking import mask_cpr_numbers
from tests.pages import sign_in_citizen, sign_in_relative


@pytest.fixture
def looked_at(factories):
    """A citizen whose case a home-care worker and a relative have looked at."""
    citizen = factories.Citizen()
    worker = factories.StaffUser(
        municipality=citizen.municipality,
        role=StaffRole.HOME_CARE_WORKER,
        team=citizen.team,
        provider=citizen.provider,
        name="Hanne Hjælper",
    )
    relative = factories.Consent(citizen=citizen).relative
    audit.record(
        "read",
        citizen=citizen,
        object_type="visit",
        purpose="record_visit",
        actor=Actor(kind=ActorKind.STAFF, staff=worker),
    )
    audit.record(
        "read",
        citizen=citizen,
        purpose="relative_view",
        actor=Actor(kind=ActorKind.RELATIVE, relative=relative, subject=citizen),
    )
    audit.record(
        "create",
        citizen=citizen,
        purpose="own_request",
        actor=Actor(kind=ActorKind.CITIZEN, citizen=citizen, subject=citizen),
    )
    other = factories.Citizen(municipality=citizen.municipality)
    audit.record(
        "read",
        citizen=other,
        purpose="case_handling",
        actor=Actor(kind=ActorKind.STAFF, staff=worker),
    )
    db.session.commit()
    return citizen, worker, relative


def _rows(soup) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in soup.select(".app-access-log tbody tr")
    ]


def test_the_citizen_sees_who_looked_why_in_which_role_and_from_where(page, client, looked_at):
    citizen, worker, relative = looked_at
    sign_in_citizen(client, citizen)
    rows = _rows(page.get("citizen.access_log_page"))
    assert len(rows) == 2  # the worker and the relative; not the citizen's own request
    worker_row = next(row for row in rows if "skrive" in row[1].lower())
    assert worker_row[1] == "For at skrive ned, hvilken hjælp du fik ved et besøg"
    assert worker_row[2] == "Hjemmehjælper"
    assert worker_row[3] == worker.provider.name
    assert all(worker.name not in " ".join(row) for row in rows)
    relative_row = next(row for row in rows if row[2].startswith("Pårørende"))
    assert relative.name in relative_row[2]


def test_staff_names_are_shown_only_when_the_municipality_chooses_it(page, client, looked_at):
    citizen, worker, _relative = looked_at
    citizen.municipality.policy.show_staff_names_in_access_log = True
    db.session.commit()
    sign_in_citizen(client, citizen)
    rows = _rows(page.get("citizen.access_log_page"))
    assert any(f"Hjemmehjælper: {worker.name}" == row[2] for row in rows)


def test_a_relative_with_consent_sees_the_log_and_is_logged_for_it(page, client, looked_at):
    citizen, _worker, relative = looked_at
    sign_in_relative(client, relative, citizen)
    before = db.session.query(AuditEntry).filter_by(citizen_id=citizen.id).count()
    assert len(_rows(page.get("citizen.access_log_page"))) == 2
    db.session.rollback()
    assert db.session.query(AuditEntry).filter_by(citizen_id=citizen.id).count() == before + 1


def test_an_empty_log_says_so_in_plain_words(page, client, factories):
    sign_in_citizen(client, factories.Citizen())
    soup = page.get("citizen.access_log_page")
    assert soup.select_one(".app-access-log-empty")


def test_the_log_is_in_the_citizens_menu(page, client, factories):
    sign_in_citizen(client, factories.Citizen())
    soup = page.get("citizen.index")
    links = [a["href"] for a in soup.select(".app-nav a")]
    assert url_for("citizen.access_log_page") in links


def test_audit_entries_cannot_be_changed_or_deleted(looked_at):
    entry = db.session.query(AuditEntry).first()
    entry.purpose = "covering tracks"
    with pytest.raises(AuditLogImmutableError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.query(AuditEntry).first())
    with pytest.raises(AuditLogImmutableError):
        db.session.flush()
    db.session.rollback()


def test_every_purpose_code_reads_as_plain_words():
    for code in audit.PURPOSES:
        text = audit.describe_purpose(code, "read")
        assert text and "_" not in text
    assert audit.describe_purpose("a-code-nobody-added", "update")


# --- CPR numbers in logs -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("borger 0101451234 ringede", "borger ******-**** ringede"),
        ("cpr=010145-1234&x", "cpr=******-****&x"),
        ("010145 1234", "******-****"),
        ("ordre 12345678901 ok", "ordre 12345678901 ok"),  # 11 digits is not a CPR number
        ("tlf 70 10 20 30", "tlf 70 10 20 30"),
    ],
)
def test_cpr_numbers_are_masked_in_text(text, masked):
    assert mask_cpr_numbers(text) == masked


def test_no_log_record_carries_a_cpr_number(app, caplog):
    caplog.set_level(logging.INFO)
    app.logger.warning("Kunne ikke finde borger %s", "0101451234")
    logging.getLogger("werkzeug").info('"GET /borger?cpr=010145-1234 HTTP/1.1" 404 -')
    try:
        raise ValueError("ugyldigt cpr 0101451234")
    except ValueError:
        logging.getLogger("selvvisitation").exception("fejl for 0101451234")
    text = caplog.text
    assert "0101451234" not in text and "010145-1234" not in text
    assert text.count("******-****") >= 4


def test_no_route_takes_a_cpr_number_in_its_url(app):
    for rule in app.url_map.iter_rules():
        assert "cpr" not in rule.rule.lower(), rule.rule
        assert not any("cpr" in argument.lower() for argument in rule.arguments), rule.rule


def _templates() -> list[Path]:
    return sorted((PROJECT_ROOT / "templates").rglob("*.html"))


def test_no_template_puts_a_cpr_number_in_a_link_or_a_get_form():
    """A GET form's fields and a link's query end up in URLs, browser history and logs."""
    link = re.compile(r"url_for\([^)]*cpr[^)]*\)|href=\"[^\"]*cpr", re.IGNORECASE)
    form = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.IGNORECASE | re.DOTALL)
    problems = []
    for path in _templates():
        source = path.read_text()
        if link.search(source):
            problems.append(f"{path.name}: a link with a CPR number")
        for match in form.finditer(source):
            is_post = re.search(r"method=\"post\"", match["attrs"], re.IGNORECASE)
            if not is_post and re.search(r"name=\"[^\"]*cpr", match["body"], re.IGNORECASE):
                problems.append(f"{path.name}: a GET form with a CPR field")
    assert not problems, problems
    assert len(_templates()) >= 10


def test_no_template_shows_a_full_cpr_number():
    """Lists show `|masked_cpr`; the full number is for identification only."""
    full = re.compile(r"\{\{[^}]*\.cpr\s*(\}\}|\|(?!masked_cpr))")
    offenders = [p.name for p in _templates() if full.search(p.read_text())]
    assert not offenders, offenders


def test_the_masking_is_installed_by_the_app_factory():
    record = logging.getLogRecordFactory()(
        "x", logging.INFO, __file__, 1, "cpr %s", ("0101451234",), None
    )
    assert record.getMessage() == "cpr ******-****"
    assert current_app
