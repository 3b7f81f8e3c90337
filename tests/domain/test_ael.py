"""Ældreloven rules (DOMAIN.md "Ældreloven"). Each test names the paragraph and says whether
it enforces the law's text (**law**) or our reading of it (**reading**)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from selvvisitation.domain.ael import (
    ELEMENT_DECLINE_LAW,
    PRIORITIES_NOT_MET_LAW,
    ElementDecline,
    UnmetPriority,
    age_on,
    element_decline_findings,
    priorities_not_met_finding,
    rules_for,
    suggest_basis,
    time_deviation_applies,
)
from selvvisitation.domain.cpr import birth_date
from selvvisitation.domain.fsiii_elderly import PERSONAL_CARE
from selvvisitation.domain.policy import Policy
from selvvisitation.domain.types import FlagRule, LegalBasis, PriorityNotMetReason

AS_OF = date(2026, 6, 30)
POLICY = Policy()


# --- which basis to suggest -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(1959, 6, 30), date(2026, 6, 30), 67),  # the birthday itself
        (date(1959, 7, 1), date(2026, 6, 30), 66),  # the day before
        (date(1960, 2, 29), date(2027, 2, 28), 66),  # leap-day birth, not yet
        (date(1960, 2, 29), date(2027, 3, 1), 67),
        (date(1930, 12, 31), date(2026, 1, 1), 95),
    ],
)
def test_age_is_counted_in_whole_years_from_the_birth_date(birth, day, age) -> None:
    """Reading (DOMAIN.md Ældreloven, ÆL § 2 folkepensionsalder): age counts whole years."""
    assert age_on(birth, day) == age


def test_ael_is_suggested_from_the_policy_age_counted_from_the_cpr_birth_date() -> None:
    """Reading (DOMAIN.md Ældreloven; ÆL § 2): suggest AEL from 67; the visitator chooses."""
    born = birth_date("300659-1234")  # 30 June 1959: 67 on AS_OF
    suggestion = suggest_basis(POLICY, born, AS_OF)
    assert (suggestion.basis, suggestion.reason, suggestion.age) == (LegalBasis.AEL, "age", 67)
    day_before = suggest_basis(POLICY, born, AS_OF - timedelta(days=1))
    assert (day_before.basis, day_before.reason, day_before.age) == (
        LegalBasis.SEL,
        "policy_default",
        66,
    )


def test_under_the_age_the_policy_default_basis_is_suggested() -> None:
    """Law (ÆL § 2): younger people with an equivalent need may also be under Ældreloven, so a
    municipality that defaults to AEL gets AEL suggested for them too (reading: a setting)."""
    born = date(1980, 1, 1)
    assert suggest_basis(POLICY, born, AS_OF).basis == LegalBasis.SEL
    ael_default = Policy(default_legal_basis=LegalBasis.AEL)
    assert suggest_basis(ael_default, born, AS_OF).basis == LegalBasis.AEL
    assert suggest_basis(ael_default, born, AS_OF).reason == "policy_default"


def test_the_suggestion_age_is_a_setting() -> None:
    """Reading (DOMAIN.md Ældreloven): municipalities may differ; the setting wins."""
    born = date(1961, 1, 1)  # 65 on AS_OF
    assert suggest_basis(POLICY, born, AS_OF).basis == LegalBasis.SEL
    assert suggest_basis(Policy(ael_suggest_from_age=65), born, AS_OF).basis == LegalBasis.AEL
    assert suggest_basis(Policy(ael_suggest_from_age=65), born, AS_OF).from_age == 65


def test_without_a_birth_date_the_policy_default_is_suggested() -> None:
    """Reading: no birth date, no age-based suggestion; the visitator chooses as always."""
    suggestion = suggest_basis(Policy(default_legal_basis=LegalBasis.AEL), None, AS_OF)
    assert (suggestion.basis, suggestion.reason, suggestion.age) == (
        LegalBasis.AEL,
        "policy_default",
        None,
    )


# --- which flag rules apply -----------------------------------------------------------------


def test_the_time_deviation_flag_never_applies_to_an_ael_citizen() -> None:
    """Reading (DOMAIN.md Ældreloven): minutes are not accounted for under Ældreloven, so seed
    003's ±10 % rule does not apply; it still applies under Serviceloven."""
    assert not time_deviation_applies(LegalBasis.AEL)
    assert time_deviation_applies(LegalBasis.SEL)


def test_even_optional_minutes_do_not_bring_the_time_deviation_flag_back() -> None:
    """Reading: optional minutes (a setting) are information, not a granted frame to compare."""
    assert Policy(ael_optional_minutes=True).ael_optional_minutes
    assert FlagRule.TIME_DEVIATION not in rules_for(LegalBasis.AEL)


