"""Column types and helpers shared by all models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from selvvisitation.domain.dates import utc_now


def utcnow() -> datetime:
    """Current time, timezone-aware; used as a callable default, never at import.
    (domain.dates.clock_at sets it for the demo's week.)"""
    return utc_now()


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamps on every database.

    SQLite has no time zones and hands back naive values; we store UTC and give
    back aware UTC datetimes so comparisons never mix naive and aware values.
    Users see Europe/Copenhagen through the formatters.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(enum_cls: type[enum.Enum], **kwargs: Any) -> sa.Enum:
    """A portable enum: a VARCHAR holding the member's value (no native PG type to migrate)."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=40,
        values_callable=lambda members: [m.value for m in members],
        **kwargs,
    )
