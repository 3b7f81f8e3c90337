"""The citizen downloads everything held about them (GDPR art. 15)."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from flask import url_for
from sqlalchemy import select

from selvvisitation.citizen.my_data import table_label
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry
from selvvisitation.services.my_data import export_citizen_data
from tests.clock import MONDAY
from tests.pages import citizen_acted_for, csrf_token, sign_in_citizen
from tests.security.world import build_world
from tests.unit_of_work import nothing_written_when_the_audit_entry_is_refused

pytestmark = pytest.mark.today(MONDAY)


def _download(client, fmt: str):
    response = client.post(
        url_for("citizen.my_data_download"),
        data={
            "format": fmt,
            "csrf_token": csrf_token(client),
            "citizen": citizen_acted_for(client),
        },
    )
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    return response


def test_the_json_file_holds_the_citizens_visits_swaps_consents_and_cases(client, factories):
    world = build_world(factories)
    own = world.own
    sign_in_citizen(client, own.citizen)
    data = json.loads(_download(client, "json").get_data(as_text=True))["data"]
    assert data["citizen"][0]["cpr"] == own.citizen.cpr
    assert [v["id"] for v in data["visit"]] == [own.visit.id]
    assert {line["swap_id"] for line in data["swap_line"]} == {own.swap.id}
    assert own.case.id in [c["id"] for c in data["case"]]
    assert len(data["consent"]) == 4  # every relative's consent, withdrawn and expired too
    assert data["wish"][0]["text"] == own.wish.text
    text = json.dumps(data)
    for other in (world.other_team, world.foreign):
        assert other.citizen.cpr not in text and other.citizen.name not in text


def test_the_readable_file_is_a_page_with_a_heading_per_kind_of_information(client, factories):
    world = build_world(factories)
    sign_in_citizen(client, world.own.citizen)
    response = _download(client, "html")
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    headings = [h.get_text(strip=True) for h in soup.select("h2")]
    assert "Besøg" in headings and "Samtykker til pårørende" in headings
    assert world.own.wish.text in soup.get_text()


def test_the_download_is_logged_and_leaves_out_secrets(client, factories):
    world = build_world(factories)
    citizen = world.own.citizen
    citizen.oidc_subject = "mitid-subject-123"
    db.session.commit()
    sign_in_citizen(client, citizen)
    text = _download(client, "json").get_data(as_text=True)
    assert "mitid-subject-123" not in text and "password_hash" not in text
    db.session.rollback()
    assert (
        db.session.query(AuditEntry).filter_by(citizen_id=citizen.id, purpose="data_export").count()
        == 1
    )


def test_the_page_lists_what_is_held_and_offers_both_files(page, client, factories):
    world = build_world(factories)
    sign_in_citizen(client, world.own.citizen)
    soup = page.get("citizen.my_data")
    assert soup.select_one(".app-my-data-summary li")
    assert len(soup.select("form.app-my-data-download")) == 2


def test_every_kind_of_information_a_citizen_can_see_has_a_label_in_her_words():
    """Issue 12, 7: "Mine data" showed raw English table names ("conversation",
    "sampled citizen"). A table added later fails here until it gets a label."""
    from selvvisitation.citizen.my_data import TABLE_LABELS
    from selvvisitation.services.my_data import tables_held

    # Every table a citizen's file holds rows from, and the page counts (a citizen_id
    # column, or a foreign key to such a table): each needs a label she understands.
    assert tables_held() - set(TABLE_LABELS) == set()


def test_the_labels_are_danish_on_the_page(page, client, factories):
    world = build_world(factories)
    sign_in_citizen(client, world.own.citizen)

    soup = page.get("citizen.my_data")

    listed = " ".join(li.get_text(" ", strip=True) for li in soup.select(".app-my-data-summary li"))
    assert "Besøg" in listed
    assert "_" not in listed
    assert "conversation" not in listed.lower()


def test_no_copy_is_handed_over_when_its_audit_entry_is_refused(factories, audit_log_refuses):
    """GDPR art. 15 with the log of who read what (security/audit.py): the copy and its audit
    entry are one unit of work (issue 16). Refused, the export raises and writes nothing."""
    world = build_world(factories)
    nothing_written_when_the_audit_entry_is_refused(
        lambda: export_citizen_data(db.session, world.own.citizen)
    )


def test_the_export_commits_its_audit_entry_itself(factories):
    world = build_world(factories)
    held = export_citizen_data(db.session, world.own.citizen)
    db.session.rollback()  # nothing left to roll back: the service committed
    assert held["visit"][0]["id"] == world.own.visit.id
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "data_export")
    ).all()
    assert entry.citizen_id == world.own.citizen.id


def test_a_visit_line_added_by_her_swap_is_in_the_file_once_and_counted_once(client, factories):
    """GDPR art. 15: a copy of the data, not of the ways to it. A visit's line added by her
    swap points at two of her rows (the visit and the swap); it is one row she has, so the
    file holds it once and "Mine data" counts it once (issue 17: the page counts the file)."""
    world = build_world(factories)
    own = world.own
    added = factories.VisitService(visit=own.visit, service=own.visit_service.service)
    added.swap_id = own.swap.id
    db.session.commit()
    sign_in_citizen(client, own.citizen)
    data = json.loads(_download(client, "json").get_data(as_text=True))["data"]
    ids = [line["id"] for line in data["visit_service"]]
    assert sorted(ids) == sorted({own.visit_service.id, added.id})
    page = client.get(url_for("citizen.my_data")).get_data(as_text=True)
    counts = [li.get_text(strip=True) for li in BeautifulSoup(page, "html.parser").select("li")]
    assert f"{table_label('visit_service')}: 2" in counts
