"""What one evaluation did with each flag, as the callers and the CLI read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from selvvisitation.domain.types import FlagRule


@dataclass(frozen=True)
class FlagOutcome:
    """What one evaluation did with one flag."""

    action: str  # "opened", "kept" or "closed"
    flag_id: int
    citizen_id: int
    rule: FlagRule
    key: str
    service_code: str
    period_start: date
    period_end: date
    case_id: int | None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "flag_id": self.flag_id,
            "citizen_id": self.citizen_id,
            "rule": self.rule.value,
            "key": self.key,
            "service_code": self.service_code,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "case_id": self.case_id,
            "reason": self.reason,
        }


@dataclass
class EvaluationReport:
    """The outcome of one evaluation: opened, kept and closed flags, with details."""

    as_of: date
    citizens_evaluated: int
    outcomes: list[FlagOutcome] = field(default_factory=list)
    cases_opened: list[int] = field(default_factory=list)

    def _with(self, action: str) -> list[FlagOutcome]:
        return [outcome for outcome in self.outcomes if outcome.action == action]

    @property
    def opened(self) -> list[FlagOutcome]:
        return self._with("opened")

    @property
    def kept(self) -> list[FlagOutcome]:
        return self._with("kept")

    @property
    def closed(self) -> list[FlagOutcome]:
        return self._with("closed")

    def counts(self) -> dict[str, int]:
        return {
            "opened": len(self.opened),
            "kept": len(self.kept),
            "closed": len(self.closed),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "citizens_evaluated": self.citizens_evaluated,
            "counts": self.counts(),
            "cases_opened": self.cases_opened,
            "flags": [outcome.as_dict() for outcome in self.outcomes],
        }


def outcome(action: str, flag: Any, reason: str = "") -> FlagOutcome:
    """What became of ``flag``: a Flag, or the row of one kept as it was."""
    return FlagOutcome(
        action=action,
        flag_id=flag.id,
        citizen_id=flag.citizen_id,
        rule=flag.rule,
        key=flag.key,
        service_code=flag.key.split(":", 1)[-1],
        period_start=flag.period_start,
        period_end=flag.period_end,
        case_id=flag.case_id,
        reason=reason,
    )
