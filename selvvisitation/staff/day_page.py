"""The day list's visits as the page shows them (Notify's app/models, issue 17).

Each visit's times, time frame and planned lines are formatted here, once per distinct
value, so the template prints strings in a flat loop instead of calling a filter for each
mention: a team's day shows the same few start times and durations again and again, and
each filter call through Jinja cost more than the formatting. The strings are the same
the filters give (formatters.clock, minutes and service_name).

The call link and the record link are made here too: through Jinja, the "Ring til …" text
(a gettext call and Markup's %-formatting) and the link (id_url) cost some 95,000 and
75,000 instructions a visit, a tenth of the page (issue 17). The strings are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale

from selvvisitation.domain.types import VisitServiceOutcome
from selvvisitation.formatters import clock, minutes
from selvvisitation.i18n import request_translations
from selvvisitation.links import id_urls
from selvvisitation.services.day_list import ListedVisit
from selvvisitation.services.staff_visits import VisitWishes


@dataclass(frozen=True, slots=True)
class DayListRow:
    """One visit on the day list with its display values."""

    visit: ListedVisit
    starts: str  # "07:30", as formatters.clock gives it
    ends: str
    time_frame: str  # "20 minutter", as formatters.minutes gives it
    # The planned lines as shown: "Opvask (10 minutter)", or an Ældreloven element's name.
    planned: tuple[str, ...]
    wishes: VisitWishes
    priorities: list[Any]
    # The citizen's number as a tel: link dials it, and what a screen reader says before
    # it ("Ring til Karen Jensen"); both "" without a number.
    phone_href: str
    call_label: str
    record_url: str  # where the visit is recorded; "" for a cancelled visit


def _once(format_value: Callable[[Any], str]) -> Callable[[Any], str]:
    """format_value, formatted once per distinct value for this page."""
    done: dict[Any, str] = {}

    def formatted(value: Any) -> str:
        text = done.get(value)
        if text is None:
            text = done[value] = format_value(value)
        return text

    return formatted


def day_list_rows(
    visits: Sequence[ListedVisit],
    wishes: dict[int, VisitWishes],
    priorities: dict[int, list[Any]],
) -> list[DayListRow]:
    """The visits in their order, each with what the day list prints of it."""
    at = _once(clock)
    lasting = _once(minutes)
    # As the template chose: service_name's "en", the elements' locale.startswith("en").
    locale = str(get_locale())
    service_stem = "name_en" if locale == "en" else "name_da"
    element_stem = "name_en" if locale.startswith("en") else "name_da"
    call = request_translations().ugettext("Call %(name)s")
    record_url = id_urls("staff.record_visit", "visit_id")
    rows = []
    for visit in visits:
        if visit.elements:
            planned = tuple(getattr(item.element, element_stem) for item in visit.elements)
        else:
            planned = tuple(
                f"{getattr(item.service, service_stem, '') if item.service else ''}"
                f" ({lasting(item.planned_minutes)})"
                for item in visit.services
                if item.outcome != VisitServiceOutcome.ADDED
            )
        phone = visit.citizen.phone
        rows.append(
            DayListRow(
                visit=visit,
                starts=at(visit.starts_at),
                ends=at(visit.ends_at),
                time_frame=lasting(visit.time_frame_minutes),
                planned=planned,
                wishes=wishes[visit.id],
                priorities=priorities[visit.id],
                phone_href=phone.replace(" ", "") if phone else "",
                call_label=call % {"name": visit.citizen.name} if phone else "",
                record_url="" if visit.cancelled else record_url(visit.id),
            )
        )
    return rows
