"""The Danish texts the evaluation writes for the visitator: why a flag closed, and the
case title naming what was flagged."""

from __future__ import annotations

from selvvisitation.domain.ael import rules_for
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.types import FlagRule, LegalBasis
from selvvisitation.models import Flag
from selvvisitation.services.flags.found import Found

# Reasons written on a closed flag (shown to the visitator, in Danish like the UI).
CLOSED_REASONS: dict[FlagRule, str] = {
    FlagRule.REPEATED_DESELECTION: (
        "Gælder ikke længere: ydelsen er fravalgt færre end %(count)s gange "
        "de seneste %(days)s dage (regel 7; 004 §1.3.3, 002 §8)."
    ),
    FlagRule.TIME_DEVIATION: (
        "Gælder ikke længere: den leverede tid afviger ikke længere væsentligt "
        "fra den bevilgede tid (003 Løbende justering/revisitation)."
    ),
    FlagRule.REPEATED_ELEMENT_DECLINE: (
        "Gælder ikke længere: borgeren har sagt nej til elementet færre end %(count)s "
        "gange de seneste %(days)s dage (ældreloven § 1, stk. 2)."
    ),
    FlagRule.PRIORITIES_NOT_MET: (
        "Gælder ikke længere: færre end %(count)s af borgerens prioriteter er ikke blevet "
        "opfyldt de seneste %(days)s dage (ældreloven § 11)."
    ),
}


# A flag of the other law's rules no longer applies after the citizen changed basis.
CLOSED_BASIS_CHANGED: dict[LegalBasis, str] = {
    LegalBasis.AEL: (
        "Gælder ikke længere: borgerens afgørelse er nu efter ældreloven (helhedspleje), "
        "hvor minutter og fravalg efter serviceloven § 94 a ikke bruges."
    ),
    LegalBasis.SEL: (
        "Gælder ikke længere: borgerens afgørelse er nu efter serviceloven § 83, "
        "hvor forløb og prioriteter efter ældreloven ikke bruges."
    ),
}


CASE_TITLE = "Overvej revisitation: %(what)s"


RULE_TITLES: dict[FlagRule, str] = {
    FlagRule.REPEATED_DESELECTION: "gentagne fravalg af %(service)s",
    FlagRule.TIME_DEVIATION: "leveret tid afviger for %(service)s",
    FlagRule.REPEATED_ELEMENT_DECLINE: "gentagne nej til %(service)s",
    FlagRule.PRIORITIES_NOT_MET: "prioriteter gentagne gange ikke opfyldt",
}


def closed_reason(flag: Flag, policy: Policy, bases: dict[int, LegalBasis]) -> str:
    basis = bases.get(flag.citizen_id, LegalBasis.SEL)
    if flag.rule not in rules_for(basis):
        return CLOSED_BASIS_CHANGED[basis]
    counts = {
        FlagRule.REPEATED_ELEMENT_DECLINE: (
            policy.element_decline_threshold_count,
            policy.element_decline_threshold_days,
        ),
        FlagRule.PRIORITIES_NOT_MET: (
            policy.priorities_not_met_threshold_count,
            policy.priorities_not_met_threshold_days,
        ),
    }
    count, days = counts.get(
        flag.rule, (policy.deselection_threshold_count, policy.deselection_threshold_days)
    )
    return CLOSED_REASONS[flag.rule] % {"count": count, "days": days}


def flag_title(item: Found, service_names: dict[int, str]) -> str:
    """The flag in a case title: the service's or the element's name."""
    name = service_names.get(item.service_id, "") if item.service_id is not None else ""
    name = name or str(item.finding.evidence.get("element_name", ""))
    return RULE_TITLES[item.finding.rule] % {"service": name}
