"""Granted against delivered minutes per service, week by week (the case page's chart).

Pure: takes one row per service per visit and the Mondays of the weeks to show.
Granted minutes are those planned from the decision; a service done instead
(a swap's chosen service) counts as delivered with 0 granted. A visit not yet
recorded adds to granted only, and its week is marked incomplete.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class MinutesRow:
    service_id: int
    day: date
    granted_minutes: int
    delivered_minutes: int | None  # None: the visit is not recorded yet


@dataclass
class WeekFigure:
    week_start: date
    granted: int = 0
    delivered: int = 0
    unrecorded: int = 0  # visits in the week not yet recorded

    @property
    def iso_week(self) -> int:
        return self.week_start.isocalendar().week

    @property
    def difference(self) -> int:
        return self.delivered - self.granted


@dataclass
class ServiceSeries:
    service_id: int
    weeks: list[WeekFigure] = field(default_factory=list)

    @property
    def highest(self) -> int:
        """The largest figure in the series (the chart's scale); at least 1."""
        return max([1] + [max(w.granted, w.delivered) for w in self.weeks])

    @property
    def total_granted(self) -> int:
        return sum(w.granted for w in self.weeks)

    @property
    def total_delivered(self) -> int:
        return sum(w.delivered for w in self.weeks)


def week_starts(today: date, weeks: int) -> list[date]:
    """The Mondays of the ``weeks`` weeks ending with the week of ``today``, oldest first."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def weekly_series(rows: Iterable[MinutesRow], starts: list[date]) -> list[ServiceSeries]:
    """Sum the rows into one series per service (ordered by service id) over the given weeks."""
    index = {start: n for n, start in enumerate(starts)}
    series: dict[int, ServiceSeries] = {}
    for row in rows:
        monday = row.day - timedelta(days=row.day.weekday())
        if monday not in index:
            continue
        entry = series.get(row.service_id)
        if entry is None:
            entry = series[row.service_id] = ServiceSeries(
                row.service_id, [WeekFigure(start) for start in starts]
            )
        figure = entry.weeks[index[monday]]
        figure.granted += row.granted_minutes
        if row.delivered_minutes is None:
            figure.unrecorded += 1
        else:
            figure.delivered += row.delivered_minutes
    return [series[key] for key in sorted(series)]
