"""Tests of the per-municipality policy settings."""

from __future__ import annotations

import dataclasses

import pytest

from selvvisitation.domain.policy import (
    AEL_POLICY_RANGES,
    LEGAL_REFERENCE_KEYS,
    POLICY_FIELD_NAMES,
    POLICY_RANGES,
    Policy,
    default_legal_references,
)
from selvvisitation.domain.types import LegalBasis, SwapWindow


def test_policy_has_exactly_the_fields_the_database_model_mirrors() -> None:
    """The DB model copies these names; a rename here must break this test."""
    assert POLICY_FIELD_NAMES == (
        "swap_window",
        "outside_service_level_allowed",
        "flexible_only_any_category",
        "deselection_threshold_count",
        "deselection_threshold_days",
        "deviation_percent",
        "deviation_min_per_delivery",
        "deviation_min_per_week",
        "deviation_sustained_days",
        "case_deadline_working_days",
        "practical_help_start_working_days",
        "optional_holidays_are_working_days",
        "show_staff_names_in_access_log",
        "default_legal_basis",
        "ael_suggest_from_age",
        "element_decline_threshold_count",
        "element_decline_threshold_days",
        "priorities_not_met_threshold_count",
        "priorities_not_met_threshold_days",
        "ael_optional_minutes",
        "citizen_cancel_deadline_minutes",
        "citizen_cancellations_count_as_deselection",
        "message_reply_working_days",
        "call_back_working_days",
        "visitation_opening_hours",
        "supervision_theme_sets",
        "legal_references",
    )


@pytest.mark.parametrize(
    ("name", "expected", "source"),
    [
        ("swap_window", SwapWindow.VISIT, "rule 4"),
        ("outside_service_level_allowed", False, "rule 2; seed 002 'Borgerens mulighed'"),
        ("flexible_only_any_category", True, "rule 10; seeds 002 §8, 004 §1.3.3 (issue 13)"),
        ("deselection_threshold_count", 3, "rule 7"),
        ("deselection_threshold_days", 90, "rule 7"),
        ("deviation_percent", 10, "seed 003 'Løbende justering/revisitation'"),
        ("deviation_min_per_delivery", 10, "seed 003 'Løbende justering/revisitation'"),
        ("deviation_min_per_week", 20, "seed 003 'Løbende justering/revisitation'"),
        ("deviation_sustained_days", 14, "seed 003 'Løbende justering/revisitation'"),
        ("case_deadline_working_days", 5, "seed 002 deadlines"),
        ("practical_help_start_working_days", 5, "seed 002 'Krav til leverance'"),
        ("optional_holidays_are_working_days", False, "DOMAIN.md hverdage"),
        ("show_staff_names_in_access_log", False, "privacy default"),
        ("citizen_cancel_deadline_minutes", 120, "issue 14: 2 hours before the time window"),
        (
            "citizen_cancellations_count_as_deselection",
            False,
            "issue 14: the municipality turns it on",
        ),
        ("message_reply_working_days", 1, "issue 14: a reply within 1 working day"),
        ("call_back_working_days", 1, "issue 13: 'Ring mig op' by the next working day"),
    ],
)
def test_default_policy_follows_esbjerg_seeds(name: str, expected: object, source: str) -> None:
    """Defaults are Esbjerg's choices from the seeds (002, 003); the source is named per row."""
    assert getattr(Policy(), name) == expected, source


def test_default_policy_is_valid() -> None:
    """The defaults must pass the admin form's own validation."""
    assert Policy().validate() == []


