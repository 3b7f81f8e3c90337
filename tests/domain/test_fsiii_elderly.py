"""The vendored FSIII "Ældrelovsindsats" codes (DOMAIN.md "Ældreloven", law: FSIII, KL's
terminology, package kl.dk.fhir.term 2.3.0, group 2a668eb0-25f1-4101-863c-11e81c4bf210)."""

from __future__ import annotations

import uuid

import pytest

from selvvisitation.domain import fsiii_elderly
from selvvisitation.domain.fsiii_elderly import (
    BY_CODE,
    ELDERLY_CODES,
    GROUP_CODE,
    PERSONAL_CARE,
    PRACTICAL_HELP,
    is_elderly_code,
    name_for,
)

# DOMAIN.md "Ældreloven" (law) names the nine codes of the group in this order.
DOMAIN_MD_NAMES = (
    "personlig hjælp og pleje",
    "praktisk hjælp i hjemmet",
    "madservice",
    "genoptræning",
    "afløsning i hjemmet",
    "aflastningsophold uden for hjemmet",
    "midlertidigt ophold",
    "koordinering med pårørende og/eller civilsamfund",
    "dialog med borger om tilrettelæggelse af forløb",
)


def test_there_are_the_nine_codes_domain_md_names_in_its_order() -> None:
    """Law (DOMAIN.md Ældreloven, FSIII): the group has nine codes."""
    assert tuple(c.name_da.lower() for c in ELDERLY_CODES) == DOMAIN_MD_NAMES


def test_every_code_is_a_distinct_lower_case_uuid_and_not_the_group() -> None:
    """Law (DOMAIN.md Ældreloven): FSIII codes are UUIDs; the group is not an element."""
    codes = [c.code for c in ELDERLY_CODES]
    assert len(set(codes)) == 9
    for code in codes:
        assert str(uuid.UUID(code)) == code
    assert GROUP_CODE not in codes
    assert str(uuid.UUID(GROUP_CODE)) == "2a668eb0-25f1-4101-863c-11e81c4bf210"


def test_the_source_displays_are_kept_as_published() -> None:
    """The CodeSystem spells one display without æ; we keep it and show the Danish spelling."""
    assert BY_CODE[PRACTICAL_HELP].source_display == "Praktisk hjaelp i hjemmet"
    assert name_for(PRACTICAL_HELP) == "Praktisk hjælp i hjemmet"
    differing = [c.code for c in ELDERLY_CODES if c.source_display != c.name_da]
    assert differing == [PRACTICAL_HELP]


def test_the_source_and_version_are_cited() -> None:
    """Reading: a vendored terminology says where and from which version it came."""
    assert fsiii_elderly.TERMINOLOGY_PACKAGE == "kl.dk.fhir.term"
    assert fsiii_elderly.TERMINOLOGY_PACKAGE_VERSION == "2.3.0"
    assert fsiii_elderly.CODE_SYSTEM_VERSION == "20240530"
    assert "hl7dk/kl-term" in fsiii_elderly.SOURCE
    assert fsiii_elderly.SOURCE.endswith("input/vocabulary/CodeSystem-FSIII.json")


def test_names_in_both_languages_and_membership() -> None:
    assert name_for(PERSONAL_CARE) == "Personlig hjælp og pleje"
    assert name_for(PERSONAL_CARE, "en") == "Personal help and care"
    assert all(c.name_en and c.name_en != c.name_da for c in ELDERLY_CODES)
    assert is_elderly_code(PERSONAL_CARE)
    assert not is_elderly_code(GROUP_CODE)
    assert not is_elderly_code(PERSONAL_CARE.upper())
    assert not is_elderly_code("H1.1")  # a § 83 FSIII code is not an Ældrelovsindsats
    with pytest.raises(KeyError):
        name_for("H1.1")


def test_the_factories_use_a_real_code() -> None:
    from tests.factories import FSIII_PERSONAL_CARE

    assert FSIII_PERSONAL_CARE == PERSONAL_CARE
