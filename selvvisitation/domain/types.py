"""Shared vocabulary of the domain: enums used by the models and the rules."""

from __future__ import annotations

import enum


class ServiceCategory(enum.StrEnum):
    PERSONAL_CARE = "personal_care"  # personlig pleje / personlige opgaver
    PRACTICAL_HELP = "practical_help"  # praktisk hjælp / praktiske opgaver
    MEALS = "meals"  # madservice
    OTHER = "other"


class Frequency(enum.StrEnum):
    """How often a granted service is delivered (the decision letter's words)."""

    DAILY = "daily"
    WEEKLY = "weekly"  # on the weekdays listed with the grant (one or more a week)
    EVERY_2_WEEKS = "every_2_weeks"
    EVERY_3_WEEKS = "every_3_weeks"
    EVERY_5_6_WEEKS = "every_5_6_weeks"  # foot care (002: "hver 5.-6. uge")


class SwapWindow(enum.StrEnum):
    """Over which window a swap must balance against the time frame (rule 4)."""

    VISIT = "visit"
    WEEK = "week"
    TWO_WEEKS = "two_weeks"


class ProviderKind(enum.StrEnum):
    MUNICIPAL = "municipal"
    PRIVATE = "private"  # frit valg


class StaffRole(enum.StrEnum):
    HOME_CARE_WORKER = "home_care_worker"
    TEAM_LEADER = "team_leader"
    VISITATOR = "visitator"
    MUNICIPALITY_ADMIN = "municipality_admin"
    SUPERVISOR = "supervisor"  # tilsynsførende


class ConsentScope(enum.StrEnum):
    SEE = "see"  # may see the citizen's help and history
    ACT = "act"  # may also act on the citizen's behalf (implies SEE)


class RelationKind(enum.StrEnum):
    """How a relative is related to the citizen; OTHER comes with the citizen's own words."""

    CHILD = "child"
    PARTNER = "partner"  # spouse or partner
    SIBLING = "sibling"
    GRANDCHILD = "grandchild"
    FRIEND = "friend"  # friend or neighbour
    OTHER = "other"


class ConsentBasis(enum.StrEnum):
    WRITTEN = "written"  # skriftligt samtykke
    TACIT_POWER_OF_ATTORNEY = "tacit_power_of_attorney"  # stiltiende fuldmagt


class VisitServiceOutcome(enum.StrEnum):
    PLANNED = "planned"  # not yet recorded
    DELIVERED = "delivered"
    CHANGED = "changed"  # delivered with other minutes
    DROPPED = "dropped"  # deselected by the citizen (swap)
    NOT_DELIVERED = "not_delivered"  # cancelled, not a swap
    ADDED = "added"  # done instead (the swap's chosen service)


class SwapStatus(enum.StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"  # a changed decision left it without its service or its minutes


class LapseReason(enum.StrEnum):
    """Why a booked swap no longer applies after the decision changed (domain/replan.py)."""

    SERVICE_NOT_GRANTED = "service_not_granted"  # what it drops is no longer planned then
    VISIT_CANCELLED = "visit_cancelled"  # the visit is no longer planned
    FRAME_TOO_SMALL = "frame_too_small"  # what it adds no longer fits the time frame (rule 4)
    RULES_NOT_MET = "rules_not_met"  # the swap rules no longer allow it (rules 1-3, 9)
    # The citizen moved from Serviceloven to Ældreloven: swaps become priorities (issue 11).
    LEGAL_BASIS_CHANGED = "legal_basis_changed"


class DeclineReason(enum.StrEnum):
    """Why a worker judged a swap not safe on the day (rule 5)."""

    HYGIENE = "hygiene"
    WORK_ENVIRONMENT = "work_environment"
    OTHER = "other"


class FlagRule(enum.StrEnum):
    REPEATED_DESELECTION = "repeated_deselection"  # rule 7, 004 §1.3.3 / 002 §8
    TIME_DEVIATION = "time_deviation"  # 003 "Løbende justering/revisitation"
    # Ældreloven (DOMAIN.md "Ældreloven"): the citizen keeps declining one element (ÆL § 1 stk. 2).
    REPEATED_ELEMENT_DECLINE = "repeated_element_decline"
    # Ældreloven: her priorities are repeatedly not met; the forløb may not fit (ÆL § 11).
    PRIORITIES_NOT_MET = "priorities_not_met"


class FlagStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"  # no longer holds; closed with a reason
    DISMISSED = "dismissed"  # a visitator judged it needs no change


class CaseKind(enum.StrEnum):
    FLAG = "flag"
    REASSESSMENT_REQUEST = "reassessment_request"
    STAFF_REPORT = "staff_report"
    CALL_BACK = "call_back"  # the citizen or a relative asks to be phoned (issue 13)


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class ReassessmentReason(enum.StrEnum):
    MORE_HELP = "more_help"
    LESS_HELP = "less_help"
    HELP_DOES_NOT_FIT = "help_does_not_fit"
    OTHER = "other"


class LegalBasis(enum.StrEnum):
    """The law a decision version is made under (DOMAIN.md "Ældreloven")."""

    SEL = "sel"  # Serviceloven § 83 with § 94 a (flexible home help, swaps)
    AEL = "ael"  # Ældreloven § 10, helhedspleje (a forløb, priorities)


class PriorityKind(enum.StrEnum):
    """What a priority ("Det vigtigste for mig ved næste besøg") asks for."""

    FIRST = "first"  # an element of the forløb first
    MORE = "more"  # more of an element
    LESS = "less"  # less of an element
    SKIP = "skip"  # skip an element this time
    EXAMPLE = "example"  # one of the municipality's examples
    OWN_WORDS = "own_words"


class PriorityStatus(enum.StrEnum):
    REQUESTED = "requested"
    MET = "met"
    NOT_MET = "not_met"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"


class PriorityNotMetReason(enum.StrEnum):
    """Why the worker could not meet a priority on the day."""

    SAFETY = "safety"  # not forsvarligt
    WORK_ENVIRONMENT = "work_environment"
    OTHER = "other"  # with words


class ElementOutcome(enum.StrEnum):
    """One element of the forløb at one AEL visit."""

    PLANNED = "planned"
    DONE = "done"
    DECLINED = "declined"  # the citizen said no this time
    NOT_DONE = "not_done"


class ActorKind(enum.StrEnum):
    CITIZEN = "citizen"
    RELATIVE = "relative"
    STAFF = "staff"
    SYSTEM = "system"


class CancelReason(enum.StrEnum):
    """Why the citizen (or a relative) cancels a coming visit (issue 14)."""

    HOSPITAL = "hospital"  # in hospital
    FAMILY = "family"  # family is visiting
    AWAY = "away"  # away from home
    OTHER = "other"  # with words


class VisitChangeKind(enum.StrEnum):
    CANCELLED = "cancelled"
    MOVED = "moved"


class MoveRequestStatus(enum.StrEnum):
    """A citizen's request to move a visit: a request, not a booking (002)."""

    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