def test_policy_is_frozen() -> None:
    """A policy is a value; changing it means saving a new one."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        Policy().deviation_percent = 20  # type: ignore[misc]


def test_policy_is_hashable_despite_its_reference_mapping() -> None:
    """legal_references is excluded from the hash, so policies can key caches."""
    assert hash(Policy()) == hash(Policy())


def test_each_policy_gets_its_own_references_dict() -> None:
    """The default factory must not share one dict between policies."""
    first, second = Policy(), Policy()
    assert first.legal_references == second.legal_references
    assert first.legal_references is not second.legal_references


def test_legal_references_cover_every_citizen_facing_key() -> None:
    """Rule 6 and 002 section 6: texts for §94 a, §90, decision and complaint exist."""
    refs = default_legal_references()
    assert set(refs) == set(LEGAL_REFERENCE_KEYS)
    assert "§ 94 a" in refs["flexible_home_help"]
    assert "§ 90" in refs["cannot_demand_later"]
    assert "4 uger" in refs["complaint"]


@pytest.mark.parametrize(("name", "bounds"), sorted({**POLICY_RANGES, **AEL_POLICY_RANGES}.items()))
def test_integer_settings_accept_their_bounds_and_reject_just_outside(
    name: str, bounds: tuple[int, int]
) -> None:
    """Admin forms rely on validate() to reject out-of-range numbers, bounds inclusive."""
    low, high = bounds
    assert Policy(**{name: low}).validate() == []
    assert Policy(**{name: high}).validate() == []
    assert Policy(**{name: low - 1}).validate() == [(name, "out_of_range")]
    assert Policy(**{name: high + 1}).validate() == [(name, "out_of_range")]


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [
        ("deselection_threshold_count", 1, 50),
        ("deselection_threshold_days", 1, 365),
        ("deviation_percent", 1, 100),
        ("deviation_sustained_days", 1, 365),
    ],
)
def test_ranges_named_in_the_brief(name: str, low: int, high: int) -> None:
    """Counts 1..50, days 1..365, percent 1..100."""
    assert POLICY_RANGES[name] == (low, high)


@pytest.mark.parametrize("value", [True, 2.5, "10", None])
def test_non_integer_numbers_are_reported(value: object) -> None:
    """A bool or float is not a count; report it rather than compare it."""
    assert Policy(deviation_percent=value).validate() == [  # type: ignore[arg-type]
        ("deviation_percent", "not_an_integer")
    ]


def test_non_boolean_flag_and_unknown_window_are_reported() -> None:
    """Every problem is listed, not only the first."""
    policy = Policy(
        swap_window="month",  # type: ignore[arg-type]
        outside_service_level_allowed="yes",  # type: ignore[arg-type]
        deselection_threshold_count=0,
    )
    assert policy.validate() == [
        ("swap_window", "invalid_choice"),
        ("outside_service_level_allowed", "not_a_boolean"),
        ("deselection_threshold_count", "out_of_range"),
    ]


def test_missing_and_blank_legal_references_are_reported() -> None:
    """002 section 6: a decision must reference the legal rules, so none may be empty."""
    refs = default_legal_references()
    del refs["complaint"]
    refs["decision"] = "   "
    assert Policy(legal_references=refs).validate() == [
        ("legal_references", "missing:complaint"),
        ("legal_references", "blank:decision"),
    ]


def test_legal_references_that_are_not_a_mapping_are_reported() -> None:
    """A stray string from a form must not be iterated as keys."""
    policy = Policy(legal_references="Serviceloven")  # type: ignore[arg-type]
    assert policy.validate() == [("legal_references", "not_a_mapping")]


@pytest.mark.parametrize(
    ("name", "expected", "source"),
    [
        ("default_legal_basis", LegalBasis.SEL, "issue 11: § 94 a stays for every SEL decision"),
        ("ael_suggest_from_age", 67, "DOMAIN.md Ældreloven, law: ÆL § 2 folkepensionsalder"),
        ("element_decline_threshold_count", 3, "DOMAIN.md Ældreloven, reading: ÆL § 1 stk. 2"),
        ("element_decline_threshold_days", 90, "DOMAIN.md Ældreloven, reading: ÆL § 1 stk. 2"),
        ("priorities_not_met_threshold_count", 3, "DOMAIN.md Ældreloven, reading: ÆL § 11"),
        ("priorities_not_met_threshold_days", 30, "DOMAIN.md Ældreloven, reading: ÆL § 11"),
        ("ael_optional_minutes", False, "DOMAIN.md Ældreloven, law: no minutes recorded"),
    ],
)
def test_ael_defaults(name: str, expected: object, source: str) -> None:
    """Ældreloven settings (DOMAIN.md "Ældreloven"); the source is named per row (reading)."""
    assert getattr(Policy(), name) == expected, source


def test_unknown_default_basis_and_non_boolean_optional_minutes_are_reported() -> None:
    """A default basis is SEL or AEL; optional minutes is a yes/no setting."""
    policy = Policy(
        default_legal_basis="dk",  # type: ignore[arg-type]
        ael_optional_minutes="yes",  # type: ignore[arg-type]
    )
    assert policy.validate() == [
        ("default_legal_basis", "invalid_choice"),
        ("ael_optional_minutes", "not_a_boolean"),
    ]
