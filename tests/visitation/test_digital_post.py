"""Decision letters to Digital Post (issue 14) through the folder transport: the envelope
and the PDF are written to the configured folder, with no CPR number in a file name or in
the envelope; posting the same letter twice writes nothing new; a decision the visitator
makes is posted after it is committed, and the visitator is told where it went."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from flask import current_app
from pypdf import PdfReader
from sqlalchemy import select

from selvvisitation.domain.dates import local_today
from selvvisitation.extensions import db
from selvvisitation.models import Decision
from selvvisitation.services.digital_post import FolderTransport, envelope_for, send_decision_letter
from tests.clock import MONDAY
from tests.pages import check_page, sign_in_staff

pytestmark = pytest.mark.today(MONDAY)

pytest.importorskip("weasyprint")

LETTER = "## Afgørelse om hjælp i hjemmet\n\nKære Karen\n\n## Sådan klager du\n\nKlag inden 4 uger."


@pytest.fixture
def post_folder(app, tmp_path):
    app.config["DIGITAL_POST_FOLDER"] = str(tmp_path / "digital_post")
    yield tmp_path / "digital_post"
    app.config["DIGITAL_POST_FOLDER"] = ""


def test_the_folder_transport_writes_the_envelope_and_the_pdf_without_a_cpr_number(
    factories, post_folder
):
    decision = factories.Decision(letter_text=LETTER)
    citizen = decision.citizen
    delivery = send_decision_letter(decision)
    assert delivery is not None and delivery.written and delivery.transport == "folder"
    names = sorted(path.name for path in post_folder.iterdir())
    envelope_id = envelope_for(decision).envelope_id
    assert names == [f"{envelope_id}.json", f"{envelope_id}.pdf"]
    envelope = json.loads((post_folder / f"{envelope_id}.json").read_text("utf-8"))
    assert envelope["recipient_reference"] == (f"citizen:{citizen.municipality.code}:{citizen.id}")
    assert envelope["title"].startswith("Afgørelse om hjælp i hjemmet")
    assert envelope["sender"] == f"{citizen.municipality.name}, Visitationen"
    assert envelope["document_file"] == f"{envelope_id}.pdf"
    for path in post_folder.iterdir():
        assert citizen.cpr not in path.name
        assert citizen.cpr.encode() not in path.read_bytes()
    reader = PdfReader(io.BytesIO((post_folder / f"{envelope_id}.pdf").read_bytes()))
    assert "Sådan klager du" in reader.pages[0].extract_text()


def test_posting_the_same_letter_again_writes_nothing_new(factories, post_folder):
    decision = factories.Decision(letter_text=LETTER)
    first = send_decision_letter(decision)
    before = {path.name: path.stat().st_mtime_ns for path in post_folder.iterdir()}
    again = send_decision_letter(decision)
    assert (first.envelope_id, again.envelope_id, again.written) == (
        first.envelope_id,
        first.envelope_id,
        False,
    )
    assert {path.name: path.stat().st_mtime_ns for path in post_folder.iterdir()} == before


def test_a_new_version_is_a_new_envelope(factories):
    first = factories.Decision(letter_text=LETTER)
    second = factories.Decision(citizen=first.citizen, version=2, letter_text=LETTER)
    assert envelope_for(first).envelope_id != envelope_for(second).envelope_id


def test_a_half_written_pdf_without_its_envelope_is_written_again(factories, tmp_path):
    decision = factories.Decision(letter_text=LETTER)
    transport = FolderTransport(tmp_path)
    envelope = envelope_for(decision)
    (tmp_path / envelope.document_file).write_bytes(b"%PDF-broken")
    delivery = transport.deliver(envelope, b"%PDF-1.7 whole")
    assert delivery.written
    assert (tmp_path / envelope.document_file).read_bytes() == b"%PDF-1.7 whole"


def test_digital_post_off_writes_nothing(factories, app, tmp_path):
    assert app.config["DIGITAL_POST_FOLDER"] == ""
    assert send_decision_letter(factories.Decision(letter_text=LETTER)) is None


def test_the_visitators_decision_is_posted_after_it_is_saved_and_she_is_told(
    client, page, factories, visitator, make_case, post_folder
):
    citizen = factories.Citizen(municipality=visitator.municipality, name="Karen Jensen")
    cleaning = factories.GrantedService(
        decision__citizen=citizen, service__name_da="Rengøring", minutes_per_delivery=60
    )
    case = make_case(citizen, flag_service=cleaning.service)
    sign_in_staff(client, visitator)
    starts = local_today() + timedelta(days=7)
    response = page.post(
        "visitation.change_decision",
        {
            "valid_from": starts.isoformat(),
            "grants-0-service": str(cleaning.service_id),
            "grants-0-minutes": "45",
            "grants-0-frequency": "weekly",
            "grants-0-weekdays": ["0"],
            "grants-0-end_date": "",
            "grants-1-service": "",
            "grants-1-frequency": "weekly",
            "reasons": "Rengøring hver uge.",
            "confirmed": "yes",
        },
        case_id=case.id,
    )
    decision = db.session.scalars(select(Decision).where(Decision.version == 2)).one()
    envelope_id = envelope_for(decision).envelope_id
    assert (post_folder / f"{envelope_id}.json").exists()
    text = PdfReader(io.BytesIO((post_folder / f"{envelope_id}.pdf").read_bytes())).pages
    assert "Sådan klager du" in " ".join(p.extract_text() for p in text)
    letter = check_page(client.get(response.location).get_data(as_text=True))
    flashes = " ".join(a.get_text(" ", strip=True) for a in letter.select(".alert"))
    assert "Brevet ligger i mappen til Digital Post" in flashes
    assert current_app.config["DIGITAL_POST_FOLDER"] == str(post_folder)
