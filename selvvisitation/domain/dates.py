"""Dates typed by hand, read the Danish way (day first)."""

from __future__ import annotations

from datetime import date


def parse_day(text: str) -> date | None:
    """Read a date typed as 2026-03-05 (the date picker) or 5-3-2026 / 5.3.2026 (by hand)."""
    text = (text or "").strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    for separator in ("-", ".", "/"):
        parts = text.split(separator)
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
            try:
                return date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError:
                return None
    return None
