"""Ældreloven rules: which basis to suggest, and the two flags that replace time deviation.

Pure Python, no database (DOMAIN.md "Ældreloven"; each rule says whether it is law or our
reading, and every threshold is a municipality setting in domain.policy.Policy):

- Basis suggestion. **law** ÆL § 2 covers people at folkepensionsalder (and younger people
  with an equivalent need); **reading** the check page suggests AEL from
  ``ael_suggest_from_age`` (default 67), counted from the CPR birth date, and otherwise the
  policy's ``default_legal_basis``. The visitator always chooses; nothing here decides.
- Which flag rules apply. **law** minutes are no longer accounted for under Ældreloven
  ("ned på minuttet" no more); **reading** so the ±10 % time-deviation flag (seed 003) never
  applies to an AEL citizen, and the swap rules of § 94 a (rule 7 included) fall away with
  SEL § 83 (Serviceloven § 2 stk. 5).
- REPEATED_ELEMENT_DECLINE. **reading** of ÆL § 1 stk. 2 (selvbestemmelse): a citizen may
  say no to an element; when she keeps saying no (default 3 visits in 90 days) the
  visitator weighs her self-determination against what is safe (forsvarligt).
- PRIORITIES_NOT_MET. **reading** of ÆL § 11 (the content is planned with the citizen):
  when her priorities are repeatedly not met (default 3 in 30 days) the forløb may not fit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from selvvisitation.domain.flags import FlagFinding, finding_key, repeated_findings
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.types import FlagRule, LegalBasis, PriorityNotMetReason

# The law behind each AEL flag, kept in the evidence so the visitator sees why.
ELEMENT_DECLINE_LAW = "Ældreloven § 1, stk. 2"
PRIORITIES_NOT_MET_LAW = "Ældreloven § 11"
# One priorities flag per citizen: it is about the forløb as a whole, not one element.
PRIORITIES_SUBJECT = "forløb"


# --- the basis the check page suggests ----------------------------------------------------


def age_on(birth: date, day: date) -> int:
    """Whole years from ``birth`` to ``day``; a 29 February birthday counts on 1 March."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


@dataclass(frozen=True)
class BasisSuggestion:
    """What the check page suggests, and why; the visitator always chooses."""

    basis: LegalBasis
    reason: str  # "age" (at or over the policy's age) or "policy_default"
    age: int | None  # None when the birth date is unknown (e.g. a malformed CPR number)
    from_age: int


def suggest_basis(policy: Policy, birth: date | None, today: date) -> BasisSuggestion:
    """Suggest AEL from ``ael_suggest_from_age``; otherwise the policy's default basis."""
    age = None if birth is None else age_on(birth, today)
    if age is not None and age >= policy.ael_suggest_from_age:
        return BasisSuggestion(LegalBasis.AEL, "age", age, policy.ael_suggest_from_age)
    return BasisSuggestion(
        policy.default_legal_basis, "policy_default", age, policy.ael_suggest_from_age
    )


# --- which flag rules apply ---------------------------------------------------------------

RULES_BY_BASIS: Mapping[LegalBasis, tuple[FlagRule, ...]] = {
    LegalBasis.SEL: (FlagRule.REPEATED_DESELECTION, FlagRule.TIME_DEVIATION),
    LegalBasis.AEL: (FlagRule.REPEATED_ELEMENT_DECLINE, FlagRule.PRIORITIES_NOT_MET),
}


def rules_for(basis: LegalBasis) -> tuple[FlagRule, ...]:
    """The flag rules that apply to a citizen whose current decision has ``basis``."""
    return RULES_BY_BASIS[basis]


def time_deviation_applies(basis: LegalBasis) -> bool:
    """Seed 003's ±10 % rule needs granted minutes; an AEL decision has none."""
    return FlagRule.TIME_DEVIATION in rules_for(basis)


# --- repeated declines of one element (ÆL § 1 stk. 2) ---------------------------------------


@dataclass(frozen=True)
class ElementDecline:
    """The citizen said no to one element of her forløb at one visit."""

    day: date
    element_key: str  # stable per element, e.g. its id
    visit_ref: str
    element_name: str = ""
    fsiii_code: str = ""


def element_decline_findings(
    declines: Iterable[ElementDecline],
    policy: Policy,
    *,
    as_of: date,
    counted_after: Mapping[str, date] | None = None,
) -> list[FlagFinding]:
    """Flag each element declined at ``element_decline_threshold_count`` visits or more in
    the last ``element_decline_threshold_days`` days (inclusive of ``as_of``).

    A visit counts once per element. Only declines after a dismissal count.
    """
    items = list(declines)
    extra: dict[str, dict[str, object]] = {}
    for item in items:
        extra[item.element_key] = {
            "element_name": item.element_name,
            "fsiii_code": item.fsiii_code,
            "law": ELEMENT_DECLINE_LAW,
        }
    return repeated_findings(
        ((d.day, d.element_key, d.visit_ref) for d in items),
        FlagRule.REPEATED_ELEMENT_DECLINE,
        count=policy.element_decline_threshold_count,
        days=policy.element_decline_threshold_days,
        as_of=as_of,
        counted_after=counted_after,
        extra=extra,
    )


# --- priorities repeatedly not met (ÆL § 11) ------------------------------------------------


@dataclass(frozen=True)
class UnmetPriority:
    """A priority the worker could not meet, with the reason she recorded."""

    day: date  # the day it was answered (the visit's day)
    reference: str  # the priority's PRI- reference
    reason: PriorityNotMetReason
    text: str = ""  # what the citizen asked for, shown to the visitator


def priorities_not_met_finding(
    unmet: Iterable[UnmetPriority],
    policy: Policy,
    *,
    as_of: date,
    counted_after: date | None = None,
) -> FlagFinding | None:
    """A finding when at least ``priorities_not_met_threshold_count`` priorities were not met
    in the last ``priorities_not_met_threshold_days`` days (inclusive of ``as_of``).

    Each priority counts once, whatever the reason: safety and work environment are the
    worker's lawful judgement on the day, but when they keep stopping what matters most to
    her, the frame itself may be wrong, which is for the visitator to judge.
    """
    days = policy.priorities_not_met_threshold_days
    window_start = as_of - timedelta(days=days - 1)
    counted: dict[str, UnmetPriority] = {}
    for item in unmet:
        if not window_start <= item.day <= as_of:
            continue
        if counted_after is not None and item.day <= counted_after:
            continue
        counted[item.reference] = item
    items = sorted(counted.values(), key=lambda u: (u.day, u.reference))
    if len(items) < policy.priorities_not_met_threshold_count:
        return None
    reasons = Counter(item.reason.value for item in items)
    return FlagFinding(
        rule=FlagRule.PRIORITIES_NOT_MET,
        service_code=PRIORITIES_SUBJECT,
        period_start=items[0].day,
        period_end=items[-1].day,
        evidence={
            "count": len(items),
            "references": [item.reference for item in items],
            "days": [item.day.isoformat() for item in items],
            "texts": [item.text for item in items],
            "reasons": {reason.value: reasons[reason.value] for reason in PriorityNotMetReason},
            "window_start": window_start.isoformat(),
            "window_end": as_of.isoformat(),
            "threshold_count": policy.priorities_not_met_threshold_count,
            "threshold_days": days,
            "counted_after": None if counted_after is None else counted_after.isoformat(),
            "law": PRIORITIES_NOT_MET_LAW,
        },
        key=finding_key(FlagRule.PRIORITIES_NOT_MET, PRIORITIES_SUBJECT),
    )