def test_each_basis_has_its_own_two_rules() -> None:
    """Law (Serviceloven § 2 stk. 5) and reading (DOMAIN.md Ældreloven): swaps, and so rule 7,
    fall away under Ældreloven; declines and unmet priorities take the place of minutes."""
    assert rules_for(LegalBasis.SEL) == (FlagRule.REPEATED_DESELECTION, FlagRule.TIME_DEVIATION)
    assert rules_for(LegalBasis.AEL) == (
        FlagRule.REPEATED_ELEMENT_DECLINE,
        FlagRule.PRIORITIES_NOT_MET,
    )


# --- repeated declines of one element (ÆL § 1 stk. 2) ---------------------------------------


def declined(days_ago: int, element: str = "7", ref: str | None = None) -> ElementDecline:
    return ElementDecline(
        AS_OF - timedelta(days=days_ago),
        element,
        ref or f"v{days_ago}",
        element_name="Personlig hjælp og pleje",
        fsiii_code=PERSONAL_CARE,
    )


def test_three_declines_of_one_element_in_90_days_raise_a_flag_with_its_evidence() -> None:
    """Reading of ÆL § 1 stk. 2 (DOMAIN.md Ældreloven): self-determination weighed against
    safety; the evidence names the visits, the element and the law."""
    [finding] = element_decline_findings(
        [declined(80), declined(40), declined(0)], POLICY, as_of=AS_OF
    )
    assert finding.rule == FlagRule.REPEATED_ELEMENT_DECLINE
    assert finding.key == "repeated_element_decline:7"
    assert (finding.period_start, finding.period_end) == (AS_OF - timedelta(days=80), AS_OF)
    evidence = finding.evidence
    assert evidence["count"] == 3
    assert evidence["visit_refs"] == ["v80", "v40", "v0"]
    assert evidence["element_name"] == "Personlig hjælp og pleje"
    assert evidence["fsiii_code"] == PERSONAL_CARE
    assert evidence["law"] == ELEMENT_DECLINE_LAW == "Ældreloven § 1, stk. 2"
    assert (evidence["threshold_count"], evidence["threshold_days"]) == (3, 90)
    assert evidence["window_start"] == (AS_OF - timedelta(days=89)).isoformat()
    assert json.loads(json.dumps(evidence)) == evidence


def test_two_declines_are_not_enough() -> None:
    """Reading (DOMAIN.md Ældreloven): one or two no's are her self-determination at work."""
    assert element_decline_findings([declined(10), declined(0)], POLICY, as_of=AS_OF) == []


def test_the_window_is_90_days_inclusive_and_later_days_do_not_count() -> None:
    """Reading: 'default 3 in 90 days', the 90 days ending with the evaluation day."""
    inside = [declined(89), declined(50), declined(0)]
    assert len(element_decline_findings(inside, POLICY, as_of=AS_OF)) == 1
    outside = [declined(90), declined(50), declined(0)]
    assert element_decline_findings(outside, POLICY, as_of=AS_OF) == []
    future = [declined(50), declined(0), declined(-1)]
    assert element_decline_findings(future, POLICY, as_of=AS_OF) == []


def test_declines_of_different_elements_are_counted_apart() -> None:
    """Reading: it is the same element she keeps declining that asks for a look."""
    mixed = [declined(30, "7"), declined(20, "8"), declined(10, "7"), declined(0, "9")]
    assert element_decline_findings(mixed, POLICY, as_of=AS_OF) == []
    findings = element_decline_findings(
        [*mixed, declined(5, "8"), declined(1, "8")], POLICY, as_of=AS_OF
    )
    assert [f.key for f in findings] == ["repeated_element_decline:8"]


def test_a_visit_counts_once_per_element() -> None:
    """Reading: two lines of the same element at one visit are one decline."""
    same_visit = [declined(10, ref="a"), declined(10, ref="a"), declined(0, ref="b")]
    assert element_decline_findings(same_visit, POLICY, as_of=AS_OF) == []


def test_only_declines_after_a_dismissal_count() -> None:
    """Reading: a visitator who judged the no's safe is not asked again on the same evidence."""
    items = [declined(30), declined(20), declined(10)]
    dismissed = {"7": AS_OF - timedelta(days=20)}
    assert element_decline_findings(items, POLICY, as_of=AS_OF, counted_after=dismissed) == []
    [finding] = element_decline_findings(
        [*items, declined(5), declined(0)], POLICY, as_of=AS_OF, counted_after=dismissed
    )
    assert finding.evidence["count"] == 3
    assert finding.evidence["counted_after"] == (AS_OF - timedelta(days=20)).isoformat()


