"""The visitators' words for codes: case kinds, priorities, frequencies, answers."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from selvvisitation.domain.assessment import AssessmentStatus, Satisfaction, YesPartlyNo
from selvvisitation.domain.types import (
    CaseKind,
    CaseStatus,
    ElementOutcome,
    FlagRule,
    FlagStatus,
    Frequency,
    PriorityNotMetReason,
    SwapStatus,
    VisitServiceOutcome,
)

KIND_LABELS = {
    CaseKind.FLAG: _l("Flag from the rules"),
    CaseKind.REASSESSMENT_REQUEST: _l("Request for reassessment"),
    CaseKind.STAFF_REPORT: _l("Report from home care"),
    CaseKind.CALL_BACK: _l("The citizen asks to be called"),
}

PRIORITY_LABELS = {1: _l("High"), 2: _l("Normal"), 3: _l("Low")}

STATUS_LABELS = {
    CaseStatus.OPEN: _l("Open"),
    CaseStatus.IN_PROGRESS: _l("In progress"),
    CaseStatus.CLOSED: _l("Closed"),
}

FLAG_STATUS_LABELS = {
    FlagStatus.OPEN: _l("Open"),
    FlagStatus.CLOSED: _l("Closed"),
    FlagStatus.DISMISSED: _l("Dismissed"),
}

RULE_LABELS = {
    FlagRule.REPEATED_DESELECTION: _l("Repeated deselection"),
    FlagRule.TIME_DEVIATION: _l("Time deviation"),
    FlagRule.REPEATED_ELEMENT_DECLINE: _l("Repeated declines of an element"),
    FlagRule.PRIORITIES_NOT_MET: _l("Priorities repeatedly not met"),
}

ELEMENT_OUTCOME_LABELS = {
    ElementOutcome.PLANNED: _l("planned"),
    ElementOutcome.DONE: _l("done"),
    ElementOutcome.DECLINED: _l("the citizen said no this time"),
    ElementOutcome.NOT_DONE: _l("not done"),
}

NOT_MET_REASON_LABELS = {
    PriorityNotMetReason.SAFETY: _l("not safe to do"),
    PriorityNotMetReason.WORK_ENVIRONMENT: _l("work environment"),
    PriorityNotMetReason.OTHER: _l("other reason"),
}

FREQUENCY_LABELS = {
    Frequency.DAILY: _l("Every day"),
    Frequency.WEEKLY: _l("Every week"),
    Frequency.EVERY_2_WEEKS: _l("Every 2 weeks"),
    Frequency.EVERY_3_WEEKS: _l("Every 3 weeks"),
    Frequency.EVERY_5_6_WEEKS: _l("Every 5-6 weeks"),
}

WEEKDAY_LABELS = [
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
]

SATISFACTION_LABELS = {
    Satisfaction.VERY_SATISFIED: _l("Very satisfied"),
    Satisfaction.SATISFIED: _l("Satisfied"),
    Satisfaction.NEITHER: _l("Neither satisfied nor dissatisfied"),
    Satisfaction.DISSATISFIED: _l("Dissatisfied"),
    Satisfaction.VERY_DISSATISFIED: _l("Very dissatisfied"),
}

ANSWER_LABELS = {
    YesPartlyNo.YES: _l("Yes"),
    YesPartlyNo.PARTLY: _l("Partly"),
    YesPartlyNo.NO: _l("No"),
}

OUTCOME_LABELS = {
    VisitServiceOutcome.PLANNED: _l("planned"),
    VisitServiceOutcome.DELIVERED: _l("delivered"),
    VisitServiceOutcome.CHANGED: _l("delivered with other minutes"),
    VisitServiceOutcome.DROPPED: _l("deselected"),
    VisitServiceOutcome.NOT_DELIVERED: _l("not delivered"),
    VisitServiceOutcome.ADDED: _l("done instead"),
}

SWAP_STATUS_LABELS = {
    SwapStatus.REQUESTED: _l("waiting"),
    SwapStatus.ACCEPTED: _l("accepted"),
    SwapStatus.DECLINED: _l("declined"),
    SwapStatus.WITHDRAWN: _l("withdrawn"),
    SwapStatus.LAPSED: _l("lapsed when the decision changed"),
}

ASSESSMENT_STATUS_LABELS = {
    AssessmentStatus.BOOKED: _l("Booked"),
    AssessmentStatus.HELD: _l("Held"),
    AssessmentStatus.CANCELLED: _l("Cancelled"),
}

EVENT_LABELS = {
    "opened": _l("Case opened"),
    "flag_raised": _l("New flag"),
    "flags_closed": _l("All flags no longer hold"),
    "dismissed": _l("Dismissed"),
    "called_back": _l("Called back"),
    "decision_changed": _l("Decision changed"),
    "visit_booked": _l("Reassessment visit booked"),
    "visit_moved": _l("Reassessment visit moved"),
    "visit_cancelled": _l("Reassessment visit cancelled"),
    "forms_recorded": _l("Follow-up forms filled in"),
}


def labels() -> dict:
    """Everything a visitation template needs to name codes."""
    return {
        "kind_labels": KIND_LABELS,
        "priority_labels": PRIORITY_LABELS,
        "status_labels": STATUS_LABELS,
        "flag_status_labels": FLAG_STATUS_LABELS,
        "rule_labels": RULE_LABELS,
        "frequency_labels": FREQUENCY_LABELS,
        "weekday_labels": WEEKDAY_LABELS,
        "satisfaction_labels": SATISFACTION_LABELS,
        "answer_labels": ANSWER_LABELS,
        "event_labels": EVENT_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "element_outcome_labels": ELEMENT_OUTCOME_LABELS,
        "not_met_reason_labels": NOT_MET_REASON_LABELS,
        "swap_status_labels": SWAP_STATUS_LABELS,
        "assessment_status_labels": ASSESSMENT_STATUS_LABELS,
        # Actions render only once their journey is registered on the blueprint.
        "action_endpoints": set(current_app.view_functions),
    }
