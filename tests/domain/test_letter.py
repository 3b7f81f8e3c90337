"""The decision letter (seed 002 section 6: reasons, legal basis, complaint guidance; s. 17)."""

from __future__ import annotations

from datetime import date

import pytest

from selvvisitation.domain.letter import LetterInput, LetterLine, blocks, changes, compose, describe
from selvvisitation.domain.policy import default_legal_references
from selvvisitation.domain.types import Frequency


def _input(**overrides) -> LetterInput:
    values = dict(
        citizen_name="Karen Jensen",
        municipality_name="Esbjerg Kommune",
        visitation_phone="76 16 16 16",
        visitator_name="Vera Visitator",
        decided_on=date(2026, 3, 2),
        valid_from=date(2026, 3, 9),
        version=2,
        lines=[LetterLine("Rengøring", 45, Frequency.WEEKLY, (0, 3), date(2026, 3, 9))],
        previous=[LetterLine("Rengøring", 30, Frequency.WEEKLY, (0,), date(2025, 1, 1))],
        reasons="Du har brug for mere tid til rengøring.",
        legal_references=default_legal_references(),
    )
    values.update(overrides)
    return LetterInput(**values)


def test_letter_states_the_services_in_plain_words():
    text = compose(_input())
    assert "- Rengøring: 45 minutter hver uge (mandag, torsdag)." in text
    assert "gælder fra 9. marts 2026" in text


def test_letter_has_reasons_and_legal_basis():
    # Seed 002 section 6: a written decision with reasons and a reference to the legal rules.
    headings = [b.lines[0] for b in blocks(compose(_input())) if b.kind == "heading"]
    assert {"Begrundelse", "Lovgrundlag", "Sådan klager du"} <= set(headings)
    text = compose(_input())
    assert "Du har brug for mere tid til rengøring." in text
    assert "Serviceloven § 83" in text


def test_complaint_guidance_gives_procedure_and_four_week_deadline():
    # Seed 002 section 17 and retssikkerhedsloven § 67: oral or written, within 4 weeks,
    # the municipality reconsiders, then Ankestyrelsen.
    text = compose(_input())
    assert "mundtligt eller skriftligt" in text
    assert "inden 4 uger efter, at du har modtaget afgørelsen" in text
    assert "Retssikkerhedsloven § 67" in text
    assert "ser vi på sagen igen" in text
    assert "Ankestyrelsen" in text
    assert "76 16 16 16" in text


def test_letter_uses_the_municipalitys_own_legal_references():
    refs = default_legal_references() | {"home_help": "Ældreloven § 10 (eksempel)"}
    text = compose(_input(legal_references=refs))
    assert "Ældreloven § 10 (eksempel)" in text
    assert "Serviceloven § 83" not in text


def test_temporary_grant_states_its_last_day():
    # 003 "Midlertidig indsats": a temporary grant states its period.
    line = LetterLine("Bad", 30, Frequency.WEEKLY, (2,), date(2026, 3, 9), date(2026, 4, 30))
    assert describe(line).endswith("Midlertidig til og med 30. april 2026.")


@pytest.mark.parametrize(
    ("previous", "lines", "expected"),
    [
        ([], [LetterLine("Bad", 30, Frequency.DAILY)], ["Ny: Bad: 30 minutter hver dag."]),
        (
            [LetterLine("Bad", 30, Frequency.DAILY)],
            [],
            ["Ophører: Bad. Før: Bad: 30 minutter hver dag."],
        ),
        ([LetterLine("Bad", 30, Frequency.DAILY)], [LetterLine("Bad", 30, Frequency.DAILY)], []),
        (
            [LetterLine("Bad", 30, Frequency.DAILY)],
            [LetterLine("Bad", 40, Frequency.DAILY)],
            ["Ændret: Bad: 40 minutter hver dag. Før: Bad: 30 minutter hver dag."],
        ),
    ],
)
def test_changes_name_what_is_new_changed_or_stopped(previous, lines, expected):
    assert changes(previous, lines) == expected


def test_blocks_split_headings_lists_and_paragraphs():
    parsed = blocks(compose(_input()))
    assert parsed[0].kind == "heading"
    assert parsed[0].lines == ("Afgørelse om hjælp i hjemmet",)
    assert any(b.kind == "list" and b.lines[0].startswith("Rengøring") for b in parsed)
    assert parsed[-1].kind == "paragraph"
    assert parsed[-1].lines == ("Vera Visitator", "Visitationen, Esbjerg Kommune")
