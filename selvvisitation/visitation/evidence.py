"""Explain a flag's evidence in plain words: which rule, which figures, which visits.

The rule codes come from the flag engine (selvvisitation.domain.flags); the words
cite where each rule comes from, so the visitator can check it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_decimal
from flask_babel import gettext as _

from selvvisitation.domain.policy import default_legal_references
from selvvisitation.domain.types import FlagRule
from selvvisitation.formatters import long_date
from selvvisitation.models import Flag


@dataclass(frozen=True)
class Explanation:
    summary: str
    rule: str
    source: str
    facts: list[tuple[str, str]]
    figures: list[dict]  # day, granted_minutes, delivered_minutes, visit_ref
    visit_refs: list[str]
    # Ældreloven: the priorities behind a PRIORITIES_NOT_MET flag (day, reference, text).
    priorities: list[dict] = field(default_factory=list)
    subject: str = ""  # the element an Ældreloven flag is about (SEL names its service)


def _day(value: object, fallback: date) -> str:
    """A day as the visitator reads it: "mandag 3. november 2026" (issue 12)."""
    try:
        return long_date(date.fromisoformat(str(value)) if value else fallback)
    except ValueError:
        return long_date(fallback)


def _number(value: object) -> str:
    """A figure with the language's decimal mark: "12,5" in Danish, never "15.0"."""
    if value is None or value == "":
        return "–"
    try:
        return format_decimal(float(str(value)), format="#,##0.#")
    except ValueError:
        return str(value)


def explain(
    flag: Flag, service_name: str, references: Mapping[str, str] | None = None
) -> Explanation:
    """The flag in words; `references` are the municipality's texts (policy.legal_references),
    whose own documents are cited as the source of the SEL rules."""
    references = references or default_legal_references()
    evidence = flag.evidence or {}
    refs = [str(ref) for ref in evidence.get("visit_refs", [])]
    if flag.rule == FlagRule.REPEATED_ELEMENT_DECLINE:
        return _explain_declines(flag, evidence, service_name, refs)
    if flag.rule == FlagRule.PRIORITIES_NOT_MET:
        return _explain_priorities(flag, evidence)
    if flag.rule == FlagRule.REPEATED_DESELECTION:
        return Explanation(
            summary=_(
                "%(service)s was deselected at %(count)s visits between %(start)s and %(end)s.",
                service=service_name,
                count=evidence.get("count", len(refs)),
                start=_day(evidence.get("window_start"), flag.period_start),
                end=_day(evidence.get("window_end"), flag.period_end),
            ),
            rule=_(
                "When a citizen keeps deselecting a granted service, the municipality must "
                "consider whether the decision still matches the need. A flag is raised at "
                "%(count)s deselections within %(days)s days.",
                count=evidence.get("threshold_count", "?"),
                days=evidence.get("threshold_days", "?"),
            ),
            source=references["deselection_rule_source"],
            facts=[
                (_("Deselections counted"), str(evidence.get("count", len(refs)))),
                (
                    _("Counted only after"),
                    _day(evidence["counted_after"], flag.period_start)
                    if evidence.get("counted_after")
                    else "–",
                ),
            ],
            figures=[],
            visit_refs=refs,
        )
    thresholds = evidence.get("thresholds", {})
    direction = evidence.get("direction")
    return Explanation(
        summary=_(
            "Delivered time for %(service)s was %(direction)s than granted at %(count)s "
            "deliveries over %(days)s days.",
            service=service_name,
            direction=_("more") if direction == "more" else _("less"),
            count=evidence.get("deliveries", len(refs)),
            days=evidence.get("days_covered", "?"),
        ),
        rule=_(
            "Granted time is adjusted when delivered time deviates by more than %(percent)s %% "
            "for more than %(sustained)s days, unless the change is both under %(per_delivery)s "
            "minutes per delivery and under %(per_week)s minutes a week on average.",
            percent=thresholds.get("percent", 10),
            sustained=thresholds.get("sustained_days", 14),
            per_delivery=thresholds.get("min_per_delivery", 10),
            per_week=thresholds.get("min_per_week", 20),
        ),
        source=references["deviation_rule_source"],
        facts=[
            (
                _("Change per delivery (minutes)"),
                _number(evidence.get("change_per_delivery_minutes")),
            ),
            (_("Change per week (minutes)"), _number(evidence.get("weekly_change_minutes"))),
            (_("Deliveries per week"), _number(evidence.get("deliveries_per_week"))),
        ],
        figures=list(evidence.get("figures", [])),
        visit_refs=refs,
    )


def _explain_declines(
    flag: Flag, evidence: dict, element_name: str, refs: list[str]
) -> Explanation:
    """Ældreloven § 1 stk. 2 (DOMAIN.md "Ældreloven", our reading)."""
    element_name = element_name or str(evidence.get("element_name", ""))
    return Explanation(
        summary=_(
            "The citizen said no to %(element)s at %(count)s visits between %(start)s and %(end)s.",
            element=element_name,
            count=evidence.get("count", len(refs)),
            start=_day(evidence.get("window_start"), flag.period_start),
            end=_day(evidence.get("window_end"), flag.period_end),
        ),
        rule=_(
            "Under the Act on the Elderly the citizen decides from visit to visit, and may say "
            "no. When she keeps saying no to the same part of her help, the visitator weighs "
            "her self-determination against what is safe: does the care programme still fit, "
            "and is she safe without it? A flag is raised at %(count)s no's within %(days)s days.",
            count=evidence.get("threshold_count", "?"),
            days=evidence.get("threshold_days", "?"),
        ),
        source=_("Ældreloven § 1, stk. 2 (self-determination)"),
        facts=[
            (_("No's counted"), str(evidence.get("count", len(refs)))),
            (
                _("Counted only after"),
                _day(evidence["counted_after"], flag.period_start)
                if evidence.get("counted_after")
                else "–",
            ),
        ],
        figures=[],
        visit_refs=refs,
        subject=element_name,
    )


def _explain_priorities(flag: Flag, evidence: dict) -> Explanation:
    """Ældreloven § 11 (DOMAIN.md "Ældreloven", our reading)."""
    reasons = evidence.get("reasons", {})
    priorities = [
        {"day": day, "reference": reference, "text": text}
        for day, reference, text in zip(
            evidence.get("days", []),
            evidence.get("references", []),
            evidence.get("texts", []),
            strict=False,
        )
    ]
    return Explanation(
        summary=_(
            "%(count)s of the citizen's priorities were not met between %(start)s and %(end)s.",
            count=evidence.get("count", len(priorities)),
            start=_day(evidence.get("window_start"), flag.period_start),
            end=_day(evidence.get("window_end"), flag.period_end),
        ),
        rule=_(
            "Under the Act on the Elderly the help is planned with the citizen. When what "
            "matters most to her keeps not being met, the care programme may not fit her. "
            "A flag is raised at %(count)s priorities not met within %(days)s days.",
            count=evidence.get("threshold_count", "?"),
            days=evidence.get("threshold_days", "?"),
        ),
        source=_("Ældreloven § 11 (the help is planned with the citizen)"),
        facts=[
            (_("Not safe to do"), str(reasons.get("safety", 0))),
            (_("Work environment"), str(reasons.get("work_environment", 0))),
            (_("Other reason"), str(reasons.get("other", 0))),
            (
                _("Counted only after"),
                _day(evidence["counted_after"], flag.period_start)
                if evidence.get("counted_after")
                else "–",
            ),
        ],
        figures=[],
        visit_refs=[],
        priorities=priorities,
    )
