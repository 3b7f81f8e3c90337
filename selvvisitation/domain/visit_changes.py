"""When a visit may be cancelled or moved, and what that obliges the provider to (issue 14).

Pure rules from seed 002 (Esbjerg Kommune's quality standards), no database:

- Personlige opgaver, "Krav til leverance": "Der må ikke forekomme aflysninger fra
  leverandørens side"; "Flytning af opgaven aftales mellem borger og leverandør"; "Hvis
  leverandøren ændrer på det aftalte tidspunkt med mere end 30 min. skal borgeren have
  besked."
- Praktiske opgaver, "Krav til leverance": "Hvis leverandøren bliver mere end 1 time
  forsinket, skal borgeren have besked"; "Hvis leverandøren aflyser opgaven, skal der gives
  et erstatningsbesøg indenfor 1 uge. Hvis borgeren aflyser opgaven tilbydes ikke
  erstatningsbesøg."
- Madservice, "Borgerens forpligtigelser": "borgeren [skal] melde fra senest kl. 12.00 dagen
  før leveringen."

The citizen's deadline for other visits is the municipality's setting (Policy
.citizen_cancel_deadline_minutes, default 2 hours before the visit's time window).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from selvvisitation.domain.dates import LOCAL, local_day
from selvvisitation.domain.types import ServiceCategory

# 002, Madservice: cancel meals before 12:00 the day before the delivery.
MEALS_CANCEL_CLOCK = time(12, 0)
# 002, Personlige opgaver: a change of the agreed time by more than 30 minutes is told.
PERSONAL_CARE_NOTICE_MINUTES = 30
# 002, Praktiske opgaver: a delay of more than 1 hour is told.
PRACTICAL_HELP_NOTICE_MINUTES = 60
# 002, Praktiske opgaver: a replacement visit within 1 week of the provider's cancellation.
REPLACEMENT_WITHIN_DAYS = 7


class ProviderCancelRefused(Exception):
    """The provider may not cancel this visit: it holds personal care (002)."""


@dataclass(frozen=True)
class CancelDeadline:
    """The latest moment (UTC) the citizen's side may cancel, and which rule set it."""

    at: datetime
    meals_rule: bool  # 12:00 the day before (002, Madservice) rather than the setting

    def allows(self, now: datetime) -> bool:
        return now < self.at


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def citizen_cancel_deadline(
    starts_at: datetime, categories: Iterable[ServiceCategory], deadline_minutes: int
) -> CancelDeadline:
    """The citizen's deadline for cancelling a visit starting at ``starts_at``.

    The municipality's setting counts back from the start of the time window. A visit that
    brings meals must be cancelled before 12:00 (Danish time) the day before (002, Madservice);
    when a visit holds meals and other help, the earlier deadline applies to the whole visit.
    """
    if deadline_minutes < 0:
        raise ValueError("the deadline cannot be after the visit starts")
    starts_at = _aware(starts_at)
    general = starts_at - timedelta(minutes=deadline_minutes)
    if ServiceCategory.MEALS not in set(categories):
        return CancelDeadline(general.astimezone(UTC), meals_rule=False)
    day_before = local_day(starts_at) - timedelta(days=1)
    meals = datetime.combine(day_before, MEALS_CANCEL_CLOCK, tzinfo=LOCAL).astimezone(UTC)
    if general < meals:
        return CancelDeadline(general.astimezone(UTC), meals_rule=False)
    return CancelDeadline(meals, meals_rule=True)


def visit_settled(*, cancelled: bool, recorded: bool, starts_at: datetime, now: datetime) -> bool:
    """Whether the visit is past changing: cancelled already, recorded, or begun. Nobody
    cancels or moves it then (the worker records what happened instead)."""
    return cancelled or recorded or _aware(starts_at) <= now


def citizen_cancel_refusal(
    *, cancelled: bool, recorded: bool, starts_at: datetime, deadline: CancelDeadline, now: datetime
) -> str | None:
    """Why the citizen's side may not cancel the visit now, or None when it may:
    "unavailable" (visit_settled) or "deadline" (past citizen_cancel_deadline: the
    municipality's minutes before the visit, or 12:00 the day before for meals, 002)."""
    if visit_settled(cancelled=cancelled, recorded=recorded, starts_at=starts_at, now=now):
        return "unavailable"
    if not deadline.allows(now):
        return "deadline"
    return None


@dataclass(frozen=True)
class ProviderCancel:
    """What a provider's cancellation obliges: a replacement by this day, or nothing."""

    replacement_by: date | None


def provider_cancel(day: date, categories: Iterable[ServiceCategory]) -> ProviderCancel:
    """Check that the provider may cancel the visit on ``day`` and say what it then owes.

    Raises ProviderCancelRefused when the visit holds personal care (002, Personlige opgaver:
    no cancellations from the provider's side). Practical help needs a replacement visit
    within 1 week (002, Praktiske opgaver).
    """
    kinds = set(categories)
    if ServiceCategory.PERSONAL_CARE in kinds:
        raise ProviderCancelRefused("personal care cannot be cancelled by the provider")
    if ServiceCategory.PRACTICAL_HELP in kinds:
        return ProviderCancel(replacement_by=day + timedelta(days=REPLACEMENT_WITHIN_DAYS))
    return ProviderCancel(replacement_by=None)


def replacement_day_allowed(cancelled_day: date, replacement: date, today: date) -> bool:
    """A replacement falls after the cancelled day, within 1 week of it, and not in the past."""
    return (
        cancelled_day < replacement <= cancelled_day + timedelta(days=REPLACEMENT_WITHIN_DAYS)
        and replacement >= today
    )


def provider_move_notice_due(
    categories: Iterable[ServiceCategory], old_start: datetime, new_start: datetime
) -> bool:
    """Must the citizen be told that the provider moved the visit? (002)

    Personal care: a change of more than 30 minutes either way. Practical help: a delay of
    more than 1 hour (002 speaks of being late; arriving earlier is a move the citizen agrees
    to, so only a later start counts here).
    """
    shift = (_aware(new_start) - _aware(old_start)).total_seconds() / 60
    kinds = set(categories)
    if ServiceCategory.PERSONAL_CARE in kinds and abs(shift) > PERSONAL_CARE_NOTICE_MINUTES:
        return True
    return ServiceCategory.PRACTICAL_HELP in kinds and shift > PRACTICAL_HELP_NOTICE_MINUTES


def replacement_overdue(replacement_by: date, delivered: bool, today: date) -> bool:
    """The team leader's flag: the week has passed and no replacement was delivered."""
    return not delivered and today > replacement_by
