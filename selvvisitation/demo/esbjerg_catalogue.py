"""Esbjerg Kommune's service catalogue for the demo, built from seed 002.

The catalogue is an import document in our own format (``esbjerg_catalogue.json``, docs/
import-format.md): the demo loads it through the importer like a municipality's own file
(demo/seed.py), so the demo proves the importer too. This module reads the same file for
the language tests, which need the catalogue without a database.

Seed 002 is Esbjerg's general service level and all its quality standards
(kvalitetsstandarder). Each service names the standard it comes from
(``quality_standard``) and quotes or paraphrases that standard's row "Borgerens
mulighed for at bytte" (``swap_rule_text``):
- personal care and practical help can be swapped within Esbjerg's service level
  (rule 2, 002 section 8); occasional tasks only through flexible home help or
  klippekort (rule 10); nursing cannot be swapped (rule 9);
- our reading: the meal-delivery row grants a free choice of provider (delivery or a
  centre café), not a swap; 004 §1.3.3 ties swapping to personal care and practical help.

The minutes are OUR PLACEHOLDERS (``minutes_are_placeholder``): the seeds give levels and
frequencies, never minutes (DOMAIN.md, "Service levels"). Each municipality sets its own.

The Fælles Sprog III (FSIII) codes are indicative only; one is filled in only where we are
confident it applies, and left out rather than guessed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from selvvisitation.domain.types import ServiceCategory

DOCUMENT = Path(__file__).with_name("esbjerg_catalogue.json")


@dataclass(frozen=True)
class CatalogueEntry:
    """One service of the municipality's catalogue, in words a citizen knows."""

    code: str  # our stable short code, never shown as the only label
    fsiii_code: str | None  # KL Fælles Sprog III code; indicative, None when unsure
    name_da: str
    name_en: str
    category: ServiceCategory
    swappable: bool  # rule 9: the standard's "Borgerens mulighed for at bytte" row
    flexible_only: bool  # rule 10: offered only through flexible home help or klippekort
    within_service_level: bool  # rule 2: Esbjerg lets citizens swap only within its level
    default_minutes: int  # PLACEHOLDER for the demo; the seeds give no minutes
    description_da: str
    description_en: str
    synonyms_da: tuple[str, ...]
    synonyms_en: tuple[str, ...]
    quality_standard: str  # heading (and sub-heading) of seed 002 the entry comes from
    swap_rule_da: str  # quote/paraphrase of that standard's swap row


@cache
def catalogue_document() -> dict[str, Any]:
    """The demo municipality and its catalogue, as an import document."""
    document: dict[str, Any] = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    return document


def _entry(service: dict[str, Any]) -> CatalogueEntry:
    return CatalogueEntry(
        code=service["code"],
        fsiii_code=service.get("fsiii_code"),
        name_da=service["name_da"],
        name_en=service["name_en"],
        category=ServiceCategory(service["category"]),
        swappable=service["swappable"],
        flexible_only=service["flexible_only"],
        within_service_level=service["within_service_level"],
        default_minutes=service["default_minutes"],
        description_da=service["description_da"],
        description_en=service["description_en"],
        synonyms_da=tuple(service["synonyms_da"]),
        synonyms_en=tuple(service["synonyms_en"]),
        quality_standard=service["quality_standard"],
        swap_rule_da=service["swap_rule_text"],
    )


CATALOGUE: tuple[CatalogueEntry, ...] = tuple(
    _entry(service) for service in catalogue_document()["services"]
)


def catalogue_by_code() -> dict[str, CatalogueEntry]:
    """Return the catalogue keyed by our stable code."""
    return {entry.code: entry for entry in CATALOGUE}
