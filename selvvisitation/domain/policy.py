"""A municipality's settings for the rules of flexible home help.

The law (Serviceloven § 94 a) leaves several choices to each municipality, and
the seeds give Esbjerg's choices (002, 003). They live here as data, so a
municipality changes a setting in the admin pages, never the code. The database
model mirrors these field names one to one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from selvvisitation.domain.messages import DEFAULT_REPLY_WORKING_DAYS
from selvvisitation.domain.supervision_themes import ThemeSet
from selvvisitation.domain.types import LegalBasis, SwapWindow

# Keys the citizen-facing texts look up; every policy must have all of them.
LEGAL_REFERENCE_KEYS: tuple[str, ...] = (
    "flexible_home_help",
    "home_help",
    "cannot_demand_later",
    "complaint",
    "decision",
    # Shown to the visitator beside a flag: the municipality's own document for the rule
    # (issue 12: cite the municipality's document by its title, not our seed numbers).
    "deselection_rule_source",
    "deviation_rule_source",
)


def default_legal_references() -> dict[str, str]:
    """Return the default citizen-facing references to the legal rules."""
    # Data, not code: from 1 July 2025 the Ældrelov (Ældreloven) governs home care
    # for the elderly, and a municipality serving citizens under it must replace
    # these Serviceloven references in its policy. The seeds (002, 004) predate it,
    # so the defaults cite Serviceloven; a lawyer should confirm the texts.
    return {
        # 004 §1.3.3 and footnote 2: the right to swap.
        "flexible_home_help": "Serviceloven § 94 a (fleksibel hjemmehjælp)",
        # 002 section 1: personal care and practical help are granted under § 83.
        "home_help": "Serviceloven § 83 (personlig og praktisk hjælp)",
        # 004 footnote 2: a deselected service cannot later be demanded under § 90.
        "cannot_demand_later": (
            "Serviceloven § 94 a, 2. pkt.: En ydelse, du har fravalgt, kan du ikke "
            "bagefter kræve leveret efter § 90."
        ),
        # DOMAIN.md: complaint deadline 4 weeks from receiving the decision.
        "complaint": (
            "Retssikkerhedsloven § 67: Du kan klage inden 4 uger efter, at du har "
            "modtaget afgørelsen. Du kan klage mundtligt eller skriftligt."
        ),
        # 002 section 6: written decision with reasons, legal reference, complaint guidance.
        "decision": "Serviceloven §§ 88 og 89 samt forvaltningslovens §§ 22-25",
        # Seed 002 §8 and seed 004 §1.3.3 (rule 7): Esbjerg's and the Health Authority's texts.
        "deselection_rule_source": (
            "Esbjerg Kommune: Kvalitetsstandarder, afsnit 8 \u201dFleksibel hjemmehjælp\u201d; "
            "Sundhedsstyrelsen: Inspirationsmateriale om selvvisitation (2022), afsnit 1.3.3"
        ),
        # Seed 003: Esbjerg's procedure for visitation and providers.
        "deviation_rule_source": (
            "Esbjerg Kommune: Procedure for samarbejde mellem visitation og leverandører, "
            "\u201dLøbende justering/revisitation\u201d"
        ),
    }


# Inclusive (low, high) bounds per integer field; the admin form shows them as
# "Skal være mellem %(low)s og %(high)s". Per-week minutes allow 7 deliveries of 8 hours.
POLICY_RANGES: Mapping[str, tuple[int, int]] = {
    "deselection_threshold_count": (1, 50),
    "deselection_threshold_days": (1, 365),
    "deviation_percent": (1, 100),
    "deviation_min_per_delivery": (1, 480),
    "deviation_min_per_week": (1, 3360),
    "deviation_sustained_days": (1, 365),
    "case_deadline_working_days": (1, 365),
    "practical_help_start_working_days": (1, 365),
}

# Ældreloven settings (DOMAIN.md "Ældreloven"), validated like POLICY_RANGES. Kept apart so the
# § 94 a settings pages and the version-1 interchange format stay as they are.
AEL_POLICY_RANGES: Mapping[str, tuple[int, int]] = {
    "ael_suggest_from_age": (18, 120),
    "element_decline_threshold_count": (1, 50),
    "element_decline_threshold_days": (1, 365),
    "priorities_not_met_threshold_count": (1, 50),
    "priorities_not_met_threshold_days": (1, 365),
}

AEL_BOOLEAN_FIELDS: tuple[str, ...] = ("ael_optional_minutes",)

# The visit calendar's settings (issue 14), kept apart like the Ældreloven ones. The deadline
# for a citizen's cancellation is counted in minutes before the visit's time window; two
# days at most (meals have their own rule: 002, Madservice).
VISIT_POLICY_RANGES: Mapping[str, tuple[int, int]] = {
    "citizen_cancel_deadline_minutes": (0, 2880),
}
VISIT_BOOLEAN_FIELDS: tuple[str, ...] = ("citizen_cancellations_count_as_deselection",)

# Messages (issue 14): the staff's reply deadline in working days (default 1); two weeks at most.
MESSAGE_POLICY_RANGES: Mapping[str, tuple[int, int]] = {
    "message_reply_working_days": (1, 10),
    # Issue 13: "Ring mig op" is answered within this many working days (default 1).
    "call_back_working_days": (1, 10),
}
# What the citizen reads about reaching the visitation (issue 12 item 10): free text, at
# most this many characters.
CONTACT_TEXT_FIELDS: Mapping[str, int] = {"visitation_opening_hours": 200}

BOOLEAN_FIELDS: tuple[str, ...] = (
    "outside_service_level_allowed",
    "flexible_only_any_category",
    "optional_holidays_are_working_days",
    "show_staff_names_in_access_log",
)


@dataclass(frozen=True)
class Policy:
    """One municipality's choices; the defaults are Esbjerg's (002, 003)."""

    # Rule 4: over which window a swap must balance against the time frame.
    swap_window: SwapWindow = SwapWindow.VISIT
    # Rule 2: the law allows swaps outside the service level (004 §1.3.3); Esbjerg
    # does not (002, "Borgerens mulighed for at bytte").
    outside_service_level_allowed: bool = False
    # Rule 10 beside rule 3: tasks offered only through flexible home help (a walk) may be
    # chosen by a citizen granted only one of personal care and practical help; 002 §8 and
    # 004 §1.3.3 give "støvsugning for en gåtur" as their example. On unless turned off.
    flexible_only_any_category: bool = True
    # Rule 7: repeated deselection asks the visitator to reassess.
    deselection_threshold_count: int = 3
    deselection_threshold_days: int = 90
    # 003 "Løbende justering/revisitation": ±10 %, 10 min per delivery, 20 min a week,
    # for more than 14 days.
    deviation_percent: int = 10
    deviation_min_per_delivery: int = 10
    deviation_min_per_week: int = 20
    deviation_sustained_days: int = 14
    # 002: case processing and start of practical help within 5 working days.
    case_deadline_working_days: int = 5
    practical_help_start_working_days: int = 5
    # Grundlovsdag, 24 and 31 December are days off in most deadline practice.
    optional_holidays_are_working_days: bool = False
    # Citizens see who looked at their case; staff names only if the municipality chooses.
    show_staff_names_in_access_log: bool = False
    # Ældreloven (DOMAIN.md "Ældreloven"): the basis a new decision gets by default, and the
    # age (from the CPR birth date) from which AEL is suggested; the visitator always chooses.
    default_legal_basis: LegalBasis = LegalBasis.SEL
    ael_suggest_from_age: int = 67
    # ÆL § 1 stk. 2: repeated declines of one element ask the visitator to weigh
    # self-determination against what is safe.
    element_decline_threshold_count: int = 3
    element_decline_threshold_days: int = 90
    # ÆL § 11: priorities repeatedly not met suggest the forløb may not fit.
    priorities_not_met_threshold_count: int = 3
    priorities_not_met_threshold_days: int = 30
    # Minutes are not accounted for under Ældreloven; a municipality may allow them optionally.
    ael_optional_minutes: bool = False
    # Issue 14: a citizen cancels a visit at the latest this many minutes before its time
    # window (default 2 hours); meals follow 002's own rule, 12:00 the day before.
    citizen_cancel_deadline_minutes: int = 120
    # Rule 7 (002 §8): whether a citizen's cancelled visit counts as a deselection of each
    # granted service planned at it; the municipality chooses.
    citizen_cancellations_count_as_deselection: bool = False
    # Issue 14: staff answer a citizen's message within this many working days.
    message_reply_working_days: int = DEFAULT_REPLY_WORKING_DAYS
    # Issue 13: the visitation calls back ("Ring mig op") within this many working days.
    call_back_working_days: int = 1
    # When the visitation answers its phone, in the municipality's words ("Mandag-fredag
    # kl. 8-12"); empty: the help page shows the number alone (issue 12 item 10).
    visitation_opening_hours: str = ""
    # Which themes a supervision visit offers (issue 11): seed 000's five (Thisted, the
    # default as before), the Ældretilsyn's three values (Ældretilsynsloven § 7 stk. 3), or
    # both, the supervisor choosing per visit (domain.supervision_themes.sets_offered).
    supervision_theme_sets: ThemeSet = ThemeSet.THISTED
    # Excluded from the hash because a dict is unhashable; equality still compares it.
    legal_references: Mapping[str, str] = field(
        default_factory=default_legal_references, hash=False
    )

    def validate(self) -> list[tuple[str, str]]:
        """Return (field, problem code) for every setting out of range; empty when valid."""
        problems: list[tuple[str, str]] = []
        if not isinstance(self.swap_window, SwapWindow):
            problems.append(("swap_window", "invalid_choice"))
        if not isinstance(self.default_legal_basis, LegalBasis):
            problems.append(("default_legal_basis", "invalid_choice"))
        if not isinstance(self.supervision_theme_sets, ThemeSet):
            problems.append(("supervision_theme_sets", "invalid_choice"))
        for name in (*BOOLEAN_FIELDS, *AEL_BOOLEAN_FIELDS, *VISIT_BOOLEAN_FIELDS):
            if not isinstance(getattr(self, name), bool):
                problems.append((name, "not_a_boolean"))
        for name, (low, high) in {
            **POLICY_RANGES,
            **AEL_POLICY_RANGES,
            **VISIT_POLICY_RANGES,
            **MESSAGE_POLICY_RANGES,
        }.items():
            value = getattr(self, name)
            # bool is a subclass of int; True is not a count of days.
            if not isinstance(value, int) or isinstance(value, bool):
                problems.append((name, "not_an_integer"))
            elif not low <= value <= high:
                problems.append((name, "out_of_range"))
        problems.extend(_legal_reference_problems(self.legal_references))
        return problems


def _legal_reference_problems(references: object) -> list[tuple[str, str]]:
    """Check that every citizen-facing reference exists and is not blank."""
    if not isinstance(references, Mapping):
        return [("legal_references", "not_a_mapping")]
    problems: list[tuple[str, str]] = []
    for key in LEGAL_REFERENCE_KEYS:
        text = references.get(key)
        if text is None:
            problems.append(("legal_references", f"missing:{key}"))
        elif not isinstance(text, str) or not text.strip():
            problems.append(("legal_references", f"blank:{key}"))
    return problems


POLICY_FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in fields(Policy))
