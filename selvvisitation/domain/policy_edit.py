"""What an admin's change of the municipality's rules changes (the admin's rules page).

The settings the page edits, the fingerprint a save must match (the admin saves exactly
the values she saw previewed), what changed for the audit log, and which legal texts are
stored. Plain functions of two Policy values: no database, no form.
"""

from __future__ import annotations

from collections.abc import Mapping

from selvvisitation.domain.policy import (
    AEL_BOOLEAN_FIELDS,
    AEL_POLICY_RANGES,
    BOOLEAN_FIELDS,
    CONTACT_TEXT_FIELDS,
    LEGAL_REFERENCE_KEYS,
    MESSAGE_POLICY_RANGES,
    POLICY_RANGES,
    VISIT_BOOLEAN_FIELDS,
    VISIT_POLICY_RANGES,
    Policy,
    default_legal_references,
)

AEL_EDITABLE: tuple[str, ...] = (
    "default_legal_basis",
    *AEL_BOOLEAN_FIELDS,
    *AEL_POLICY_RANGES,
    "supervision_theme_sets",
)
VISIT_EDITABLE: tuple[str, ...] = (
    *VISIT_POLICY_RANGES,
    *VISIT_BOOLEAN_FIELDS,
    *MESSAGE_POLICY_RANGES,
)
# Every setting the rules page edits, besides the legal texts (LEGAL_REFERENCE_KEYS).
EDITABLE: tuple[str, ...] = (
    "swap_window",
    *BOOLEAN_FIELDS,
    *POLICY_RANGES,
    *AEL_EDITABLE,
    *VISIT_EDITABLE,
    *CONTACT_TEXT_FIELDS,
)


def fingerprint(policy: Policy) -> str:
    """The previewed settings: saving needs a preview of exactly these values."""
    return "|".join(
        [str(getattr(policy, name)) for name in EDITABLE]
        + [policy.legal_references[key] for key in LEGAL_REFERENCE_KEYS]
    )


def changed_references(current: Policy, proposed: Policy) -> dict[str, list[str]]:
    """The legal texts that differ: key -> [current text, proposed text]."""
    return {
        key: [current.legal_references[key], proposed.legal_references[key]]
        for key in LEGAL_REFERENCE_KEYS
        if current.legal_references[key] != proposed.legal_references[key]
    }


def changes(current: Policy, proposed: Policy) -> dict[str, list[str]]:
    """Every setting and legal text that differs, as the audit log keeps it:
    name -> [current, proposed] in words; a text as ``legal_references.<key>``."""
    found = {
        name: [str(getattr(current, name)), str(getattr(proposed, name))]
        for name in EDITABLE
        if getattr(current, name) != getattr(proposed, name)
    }
    found.update(
        {f"legal_references.{k}": v for k, v in changed_references(current, proposed).items()}
    )
    return found


def stored_references(references: Mapping[str, str]) -> dict[str, str]:
    """Only the texts that differ from the defaults are stored: new defaults still reach
    a municipality that never changed a text."""
    defaults = default_legal_references()
    return {key: text for key, text in references.items() if defaults.get(key) != text}
