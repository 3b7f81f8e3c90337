"""What a change of the rules changes (domain/policy_edit): the admin saves exactly what she
previewed, the audit log keeps every difference, and only the municipality's own legal
texts are stored (issue 5: the rules page with preview; issue 16: moved out of the view)."""

from __future__ import annotations

from dataclasses import fields, replace

from selvvisitation.domain.policy import LEGAL_REFERENCE_KEYS, Policy, default_legal_references
from selvvisitation.domain.policy_edit import (
    EDITABLE,
    changed_references,
    changes,
    fingerprint,
    stored_references,
)
from selvvisitation.domain.types import SwapWindow


def _with_text(policy: Policy, key: str, text: str) -> Policy:
    return replace(policy, legal_references={**policy.legal_references, key: text})


def test_the_rules_page_edits_every_setting_of_the_policy() -> None:
    # Every field but the legal texts, which have their own fields (LEGAL_REFERENCE_KEYS).
    assert set(EDITABLE) == {f.name for f in fields(Policy)} - {"legal_references"}
    assert len(EDITABLE) == len(set(EDITABLE))


def test_a_preview_of_other_values_does_not_let_them_be_saved() -> None:
    policy = Policy()
    assert fingerprint(policy) == fingerprint(Policy())
    assert fingerprint(replace(policy, swap_window=SwapWindow.WEEK)) != fingerprint(policy)
    changed_text = _with_text(policy, "complaint", "Klag til kommunen.")
    assert fingerprint(changed_text) != fingerprint(policy)


def test_the_audit_log_keeps_each_setting_and_text_that_changed_and_nothing_else() -> None:
    current = Policy()
    proposed = _with_text(
        replace(current, swap_window=SwapWindow.WEEK, deselection_threshold_count=2),
        "complaint",
        "Klag til kommunen.",
    )
    assert changes(current, proposed) == {
        "swap_window": [str(SwapWindow.VISIT), str(SwapWindow.WEEK)],
        "deselection_threshold_count": ["3", "2"],
        "legal_references.complaint": [current.legal_references["complaint"], "Klag til kommunen."],
    }
    assert changes(current, current) == {}
    assert changed_references(current, proposed) == {
        "complaint": [current.legal_references["complaint"], "Klag til kommunen."]
    }


def test_only_the_texts_the_municipality_changed_are_stored_so_new_defaults_reach_it() -> None:
    defaults = default_legal_references()
    assert stored_references(defaults) == {}
    own = {**defaults, LEGAL_REFERENCE_KEYS[0]: "Vores egen tekst."}
    assert stored_references(own) == {LEGAL_REFERENCE_KEYS[0]: "Vores egen tekst."}
