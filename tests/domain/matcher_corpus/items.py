"""One corpus item and the short names the corpus files use.

Written from DOMAIN.md and the demo catalogue's names and synonyms only, without reading the
matcher (issue 13). Intents are compared by value: Intent is a StrEnum, so "call_back",
"help" and "access_log" name the intents issue 13 adds to selvvisitation.domain.understanding.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CorpusItem:
    """One message, and the reading a careful person would give it."""

    text: str
    language: str
    intent: str
    drop: frozenset[str]
    add: frozenset[str]
    relative: str | None = None  # CONSENT: the relative's name, when the text gives it


S, W, R, H, RI, C, U = "swap", "wish", "reassessment", "my_help", "rights", "consent", "unknown"
P, HE, A = "call_back", "help", "access_log"  # talk to a person / be phoned; help; access log


def _item(
    language: str,
    text: str,
    intent: str,
    drop: tuple[str, ...],
    add: tuple[str, ...],
    relative: str | None,
) -> CorpusItem:
    return CorpusItem(text, language, intent, frozenset(drop), frozenset(add), relative)


def _da(
    text: str,
    intent: str,
    drop: tuple[str, ...] = (),
    add: tuple[str, ...] = (),
    relative: str | None = None,
) -> CorpusItem:
    """A Danish item."""
    return _item("da", text, intent, drop, add, relative)


def _en(
    text: str,
    intent: str,
    drop: tuple[str, ...] = (),
    add: tuple[str, ...] = (),
    relative: str | None = None,
) -> CorpusItem:
    """An English item."""
    return _item("en", text, intent, drop, add, relative)
