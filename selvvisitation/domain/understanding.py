"""Understand a citizen's free text: what they want (intent) and which services it concerns.

Citizens write "jeg vil hellere gå en tur end få støvsuget" or "I'd rather go for a walk
than have the vacuuming done". We find service mentions by stemming (snowballstemmer) and
fuzzy token matching (rapidfuzz) against each service's names and synonyms, and decide
which mentions are dropped and which are added from sentence patterns ("hellere X end Y",
"X i stedet for Y", "bytte Y med X", "rather X than Y", "swap Y for X", "skip Y" ...).
Plain fuzzy scores tie often, so the patterns, not the scores, decide the roles.

The result is only a suggestion that the citizen confirms; it never decides anything.
No Flask imports: this is plain domain code.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from selvvisitation.domain.understanding_cues import TIME, Cues, detect_cues, relative_name
from selvvisitation.domain.understanding_mentions import (
    MatchableService,
    Mention,
    Roles,
    find_mentions,
    find_roles,
    find_weekday,
)
from selvvisitation.domain.understanding_structure import (
    Reading,
    drop_weak_mentions,
    free_text_of,
    read_structure,
    unique_codes,
)
from selvvisitation.domain.understanding_text import (
    TOKEN_RE,
    canonical_marker,
    normalise,
    prepare_tokens,
    restore_danish_letters,
    stem,
    token_similarity,
    tokenize,
)

# The matcher's parts, importable from here as before the split (issue 13).
__all__ = [
    "Cues",
    "MatchableService",
    "Mention",
    "Reading",
    "Roles",
    "canonical_marker",
    "detect_cues",
    "find_mentions",
    "find_roles",
    "find_weekday",
    "normalise",
    "prepare_tokens",
    "read_structure",
    "restore_danish_letters",
    "stem",
    "token_similarity",
    "tokenize",
]


class Intent(enum.StrEnum):
    """What the citizen (or relative) is asking for."""

    SWAP = "swap"  # flexible home help: drop a service and/or get another
    WISH = "wish"  # preferences: time, which worker, clothes, habits
    REASSESSMENT = "reassessment"  # needs more/less help: a matter for the visitator
    MY_HELP = "my_help"  # what help do I get, how much time, when do they come
    RIGHTS = "rights"  # rules, complaints, what am I entitled to
    CONSENT = "consent"  # a relative's access to the citizen's help
    CALL_BACK = "call_back"  # talk to a person, or be phoned (issue 13)
    HELP = "help"  # help with the page itself: "hjælp", "what can I do here"
    ACCESS_LOG = "access_log"  # who has looked at my data
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Understanding:
    """The matcher's reading of one message; a suggestion the citizen confirms."""

    intent: Intent
    drop: tuple[str, ...]  # service codes the citizen wants to deselect
    add: tuple[str, ...]  # service codes the citizen wants instead
    free_text_add: str | None  # the wished help in the citizen's words when not in catalogue
    weekday: int | None  # 0 = Monday ... 6 = Sunday
    confidence: float  # 0.0 - 1.0
    explanation: str
    relative_name: str | None = None  # CONSENT: the relative's name, when the text gives it
    # Unsure which way a swap goes: ask "X instead of Y?" with the other reading as "no,
    # the other way round" rather than guess (issue 13).
    needs_question: bool = False
    alternative_drop: tuple[str, ...] = ()
    alternative_add: tuple[str, ...] = ()


class _CatalogueLike(Protocol):
    """Anything with the catalogue entry's name and synonym fields."""

    code: str
    name_da: str
    name_en: str
    synonyms_da: tuple[str, ...]
    synonyms_en: tuple[str, ...]


def services_from_catalogue(entries: Iterable[_CatalogueLike]) -> tuple[MatchableService, ...]:
    """Build matchable services from catalogue entries (Danish and English words)."""
    return tuple(
        MatchableService(
            code=entry.code,
            names=(entry.name_da, entry.name_en),
            synonyms=(*entry.synonyms_da, *entry.synonyms_en),
        )
        for entry in entries
    )


# --- The entry point ------------------------------------------------------------------

# A question about the rules, even when it names a service or says "bytte".
_RULES_QUESTION = re.compile(
    r"\b(er det rigtigt|is it true|(bytte|swap) (mellem|between)|hvad sker der hvis"
    r"|what happens if|hvad hvis|what if)\b"
)


def understand(
    text: str, services: Sequence[MatchableService], language: str = "da"
) -> Understanding:
    """Read a message: intent, services to drop and add, weekday. Never raises."""
    try:
        return _understand(text, services, language)
    except Exception as error:
        return Understanding(
            intent=Intent.UNKNOWN, drop=(), add=(), free_text_add=None, weekday=None,
            confidence=0.0, explanation=f"Could not read the message ({type(error).__name__}).",
        )  # fmt: skip


