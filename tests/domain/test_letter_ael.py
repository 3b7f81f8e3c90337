"""The decision letter under Ældreloven (DOMAIN.md "Ældreloven", reading: the letter cites
§ 10 and § 9 stk. 2 with the same complaint guidance as before; seed 002 sections 6, 17)."""

from __future__ import annotations

from datetime import date

from selvvisitation.domain.letter import (
    AelElementLine,
    AelLetterInput,
    LetterLine,
    blocks,
    compose,
    compose_ael,
)
from selvvisitation.domain.policy import default_legal_references
from selvvisitation.domain.types import Frequency
from tests.domain.test_letter import _input as sel_input


def _input(**overrides) -> AelLetterInput:
    values = dict(
        citizen_name="Inger Hansen",
        municipality_name="Esbjerg Kommune",
        visitation_phone="76 16 16 16",
        visitator_name="Vera Visitator",
        decided_on=date(2026, 3, 2),
        valid_from=date(2026, 3, 9),
        version=2,
        programme_name="Pleje og omsorg",
        programme_description="Hjælp til personlig pleje og til hjemmet.",
        elements=[
            AelElementLine("Personlig hjælp og pleje", "Bad tirsdag og fredag."),
            AelElementLine("Praktisk hjælp i hjemmet", "Rengøring hver anden uge."),
        ],
        goals="Jeg vil selv kunne gå i bad igen.",
        visit_frequency="Hver morgen",
        provider_name="Esbjerg Hjemmepleje",
        lives_in_nursing_home=False,
        follow_up_date=date(2026, 6, 1),
        reasons="Du er visiteret efter ældreloven ved revisitation.",
        legal_references=default_legal_references(),
    )
    values.update(overrides)
    return AelLetterInput(**values)


def _move(**overrides) -> AelLetterInput:
    values = {
        "previous": [LetterLine("Rengøring", 30, Frequency.WEEKLY, (0,))],
        "standing_swaps_end_on": date(2026, 3, 9),
        "lapsed_swaps": 2,
    }
    return _input(**(values | overrides))


def test_the_ael_letter_cites_section_10_and_9_stk_2() -> None:
    """Reading (DOMAIN.md Ældreloven): the letter cites ÆL § 10 and § 9 stk. 2."""
    text = compose_ael(_input())
    assert "Ældreloven § 10 (helhedspleje), jf. § 9, stk. 2" in text
    assert "Serviceloven § 83" not in text and "§ 94 a" not in text


def test_the_ael_letter_states_the_forlob_its_goals_how_often_and_who() -> None:
    """Law (ÆL § 10; DOMAIN.md Ældreloven): a forløb, planned with the citizen; issue 11: the
    goals in her words, what each element means for her, how often, the provider, follow-up."""
    text = compose_ael(_input())
    headings = [b.lines[0] for b in blocks(text) if b.kind == "heading"]
    assert headings[:6] == [
        "Afgørelse om hjælp i hjemmet efter ældreloven",
        "Dit forløb: Pleje og omsorg",
        "Dine mål",
        "Hvor ofte vi kommer",
        "Hvem der hjælper dig",
        "Opfølgning",
    ]
    assert "- Personlig hjælp og pleje: Bad tirsdag og fredag." in text
    assert "Jeg vil selv kunne gå i bad igen." in text
    assert "Hver morgen" in text
    assert "Esbjerg Hjemmepleje, som du har valgt" in text
    assert "frit vælge" in text and "§ 18" in text
    assert "senest 1. juni 2026" in text
    assert "minutter" not in text, "no minutes under Ældreloven"


def test_a_nursing_home_resident_has_no_free_choice() -> None:
    """Law (ÆL § 21; DOMAIN.md Ældreloven): free choice does not apply in plejebolig."""
    text = compose_ael(_input(lives_in_nursing_home=True, provider_name="Plejecenter Æblehaven"))
    assert "ikke frit valg" in text and "§ 21" in text
    assert "som du har valgt" not in text


def test_the_complaint_guidance_and_deadlines_are_the_same_as_under_serviceloven() -> None:
    """Reading (DOMAIN.md Ældreloven): the same complaint guidance (seed 002 s. 6 and 17)."""

    def complaint(text: str) -> str:
        return text[text.index("## Sådan klager du") :]

    sel = compose(sel_input(visitator_name="Vera Visitator"))
    assert complaint(compose_ael(_input())) == complaint(sel)
    assert "inden 4 uger efter, at du har modtaget afgørelsen" in compose_ael(_input())


def test_the_move_letter_says_what_she_had_what_she_has_and_that_swaps_become_priorities():
    """Law (Serviceloven § 2 stk. 5) and reading (DOMAIN.md Ældreloven): swaps fall away;
    the letter explains the change in plain words, and from which day standing swaps end."""
    text = compose_ael(_move())
    assert "## Det er ændret" in text
    assert "i stedet for efter serviceloven" in text
    assert "- Rengøring: 30 minutter hver uge (mandag)." in text  # what she had
    assert "Nu får du ét samlet forløb: Pleje og omsorg" in text
    assert "Du kan ikke længere bytte ydelser" in text
    assert "Det vigtigste for mig ved næste besøg" in text
    assert "Dine faste bytter ophører fra 9. marts 2026" in text
    assert "2 bytter, du havde bestilt" in text


def test_a_letter_that_is_not_a_move_says_nothing_about_swaps() -> None:
    text = compose_ael(_input())
    assert "bytte" not in text
    assert "## Det er ændret" not in text


def test_one_lapsed_swap_is_told_in_the_singular() -> None:
    text = compose_ael(_move(lapsed_swaps=1))
    assert "Et bytte, du havde bestilt til et besøg efter ændringen" in text
