"""Find the services a message names, and the explicit swap patterns around them.

Part of the free-text matcher (understanding.py): service mentions by stemming
(snowballstemmer) and fuzzy token matching (rapidfuzz) against each service's names and
synonyms; explicit patterns ("hellere X end Y", "X i stedet for Y", "bytte Y med X", "rather X
than Y", "swap Y for X", "skip Y" ...). No Flask imports: this is plain domain code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from selvvisitation.domain.understanding_text import (
    BARRIERS,
    CLAUSE_BREAKS,
    PARTICLES,
    PUNCT,
    STOPWORDS,
    WEEKDAYS,
    stem,
    token_similarity,
    tokenize,
)


@dataclass(frozen=True)
class MatchableService:
    """A service as the matcher sees it: its code and the words people use for it."""

    code: str
    names: tuple[str, ...]
    synonyms: tuple[str, ...]


# --- Service mentions -----------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """A service found in the text, at token positions [start, end)."""

    code: str
    start: int
    end: int
    score: float
    length: int  # content words matched: longer phrases beat shorter ones


@dataclass(frozen=True)
class _Phrase:
    code: str
    words: tuple[tuple[str, str], ...]  # (raw, stem) content words
    order: int  # catalogue order breaks remaining ties deterministically


@lru_cache(maxsize=32)
def _phrase_index(services: tuple[MatchableService, ...], language: str) -> tuple[_Phrase, ...]:
    """Tokenise and stem every name and synonym once per service list."""
    phrases: list[_Phrase] = []
    for order, service in enumerate(services):
        for text in (*service.names, *service.synonyms):
            words = [w.strip("-'") for w in tokenize(text) if w not in PUNCT]
            content = [w for w in words if w and w not in STOPWORDS] or [w for w in words if w]
            if all(w in PARTICLES for w in content):
                continue  # "get up" leaves "up": a particle alone would match "put up"
            if content:
                pairs = tuple((w, stem(w, language)) for w in content)
                phrases.append(_Phrase(service.code, pairs, order))
    return tuple(phrases)


def find_mentions(
    tokens: Sequence[str], services: Sequence[MatchableService], language: str = "da"
) -> list[Mention]:
    """Find non-overlapping service mentions; longest phrase, then best score, wins."""
    content = [
        (i, tok, stem(tok, language))
        for i, tok in enumerate(tokens)
        if tok not in PUNCT and tok not in STOPWORDS and tok not in WEEKDAYS
    ]
    phrases = _phrase_index(tuple(services), language)
    candidates: list[tuple[int, float, int, int, int, Mention]] = []
    for pos in range(len(content)):
        for phrase in phrases:
            size = len(phrase.words)
            if pos + size > len(content):
                continue
            scores = []
            for (_, tok, tok_stem), (raw, ph_stem) in zip(
                content[pos : pos + size], phrase.words, strict=True
            ):
                score = token_similarity(tok, tok_stem, raw, ph_stem)
                if score < 0.75:
                    break
                scores.append(score)
            else:
                start, end = content[pos][0], content[pos + size - 1][0] + 1
                if any(tokens[j] in BARRIERS for j in range(start, end)):
                    continue  # "cleaned than the kitchen" is not "clean the kitchen"
                mean = sum(scores) / size
                mention = Mention(phrase.code, start, end, mean, size)
                chars = sum(len(raw) for raw, _ in phrase.words)
                candidates.append((size, mean, chars, -phrase.order, -start, mention))
    candidates.sort(key=lambda c: c[:5], reverse=True)
    taken: set[int] = set()
    chosen: list[Mention] = []
    for *_, mention in candidates:
        span = set(range(mention.start, mention.end))
        if span & taken:
            continue
        taken |= span
        chosen.append(mention)
    return sorted(chosen, key=lambda m: m.start)


def find_weekday(tokens: Sequence[str], skip: range | None = None) -> int | None:
    """Return the first weekday named outside `skip` (then anywhere), 0 = Monday."""
    found: list[tuple[int, int]] = []
    for i, tok in enumerate(tokens):
        # Exact names ("fredagen") first: "torsdag" is also a near miss of "tirsdag".
        day = next((d for name, d in WEEKDAYS.items() if tok.startswith(name)), None)
        if day is None and len(tok) >= 5:
            from rapidfuzz import fuzz  # imported when used: see understanding_text

            name = max(WEEKDAYS, key=lambda n: fuzz.ratio(tok, n))
            if name[0] == tok[0] and fuzz.ratio(tok, name) >= 80:
                day = WEEKDAYS[name]
        if day is not None:
            found.append((i, day))
    outside = [day for i, day in found if skip is None or i not in skip]
    if outside:
        return outside[0]
    return found[0][1] if found else None


# --- Sentence patterns ----------------------------------------------------------------


@dataclass(frozen=True)
class Roles:
    """Token spans whose mentions are added and dropped, and the pattern that set them."""

    add: range
    drop: range
    pattern: str


def _find(tokens: Sequence[str], words: frozenset[str], start: int = 0) -> int:
    """Index of the first token in `words` at or after `start`, or -1."""
    for i in range(start, len(tokens)):
        if tokens[i] in words:
            return i
    return -1


def _find_seq(
    tokens: Sequence[str], seqs: Sequence[tuple[str, ...]], start: int = 0
) -> tuple[int, int]:
    """Find the first of several word sequences; return (start, end) or (-1, -1)."""
    best = (-1, -1)
    for seq in seqs:
        for i in range(start, len(tokens) - len(seq) + 1):
            if tuple(tokens[i : i + len(seq)]) == seq:
                if best[0] == -1 or i < best[0]:
                    best = (i, i + len(seq))
                break
    return best


def _clause_end(tokens: Sequence[str], start: int) -> int:
    """End of the clause that begins at `start` (next comma, "og", "men", full stop...)."""
    for i in range(start, len(tokens)):
        if tokens[i] in CLAUSE_BREAKS:
            return i
    return len(tokens)


def _sentence_end(tokens: Sequence[str], start: int) -> int:
    """End of the sentence that contains `start`."""
    for i in range(start, len(tokens)):
        if tokens[i] in {".", "!", "?", ";"}:
            return i
    return len(tokens)


def _sentence_start(tokens: Sequence[str], end: int) -> int:
    """Start of the sentence that contains position `end`."""
    for i in range(end - 1, -1, -1):
        if tokens[i] in {".", "!", "?", ";"}:
            return i + 1
    return 0


def _has(mentions: Sequence[Mention], span: range) -> bool:
    """Whether any mention lies inside the span."""
    return any(m.start in span for m in mentions)


_INSTEAD_OF = (
    ("i", "stedet", "for"), ("istedet", "for"), ("istedetfor",), ("i", "sted", "for"),
    ("istf",), ("instead", "of"), ("in", "place", "of"), ("rather", "than"),
    ("frem", "for"),
)  # fmt: skip
_INSTEAD = (("i", "stedet"), ("istedet",), ("instead",))
_PREFER_THAN_DA = frozenset({"hellere", "hellre", "helere", "helller"})
_THAN = frozenset({"end", "than", "over"})
_PREFER_EN = (("rather",), ("prefer",), ("sooner",))
_SWAP_VERBS = frozenset(
    """
    bytte bytter byt byttet byttes bytt byte ombytte udskifte udskifter erstatte erstatter
    erstattes swap swapping swapped switch switching exchange trade replace replacing
    """.split()
)
_SWAP_LINKS = frozenset({"med", "til", "for", "with", "to", "into", "mod"})
DROP_VERBS = frozenset(
    """
    droppe dropper drop droppes dropped springe springer spring springes fravælge fravælger
    fravælg fravælges aflyse aflys aflyser aflyses undvære undværer slippe skip skipping
    skipped cancel cancelled canceled miss aflyst sprunget
    """.split()
)
NEGATIONS = frozenset({"ikke", "ingen", "uden", "not", "no", "without", "don't", "dont"})
_MODAL_SPLIT = frozenset("vil kan må kunne skal ønsker could can may would will i'd i'm".split())


def instead_of(tokens: Sequence[str], mentions: Sequence[Mention]) -> Roles | None:
    """'X i stedet for Y' / 'X instead of Y' (add X, drop Y), also fronted 'i stedet for Y, X'."""
    start, end = _find_seq(tokens, _INSTEAD_OF)
    if start < 0:
        return None
    left = range(_sentence_start(tokens, start), start)
    right = range(end, _sentence_end(tokens, end))
    if _has(mentions, left) or not _has(mentions, right):
        return Roles(add=left, drop=right, pattern="X i stedet for Y")
    # Fronted: "I stedet for rengøring vil jeg gerne have bad": Y runs to the comma or modal.
    first = next(m for m in mentions if m.start in right)
    split = first.end
    while split < right.stop and tokens[split] not in _MODAL_SPLIT and tokens[split] != ",":
        split += 1
    return Roles(add=range(split, right.stop), drop=range(end, split), pattern="i stedet for Y, X")


def rather_than(tokens: Sequence[str], mentions: Sequence[Mention]) -> Roles | None:
    """'hellere X end Y' / 'rather X than Y' / 'prefer X over Y': add X, drop Y."""
    marker = _find(tokens, _PREFER_THAN_DA)
    if marker < 0:
        marker, _ = _find_seq(tokens, _PREFER_EN)
    if marker < 0:
        return None
    than = _find(tokens, _THAN, marker + 1)
    if than < 0:
        return None
    add = range(marker + 1, than)
    drop = range(than + 1, _sentence_end(tokens, than))
    return Roles(add=add, drop=drop, pattern="hellere X end Y")


def swap_verb(tokens: Sequence[str], mentions: Sequence[Mention]) -> Roles | None:
    """'bytte Y (ud) med/til X' / 'swap Y for X' / 'replace Y with X': drop Y, add X."""
    verb = _find(tokens, _SWAP_VERBS)
    if verb < 0:
        return None
    stop = len(tokens)
    links = [i for i in range(verb + 1, stop) if tokens[i] in _SWAP_LINKS]
    # Prefer the first link with a service after it: "med vanding... nej, med negle".
    link = next((i for i in links if _has(mentions, range(i + 1, stop))), -1)
    if link < 0 and links:
        link = links[0]
    if link < 0:
        drop = range(verb + 1, stop)
        if not _has(mentions, drop):  # passive: "kan støvsugningen byttes?"
            drop = range(_sentence_start(tokens, verb), verb)
        return Roles(add=range(0), drop=drop, pattern="bytte Y")
    drop = range(verb + 1, link)
    if not _has(mentions, drop):  # "kan støvsugningen byttes med en gåtur?"
        drop = range(_sentence_start(tokens, verb), verb)
    return Roles(add=range(link + 1, stop), drop=drop, pattern="bytte Y med X")


def _not_but(tokens: Sequence[str], mentions: Sequence[Mention]) -> Roles | None:
    """'ikke Y men X' / 'not Y but X': drop Y, add X."""
    neg = _find(tokens, frozenset({"ikke", "not", "no"}))
    if neg < 0:
        return None
    but = _find(tokens, frozenset({"men", "but"}), neg + 1)
    if but < 0:
        return None
    drop = range(neg + 1, but)
    add = range(but + 1, _sentence_end(tokens, but))
    if not (_has(mentions, drop) and _has(mentions, add)):
        return None
    return Roles(add=add, drop=drop, pattern="ikke Y men X")


def _drop_verb(tokens: Sequence[str], mentions: Sequence[Mention]) -> Roles | None:
    """'droppe/springe Y over' / 'skip Y' (and '... og i stedet X'): drop Y, maybe add X."""
    verb = _find(tokens, DROP_VERBS)
    if verb < 0:
        return None
    end = _clause_end(tokens, verb + 1)
    drop = range(verb + 1, end)
    if not _has(mentions, drop):  # "støvsugningen kan springes over"
        drop = range(_sentence_start(tokens, verb), verb)
    rest = range(end, _sentence_end(tokens, end))
    add = rest if _has(mentions, rest) else range(0)
    return Roles(add=add, drop=drop, pattern="droppe Y")


def _instead_alone(tokens: Sequence[str], mentions: Sequence[Mention]) -> Roles | None:
    """'... og i stedet X' (add after) or 'X i stedet' / 'X instead' (add before)."""
    start, end = _find_seq(tokens, _INSTEAD)
    if start < 0:
        return None
    after = range(end, _sentence_end(tokens, end))
    before = range(_sentence_start(tokens, start), start)
    if _has(mentions, after):
        return Roles(add=after, drop=before, pattern="Y, i stedet X")
    return Roles(add=before, drop=range(0), pattern="X i stedet")


# Most specific first: a sentence with "hellere ... i stedet for" is read by "i stedet for".
_PATTERNS = (instead_of, rather_than, swap_verb, _not_but, _drop_verb, _instead_alone)


def find_roles(tokens: Sequence[str], mentions: Sequence[Mention]) -> Roles | None:
    """Apply the sentence patterns in order; the first that fits decides the roles."""
    for pattern in _PATTERNS:
        roles = pattern(tokens, mentions)
        if roles is not None:
            return roles
    return None
