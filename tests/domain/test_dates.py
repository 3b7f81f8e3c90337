"""The Danish calendar day, whatever the server's clock zone (domain/dates.py).

Home care works evenings and nights; a server runs on UTC. Between 23:00 and 00:00
UTC in winter (22:00-00:00 in summer) the server's date is already yesterday in Denmark.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from selvvisitation.domain.dates import clock_at, local_day, local_today, parse_day, utc_now
from selvvisitation.models.base import utcnow


@pytest.mark.parametrize(
    ("utc", "danish_day"),
    [
        pytest.param(datetime(2026, 11, 22, 12, 0, tzinfo=UTC), date(2026, 11, 22), id="noon"),
        pytest.param(datetime(2026, 11, 22, 22, 59, tzinfo=UTC), date(2026, 11, 22), id="23:59"),
        pytest.param(datetime(2026, 11, 22, 23, 0, tzinfo=UTC), date(2026, 11, 23), id="00:00"),
        pytest.param(datetime(2026, 11, 22, 23, 30, tzinfo=UTC), date(2026, 11, 23), id="00:30"),
        pytest.param(datetime(2026, 7, 1, 22, 30, tzinfo=UTC), date(2026, 7, 2), id="summer"),
        pytest.param(datetime(2026, 7, 1, 21, 59, tzinfo=UTC), date(2026, 7, 1), id="summer 23:59"),
    ],
)
def test_today_is_the_day_in_denmark(utc, danish_day) -> None:
    assert local_today(utc) == danish_day


def test_a_stored_moment_is_read_as_utc_even_without_its_zone() -> None:
    """SQLite hands back naive values; they were stored in UTC."""
    assert local_day(datetime(2026, 11, 22, 23, 30)) == date(2026, 11, 23)
    assert local_day(datetime(2026, 11, 22, 23, 30, tzinfo=UTC)) == date(2026, 11, 23)


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-03-05", date(2026, 3, 5)),
        ("5-3-2026", date(2026, 3, 5)),
        ("5.3.2026", date(2026, 3, 5)),
        (" 05/03/2026 ", date(2026, 3, 5)),
        ("30.2.2026", None),
        ("5.3.26", None),
        ("", None),
        ("i morgen", None),
        # Outside 1900-2100 (issue 15, Low 9): year 1 became a moment in Copenhagen before
        # UTC's first day, an OverflowError (a 500) on the visit forms' new time.
        ("0001-01-01", None),
        ("1-1-0001", None),
        ("31-12-9999", None),
        ("1899-12-31", None),
        ("1-1-1900", date(1900, 1, 1)),
        ("31.12.2100", date(2100, 12, 31)),
    ],
)
def test_a_date_typed_by_hand_is_read_day_first(typed, day) -> None:
    assert parse_day(typed) == day


def test_clock_at_sets_the_one_now_the_models_and_services_read_and_then_lets_go():
    """The demo week plays its steps at their moments in the story (issue 14): inside
    clock_at every "now" is that moment, the Danish day included; outside, the real time."""
    # 23:30 UTC on 1 March is 00:30 on 2 March in Denmark.
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    with clock_at(moment):
        assert utc_now() == utcnow() == moment
        assert local_today() == date(2026, 3, 2)
        with clock_at(moment + timedelta(days=1)):
            assert utc_now() == moment + timedelta(days=1)
        assert utc_now() == moment
    assert abs(utc_now() - datetime.now(UTC)) < timedelta(seconds=5)
    with pytest.raises(ValueError), clock_at(datetime(2026, 3, 1, 12, 0)):
        pass