def test_the_decline_thresholds_are_settings() -> None:
    """Reading (DOMAIN.md Ældreloven): where municipalities may differ, the setting wins."""
    items = [declined(20), declined(0)]
    assert element_decline_findings(items, POLICY, as_of=AS_OF) == []
    two = Policy(element_decline_threshold_count=2, element_decline_threshold_days=21)
    assert len(element_decline_findings(items, two, as_of=AS_OF)) == 1
    short = Policy(element_decline_threshold_count=2, element_decline_threshold_days=20)
    assert element_decline_findings(items, short, as_of=AS_OF) == []


@given(
    st.lists(
        st.tuples(st.integers(-5, 120), st.sampled_from("ab"), st.integers(0, 30)), max_size=30
    )
)
def test_a_decline_flag_holds_exactly_when_enough_distinct_visits_fall_in_the_window(rows) -> None:
    """Reading of ÆL § 1 stk. 2: the count is distinct visits per element in the window."""
    items = [declined(days_ago, element, f"v{ref}") for days_ago, element, ref in rows]
    findings = {f.service_code: f for f in element_decline_findings(items, POLICY, as_of=AS_OF)}
    for element in "ab":
        visits = {(d, r) for d, e, r in rows if e == element and 0 <= d <= 89}
        assert (element in findings) == (len(visits) >= 3)
        if element in findings:
            assert findings[element].evidence["count"] == len(visits)


# --- priorities repeatedly not met (ÆL § 11) ------------------------------------------------


def unmet(
    days_ago: int, ref: str | None = None, reason=PriorityNotMetReason.SAFETY
) -> UnmetPriority:
    return UnmetPriority(
        AS_OF - timedelta(days=days_ago), ref or f"PRI-{days_ago}", reason, text="En gåtur"
    )


def test_three_unmet_priorities_in_30_days_raise_one_flag_for_the_forlob() -> None:
    """Reading of ÆL § 11 (DOMAIN.md Ældreloven): the forløb may not fit; the evidence lists
    the priorities, the reasons the workers gave and the law."""
    finding = priorities_not_met_finding(
        [
            unmet(29),
            unmet(10, reason=PriorityNotMetReason.WORK_ENVIRONMENT),
            unmet(0, reason=PriorityNotMetReason.OTHER),
        ],
        POLICY,
        as_of=AS_OF,
    )
    assert finding is not None
    assert finding.rule == FlagRule.PRIORITIES_NOT_MET
    assert finding.key == "priorities_not_met:forløb"
    evidence = finding.evidence
    assert evidence["count"] == 3
    assert evidence["references"] == ["PRI-29", "PRI-10", "PRI-0"]
    assert evidence["reasons"] == {"safety": 1, "work_environment": 1, "other": 1}
    assert evidence["texts"] == ["En gåtur"] * 3
    assert evidence["law"] == PRIORITIES_NOT_MET_LAW == "Ældreloven § 11"
    assert (evidence["threshold_count"], evidence["threshold_days"]) == (3, 30)
    assert json.loads(json.dumps(evidence)) == evidence


def test_two_unmet_priorities_or_one_outside_30_days_do_not_raise_it() -> None:
    """Reading: 'default 3 in 30 days', the 30 days ending with the evaluation day."""
    assert priorities_not_met_finding([unmet(10), unmet(0)], POLICY, as_of=AS_OF) is None
    assert priorities_not_met_finding([unmet(30), unmet(10), unmet(0)], POLICY, as_of=AS_OF) is None
    assert priorities_not_met_finding([unmet(10), unmet(0), unmet(-1)], POLICY, as_of=AS_OF) is None


def test_a_priority_counts_once() -> None:
    """Reading: one priority is one wish, however often it is reported."""
    items = [unmet(10, "PRI-1"), unmet(5, "PRI-1"), unmet(0, "PRI-2")]
    assert priorities_not_met_finding(items, POLICY, as_of=AS_OF) is None


def test_only_unmet_priorities_after_a_dismissal_count() -> None:
    """Reading: a dismissed flag comes back only on later evidence."""
    items = [unmet(20), unmet(10), unmet(0)]
    assert (
        priorities_not_met_finding(
            items, POLICY, as_of=AS_OF, counted_after=AS_OF - timedelta(days=10)
        )
        is None
    )


def test_the_priority_thresholds_are_settings() -> None:
    """Reading (DOMAIN.md Ældreloven): the setting wins."""
    items = [unmet(40), unmet(0)]
    policy = Policy(priorities_not_met_threshold_count=2, priorities_not_met_threshold_days=41)
    finding = priorities_not_met_finding(items, policy, as_of=AS_OF)
    assert finding is not None and finding.evidence["count"] == 2
