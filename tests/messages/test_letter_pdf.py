"""The decision letter as PDF (issue 14): it opens, its text can be extracted and holds
the complaint guidance (002 section 6: every written decision carries it; the deadline is
4 weeks, retssikkerhedsloven § 67), and it is PDF/UA-1: tagged, with language and title."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from selvvisitation.domain.letter import LetterInput, LetterLine, compose
from selvvisitation.domain.types import Frequency
from selvvisitation.extensions import db
from selvvisitation.models import AuditEntry
from tests.messages.helpers import message_scene
from tests.pages import sign_in_citizen, sign_in_relative, sign_in_staff

pytest.importorskip("weasyprint")


def letter_text(citizen) -> str:
    from datetime import date

    return compose(
        LetterInput(
            citizen_name=citizen.name,
            municipality_name="Testby Kommune",
            visitation_phone="70 10 20 30",
            visitator_name="Vera Krogh",
            decided_on=date(2026, 12, 1),
            valid_from=date(2026, 12, 7),
            version=1,
            lines=[LetterLine("Rengøring", 60, Frequency.EVERY_2_WEEKS)],
            previous=[],
            reasons="Du har brug for hjælp til rengøring.",
            legal_references={},
        )
    )


def decision_with_letter(factories):
    scene = message_scene(factories)
    decision = factories.Decision(citizen=scene.citizen, letter_text=letter_text(scene.citizen))
    return scene, decision


def read_pdf(response) -> PdfReader:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.get_data()))


def check_accessible_letter(reader: PdfReader, citizen) -> None:
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Afgørelse om hjælp i hjemmet" in text
    assert "Sådan klager du" in text
    assert "inden 4 uger" in text
    assert citizen.cpr not in text
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "da"
    assert bool(root["/MarkInfo"]["/Marked"])  # tagged
    assert "/StructTreeRoot" in root
    assert reader.metadata.title.startswith("Afgørelse om hjælp i hjemmet")
    xmp = reader.xmp_metadata.rdf_root.toxml()
    assert 'pdfuaid:part="1"' in xmp


def test_the_citizen_downloads_her_letter_as_an_accessible_pdf(client, page, factories):
    scene, decision = decision_with_letter(factories)
    sign_in_citizen(client, scene.citizen)
    soup = page.get("citizen.decision_letter", decision_id=decision.id)
    link = soup.select_one(f"a[href='/borger/afgoerelser/{decision.id}/pdf']")
    assert link.get_text(strip=True) == "Hent som PDF"
    response = client.get(link["href"])
    check_accessible_letter(read_pdf(response), scene.citizen)
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="afgoerelse-{decision.id}-version-1.pdf"'


def test_the_visitator_downloads_the_letter_and_the_read_is_audited(client, page, factories):
    scene, decision = decision_with_letter(factories)
    sign_in_staff(client, scene.visitator)
    soup = page.get("visitation.letter", decision_id=decision.id)
    link = soup.select_one(f"a[href='/visitation/afgoerelser/{decision.id}/brev.pdf']")
    assert link.get_text(strip=True) == "Hent som PDF"
    check_accessible_letter(read_pdf(client.get(link["href"])), scene.citizen)
    purposes = db.session.scalars(
        select(AuditEntry.purpose).where(AuditEntry.object_type == "decision_letter_pdf")
    ).all()
    assert purposes == ["case_handling"]


def test_a_relative_s_download_is_in_the_citizens_log(client, factories):
    scene, decision = decision_with_letter(factories)
    sign_in_relative(client, scene.relative, scene.citizen)
    read_pdf(client.get(f"/borger/afgoerelser/{decision.id}/pdf"))
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "decision_letter_pdf")
    ).one()
    assert (entry.actor_relative_id, entry.purpose) == (scene.relative.id, "relative_view")


def test_another_citizens_letter_is_not_found(client, factories):
    scene, decision = decision_with_letter(factories)
    other = factories.Citizen(municipality=scene.citizen.municipality)
    sign_in_citizen(client, other)
    assert client.get(f"/borger/afgoerelser/{decision.id}/pdf").status_code == 404
    sign_in_staff(client, scene.worker)
    assert client.get(f"/visitation/afgoerelser/{decision.id}/brev.pdf").status_code == 403