def _understand(text: str, services: Sequence[MatchableService], language: str) -> Understanding:
    """The body of understand(), free to raise on programming errors."""
    language = "en" if str(language).lower().startswith("en") else "da"
    raw = text if isinstance(text, str) else ""
    tokens = prepare_tokens(raw, language)
    norm = " ".join(tokens)
    mentions = drop_weak_mentions(tokens, find_mentions(tokens, services, language))
    reading = read_structure(tokens, mentions)
    cues = detect_cues(norm)
    weekday = find_weekday(tokens, reading.drop_span if reading.add_span else None)

    if not tokens:
        return _result(Intent.UNKNOWN, 0.0, "Empty message.", weekday)

    drop = unique_codes(m.code for m, role in reading.roles if role == "drop")
    wanted = unique_codes(m.code for m, role in reading.roles if role == "add")
    default = unique_codes(m.code for m, role in reading.roles if role == "default")
    # A service set aside somewhere is not also wanted because it was named elsewhere.
    add = unique_codes(c for c in (*wanted, *default) if c not in drop or c in wanted)
    scores = [m.score for m in mentions] or [0.0]
    quality = sum(scores) / len(scores)

    # 1. Requests that are never swaps, whatever services they name.
    if cues.access_log:
        return _result(Intent.ACCESS_LOG, 0.8, "Who has looked at the data.", weekday)
    if cues.call_back:
        return _result(Intent.CALL_BACK, 0.8, "Asks to talk to a person or be phoned.", weekday)
    if cues.help and not mentions:
        return _result(Intent.HELP, 0.7, "Asks for help with the page.", weekday)
    if cues.consent and not mentions:
        return _consent(raw, weekday)
    if _RULES_QUESTION.search(norm):
        return _result(Intent.RIGHTS, 0.75, "A question about the rules of swapping.", weekday)

    # 2. A swap read from the sentence's structure.
    explicit_drop = bool(drop)
    explicit_add = any(role == "add" for _, role in reading.roles)
    free: str | None = None
    if reading.add_span and not wanted and (drop or free_text_of(tokens, reading.drop_span)):
        free = free_text_of(tokens, reading.add_span)  # the wish in her own words
    if explicit_drop or explicit_add or free:
        drop_text = " ".join(tokens[i] for i in reading.drop_span)
        only_time = (
            bool(drop_text)
            and not drop
            and (find_weekday(drop_text.split()) is not None or bool(TIME.search(drop_text)))
        )
        if (add and set(add) == set(drop)) or (only_time and (add or free)):
            return _result(Intent.WISH, 0.7 * quality, "Moves a service in time: a wish.", weekday)
        if drop and not explicit_add and not cues.want and (cues.reassess and not add):
            return _result(Intent.REASSESSMENT, 0.7, "Needs more or less help.", weekday)
        if add or drop or free:
            if not drop and (cues.time or cues.wish):
                return _result(Intent.WISH, 0.6, "A service at another time: a wish.", weekday)
            if not drop and (cues.consent or cues.reassess or cues.my_help) and not explicit_add:
                pass  # a question naming a service: the cue words decide below
            else:
                confidence = 0.9 * quality if add and drop else 0.7 * quality
                why = f"Pattern '{reading.pattern}': add {list(add) or free or '-'}, drop "
                why += f"{list(drop) or '-'}."
                alternative = (add, drop) if add and drop and reading.unsure else None
                return _result(
                    Intent.SWAP, confidence, why, weekday, add=add, drop=drop,
                    free=None if add else free, alternative=alternative,
                )  # fmt: skip

    # 3. Without a swap sentence, the cue words decide, the strongest first.
    if cues.consent:
        return _consent(raw, weekday)
    if cues.reassess:
        return _result(Intent.REASSESSMENT, 0.75, "Words about needing more or less help.", weekday)
    if cues.rights:
        return _result(Intent.RIGHTS, 0.75, "A question about rules or rights.", weekday)
    if cues.my_help and not cues.want:  # "how much time is left for swaps"
        return _result(Intent.MY_HELP, 0.75, "A question about the citizen's own help.", weekday)
    if cues.swap_word and not mentions:
        return _result(Intent.SWAP, 0.4, "A wish to swap, without naming a service.", weekday)
    if cues.my_help:
        return _result(Intent.MY_HELP, 0.75, "A question about the citizen's own help.", weekday)
    if cues.wish or (cues.time and mentions):
        return _result(Intent.WISH, 0.65, "A preference about time, person or habits.", weekday)
    if mentions and (cues.want or cues.swap_word):
        return _result(
            Intent.SWAP, 0.6 * quality, "A request naming services.", weekday, add=add, drop=drop
        )
    if cues.help:
        return _result(Intent.HELP, 0.6, "Asks for help with the page.", weekday)
    return _result(Intent.UNKNOWN, 0.0, "No pattern or cue recognised.", weekday)


def _consent(raw: str, weekday: int | None) -> Understanding:
    """A relative's access: carry the relative's name over when the text writes it."""
    name = relative_name(TOKEN_RE.findall(unicodedata.normalize("NFC", raw)))
    return _result(Intent.CONSENT, 0.8, "A relative's access or consent.", weekday, name=name)


def _result(
    intent: Intent,
    confidence: float,
    why: str,
    weekday: int | None,
    *,
    add: tuple[str, ...] = (),
    drop: tuple[str, ...] = (),
    free: str | None = None,
    name: str | None = None,
    alternative: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
) -> Understanding:
    """Build the reading; an unsure direction carries the other reading as the question."""
    return Understanding(
        intent=intent,
        drop=drop,
        add=add,
        free_text_add=free,
        weekday=weekday,
        confidence=0.0 if intent is Intent.UNKNOWN else round(max(0.0, min(1.0, confidence)), 2),
        explanation=why,
        relative_name=name,
        needs_question=alternative is not None,
        alternative_drop=alternative[0] if alternative else (),
        alternative_add=alternative[1] if alternative else (),
    )
