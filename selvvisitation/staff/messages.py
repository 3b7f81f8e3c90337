"""Plain Danish for the problems the rules find in a visit record (domain.visit_record)."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import ngettext

from selvvisitation.domain.visit_record import RecordProblem


def _minutes(value: object) -> str:
    number = value if isinstance(value, int) else 0
    return ngettext("%(num)s minute", "%(num)s minutes", number)


def explain(problem: RecordProblem, names: Mapping[str, str]) -> str:
    """One sentence for the worker: what is wrong and what to do."""
    data = problem.data
    service = names.get(str(data.get("service_code")), str(data.get("service_code") or ""))
    code = problem.code.removeprefix("swap:")
    if code == "swap_undecided":
        return _("Choose whether the swap was done")
    if code == "decline_reason_missing":
        return _("Choose why the swap was not done")
    if code == "decline_text_missing":
        return _("Describe the reason the swap was not done")
    if code == "accepted_drop_not_dropped":
        return _(
            "You said yes to the swap. Mark %(service)s as dropped by the citizen.", service=service
        )
    if code == "accepted_add_not_done":
        return _(
            "You said yes to the swap. Choose %(service)s under help done instead.", service=service
        )
    if code == "declined_drop_dropped":
        return _("You said no to the swap, so %(service)s must be delivered.", service=service)
    if code == "acknowledgement_missing":
        return _(
            "Tell the citizen that a dropped service cannot be demanded later, and tick the box"
        )
    if code == "nothing_to_drop":
        return _(
            "You wrote help done instead, but no service is dropped. Mark the service "
            "the citizen swapped away."
        )
    if code == "nothing_chosen":
        return _(
            "You marked a service as dropped, but not what was done instead. Choose "
            "'Not delivered' if the citizen did not want other help."
        )
    if code == "drop_not_granted":
        return _("%(service)s is not granted, so it cannot be swapped away.", service=service)
    if code == "drop_not_swappable":
        return _("%(service)s cannot be swapped. It must be delivered.", service=service)
    if code == "drop_not_active_on_date":
        return _("%(service)s is not granted on this day.", service=service)
    if code == "drop_minutes_exceed_granted":
        return _(
            "More minutes of %(service)s are dropped than granted (%(granted)s).",
            service=service,
            granted=_minutes(data.get("granted_minutes")),
        )
    if code == "drop_exceeds_time_frame":
        return _(
            "More is dropped than the time frame (%(frame)s).",
            frame=_minutes(data.get("window_minutes")),
        )
    if code == "add_unknown_service":
        return _("Choose a service from the list, or describe the help.")
    if code == "add_not_swappable_to":
        return _("%(service)s cannot be chosen instead.", service=service)
    if code == "outside_service_level_not_allowed":
        if data.get("kind") == "free_text":
            return _(
                "The municipality does not allow help outside its service level. "
                "Choose a service from the list."
            )
        return _(
            "%(service)s is outside the municipality's service level and cannot be chosen instead.",
            service=service,
        )
    if code == "category_crossing_requires_both":
        return _(
            "Personal care and practical help can only be swapped for each other when "
            "the citizen is granted both."
        )
    if code == "over_time_frame":
        return _(
            "The help done instead takes %(used)s, but only %(available)s are free. Write "
            "fewer minutes, or say no to part of the swap.",
            used=_minutes(data.get("used_minutes")),
            available=_minutes(data.get("available_minutes")),
        )
    if code == "invalid_minutes":
        return _("Minutes must be between %(low)d and %(high)d", low=1, high=480)
    return _("The date of the visit cannot be used.")
