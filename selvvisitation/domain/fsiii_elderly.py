"""The nine FSIII "Ældrelovsindsats" codes that elements of a forløb carry (DOMAIN.md "Ældreloven").

Vendored, not fetched: KL's terminology is a published package and the codes are stable UUIDs.

Source: FHIR package ``kl.dk.fhir.term`` version 2.3.0 (KL, Kommunernes Landsforening),
CodeSystem ``FSIII`` (url ``urn:oid:1.2.208.176.2.21``, CodeSystem version 20240530), group
"Ældrelovsindsats" ``2a668eb0-25f1-4101-863c-11e81c4bf210``; read from the public repository
hl7dk/kl-term, file ``input/vocabulary/CodeSystem-FSIII.json`` at commit c32a6c2e (2025-08-21).
KL Gateway (hl7dk/kl-gateway) accepts these codes since its version 1.2.0.

``source_display`` is the display exactly as the CodeSystem gives it; one of them spells
"hjaelp" without the æ, so ``name_da`` is what we show (the same words, spelt in Danish).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

TERMINOLOGY_PACKAGE = "kl.dk.fhir.term"
TERMINOLOGY_PACKAGE_VERSION = "2.3.0"
CODE_SYSTEM_URL = "urn:oid:1.2.208.176.2.21"
CODE_SYSTEM_VERSION = "20240530"
SOURCE = "https://github.com/hl7dk/kl-term/blob/c32a6c2e/input/vocabulary/CodeSystem-FSIII.json"
GROUP_CODE = "2a668eb0-25f1-4101-863c-11e81c4bf210"
GROUP_DISPLAY = "Ældrelovsindsats"


@dataclass(frozen=True)
class ElderlyCode:
    """One FSIII Ældrelovsindsats code: a UUID, its source display, our Danish and English names."""

    code: str
    source_display: str
    name_da: str
    name_en: str


ELDERLY_CODES: tuple[ElderlyCode, ...] = (
    ElderlyCode(
        "8dc5f564-b8c6-4aa1-ba34-682d62d15f31",
        "Personlig hjælp og pleje",
        "Personlig hjælp og pleje",
        "Personal help and care",
    ),
    ElderlyCode(
        "52de9a13-8605-4a80-8a40-78101a55c4a3",
        "Praktisk hjaelp i hjemmet",
        "Praktisk hjælp i hjemmet",
        "Practical help in the home",
    ),
    ElderlyCode(
        "5aa18d37-d924-4613-b6b5-1538f471db15", "Madservice", "Madservice", "Meals service"
    ),
    ElderlyCode(
        "a07ffdd2-3c27-4a42-a860-58f6bb840d77", "Genoptræning", "Genoptræning", "Rehabilitation"
    ),
    ElderlyCode(
        "649b3428-4018-47da-bb36-1f2bfab3c8c1",
        "Afløsning i hjemmet",
        "Afløsning i hjemmet",
        "Relief for relatives at home",
    ),
    ElderlyCode(
        "ceb5a58a-06ff-49c6-9da2-f65fc63847f6",
        "Aflastningsophold uden for hjemmet",
        "Aflastningsophold uden for hjemmet",
        "Respite stay away from home",
    ),
    ElderlyCode(
        "76bd54b0-87b8-453e-bfcd-48eec0737e5b",
        "Midlertidigt ophold",
        "Midlertidigt ophold",
        "Temporary stay",
    ),
    ElderlyCode(
        "8b92ac57-0200-4437-aacf-5b90898a3838",
        "Koordinering med pårørende og/eller civilsamfund",
        "Koordinering med pårørende og/eller civilsamfund",
        "Coordination with relatives and/or civil society",
    ),
    ElderlyCode(
        "fd6e4caf-a844-482f-b43b-0b8a43391a11",
        "Dialog med borger om tilrettelæggelse af forløb",
        "Dialog med borger om tilrettelæggelse af forløb",
        "Dialogue with the citizen on planning the programme",
    ),
)

BY_CODE: Mapping[str, ElderlyCode] = MappingProxyType({c.code: c for c in ELDERLY_CODES})

# Named codes the rest of the code (demo, tests) refers to.
PERSONAL_CARE = ELDERLY_CODES[0].code
PRACTICAL_HELP = ELDERLY_CODES[1].code
MEALS = ELDERLY_CODES[2].code
REHABILITATION = ELDERLY_CODES[3].code
RELIEF_AT_HOME = ELDERLY_CODES[4].code
RESPITE_STAY = ELDERLY_CODES[5].code
TEMPORARY_STAY = ELDERLY_CODES[6].code
COORDINATION = ELDERLY_CODES[7].code
PLANNING_DIALOGUE = ELDERLY_CODES[8].code


def is_elderly_code(code: str) -> bool:
    """True when ``code`` is one of the nine Ældrelovsindsats codes (exact, lower-case UUID)."""
    return code in BY_CODE


def name_for(code: str, language: str = "da") -> str:
    """The element's name in Danish (default) or English; KeyError for any other code."""
    entry = BY_CODE[code]
    return entry.name_en if language == "en" else entry.name_da
