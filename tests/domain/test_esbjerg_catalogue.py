"""Tests of the Esbjerg demo catalogue built from seed 002."""

from __future__ import annotations

import dataclasses

import pytest

from selvvisitation.demo.esbjerg_catalogue import CATALOGUE, CatalogueEntry, catalogue_by_code
from selvvisitation.domain.types import ServiceCategory

BY_CODE = catalogue_by_code()

# DOMAIN.md rule 10; seed 002 Personlige opgaver, Struktur og sammenhæng note ***:
# "Hjælp til lejlighedsvise opgaver***: indkøb af tøj, håndvask/strygning, mindre
# reparationer af tøj, håroprulning/føn/make-up, pynte op til højtider, læse post/skrive
# breve, gå tur" — "***Tilbydes kun som klippekort eller fleksibel hjemmehjælp".
RULE_10_CODES = {
    "FL-TOEJKOEB",
    "FL-STRYGNING",
    "FL-TOEJREP",
    "FL-HAAR-MAKEUP",
    "FL-PYNT",
    "FL-POST",
    "FL-GAATUR",
}

# DOMAIN.md rule 9; seed 002, each standard's row "Borgerens mulighed for at bytte".
NOT_SWAPPABLE = {
    "NK-NOEDKALD": ("Nødkald og telefonindvisitering", "Ingen"),
    "SY-SYGEPLEJE": ("Sygepleje", "Ydelserne kan ikke byttes"),
    "SY-MEDICIN": ("Sygepleje", "Ydelserne kan ikke byttes"),
    "TR-TRAENING": ("Træning efter Serviceloven", "Ydelsen kan ikke byttes"),
    "GT-GENOPTRAENING": ("Genoptræning efter Sundhedsloven", "kan ikke byttes til andet"),
    "HR-HVERDAGSREHAB": ("Hverdagsrehabilitering", "Ydelserne kan ikke byttes"),
    "PB-PLEJEBOLIG": ("Plejebolig", "Ydelsen kan ikke byttes"),
    "BO-BOERN": (
        "praktiske opgaver til børn",
        "alene er bevilget til praktiske opgaver omkring børnene",
    ),
    "TP-TANDPLEJE": ("Omsorgstandpleje", "Ydelse kan ikke byttes"),
}


def test_size_is_about_fifty() -> None:
    """The catalogue covers the brief's 35-50ish services."""
    assert 35 <= len(CATALOGUE) <= 55


def test_codes_unique_and_index_complete() -> None:
    """Codes are unique, so catalogue_by_code loses nothing."""
    codes = [entry.code for entry in CATALOGUE]
    assert len(codes) == len(set(codes))
    assert set(BY_CODE) == set(codes)


def test_entries_are_frozen() -> None:
    """Entries are immutable shared data."""
    entry = CATALOGUE[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.code = "X"  # type: ignore[misc]


def test_every_category_present() -> None:
    """Personal care, practical help, meals and other each have entries."""
    assert {entry.category for entry in CATALOGUE} == set(ServiceCategory)


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda e: e.code)
def test_entry_fields_filled(entry: CatalogueEntry) -> None:
    """Names, descriptions, synonyms, minutes and seed references are present."""
    assert entry.name_da.strip() and entry.name_en.strip()
    assert entry.description_da.strip() and entry.description_en.strip()
    assert entry.synonyms_da and entry.synonyms_en
    assert entry.default_minutes > 0  # placeholder minutes, but never zero or negative
    assert entry.quality_standard.strip() and entry.swap_rule_da.strip()
    assert isinstance(entry.category, ServiceCategory)


def test_rule_10_services_are_flexible_only() -> None:
    """DOMAIN.md rule 10; seed 002 Personlige opgaver, Struktur og sammenhæng note ***."""
    flagged = {entry.code for entry in CATALOGUE if entry.flexible_only}
    assert flagged == RULE_10_CODES
    for code in RULE_10_CODES:
        entry = BY_CODE[code]
        assert entry.swappable and entry.within_service_level
        assert "Struktur og sammenhæng" in entry.quality_standard
        assert "***" in entry.quality_standard


@pytest.mark.parametrize("code", sorted(NOT_SWAPPABLE))
def test_non_swappable_services(code: str) -> None:
    """DOMAIN.md rule 9; seed 002, the standard's "Borgerens mulighed for at bytte" row."""
    standard, quote = NOT_SWAPPABLE[code]
    entry = BY_CODE[code]
    assert entry.swappable is False
    assert standard.lower() in entry.quality_standard.lower()
    assert quote.lower() in entry.swap_rule_da.lower()


def test_personal_and_practical_tasks_swappable() -> None:
    """Seed 002 Personlige opgaver and Praktiske opgaver: "kan byttes"."""
    for entry in CATALOGUE:
        if entry.quality_standard.startswith(("Personlige opgaver", "Praktiske opgaver –")):
            if entry.within_service_level:
                assert entry.swappable, entry.code
                assert "kan byttes" in entry.swap_rule_da


def test_outside_service_level_cannot_be_swapped_to_in_esbjerg() -> None:
    """DOMAIN.md rule 2: Esbjerg limits swaps to its own service level."""
    outside = [entry for entry in CATALOGUE if not entry.within_service_level]
    assert {entry.code for entry in outside} == {"XS-VINDUER", "XS-HOVEDRENG"}
    assert all(not entry.swappable for entry in outside)


def test_meal_delivery_is_free_choice_not_swap() -> None:
    """Seed 002 Madudbringning: the row grants free choice of provider, not a swap."""
    meals = [entry for entry in CATALOGUE if entry.category is ServiceCategory.MEALS]
    assert meals
    for entry in meals:
        assert not entry.swappable
        assert "frit valg af leverandør" in entry.swap_rule_da


def test_core_services_present() -> None:
    """The services the brief names are in the catalogue."""
    for code in (
        "PP-BAD",
        "PP-KLAED",
        "PP-TOILET",
        "PP-MUND",
        "PP-BARBER",
        "PP-HAARVASK",
        "PP-SPISEHJAELP",
        "PR-RENG",
        "PR-STOEVSUG",
        "PR-GULVVASK",
        "PR-BADEVAER",
        "PR-KOEKKEN",
        "PR-SENGETOEJ",
        "PR-TOEJVASK",
        "PR-INDKOEB",
        "PP-OPVASK",
        "PR-SKRALD",
        "PR-OPRYD",
    ):
        assert code in BY_CODE


def test_synonyms_are_lowercase_words() -> None:
    """Synonyms are stored normalised so matchers can compare directly."""
    for entry in CATALOGUE:
        for word in (*entry.synonyms_da, *entry.synonyms_en):
            assert word == word.strip().lower(), (entry.code, word)


def test_fsiii_codes_are_rare_and_indicative() -> None:
    """We only fill FSIII codes we are sure of; most stay None."""
    filled = [entry for entry in CATALOGUE if entry.fsiii_code is not None]
    assert len(filled) <= 3
