"""What a rule hands back: a finding that holds for one citizen (and service), and the
dismissals that bound the evidence it may count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from selvvisitation.domain.flags import FlagFinding


@dataclass(frozen=True)
class Found:
    """A rule that holds for one citizen's service: what a flag is opened or kept for."""

    citizen_id: int
    service_id: int | None  # None for the AEL rules: an element or the forløb, not a service
    finding: FlagFinding


# The latest dismissal day per (citizen, flag key): only evidence after it counts.
Dismissed = dict[tuple[int, str], date]
