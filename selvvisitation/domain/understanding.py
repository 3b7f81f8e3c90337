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
from functools import lru_cache
from typing import Protocol

import snowballstemmer
from rapidfuzz import fuzz
from wordfreq import zipf_frequency

from selvvisitation.domain.understanding_cues import TIME, Cues, detect_cues, relative_name

__all__ = ["Cues", "detect_cues"]


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
class MatchableService:
    """A service as the matcher sees it: its code and the words people use for it."""

    code: str
    names: tuple[str, ...]
    synonyms: tuple[str, ...]


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


# --- Normalisation and tokens ---------------------------------------------------------

_PUNCT = frozenset(".,;:!?")
_CLAUSE_BREAKS = frozenset({",", ".", ";", ":", "!", "?", "og", "men", "så", "and", "but", "so"})
_TOKEN_RE = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?|[.,;:!?]")

# Words that carry no service meaning. Particles like "af", "op", "på", "ud", "over" stay:
# phrases such as "støve af", "vaske op", "tøj på" and "springe over" need them.
_STOPWORDS_DA = frozenset(
    """
    jeg du han hun vi i de den det dem der som en et at og eller min mit mine mig dig sig
    os jer hans hendes deres vores din dit dine sin sit sine have har havde ha få får fik
    fået gerne vil ville kan kunne skal skulle må måtte bliver blive blev være er var lige
    lidt lille bare også nu så jo vel nok da når hvis om for fra til med hos ved efter trænger
    denne dette disse her noget nogle mere mest meget hellere end stedet istedet istedetfor
    bytte bytter byt byttet byttes hjælp hjælpen hjælper hjælperen hjælperne tak venligst
    dag idag morgen ikke men også mor far kære hej goddag
    """.split()
)
_STOPWORDS_EN = frozenset(
    """
    i me my mine you your we our they them their he she his her it its the a an to of and
    or would could can may might will shall should like please have has had get got do
    done did be is are was were am i'd i'm i'll don't dont rather than instead swap switch
    exchange trade replace help helper some any this that these those there here just
    also so then very instead of for with on at in today tomorrow want need thanks hi
    hello not but mum dad mother father having getting doing let
    """.split()
)
_STOPWORDS = _STOPWORDS_DA | _STOPWORDS_EN
_PARTICLES = frozenset({"up", "op", "af", "ud", "på", "over", "out", "off", "down", "ned"})

_WEEKDAYS = {
    "mandag": 0, "tirsdag": 1, "onsdag": 2, "torsdag": 3, "fredag": 4, "lørdag": 5,
    "søndag": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
}  # fmt: skip


def normalise(text: str) -> str:
    """Lower-case, unify Unicode forms and quotes, and collapse white space."""
    text = unicodedata.normalize("NFC", str(text)).lower()
    # Old keyboards and phones without æøå write "ae", "oe", "aa": keep those as typed but
    # map the look-alike letters people paste from German or Swedish.
    text = text.replace("ä", "æ").replace("ö", "ø").replace("’", "'")
    return " ".join(text.split())


def tokenize(text: str) -> list[str]:
    """Split normalised text into words and punctuation tokens."""
    return _TOKEN_RE.findall(normalise(text))


# Pattern words people misspell ("instad", "hellre", "bytt"): mapped back before matching.
_MARKER_WORDS = (
    "instead", "stedet", "istedet", "istedetfor", "hellere", "rather", "bytte", "springe",
    "droppe", "fravælge", "aflyse", "swap", "switch", "replace", "exchange", "cancel",
)  # fmt: skip


@lru_cache(maxsize=20000)
def canonical_marker(word: str) -> str:
    """Map a misspelt pattern word to its canonical form; other words are returned as is."""
    if len(word) < 5 or word in _MARKER_WORDS:
        return word
    best = max(_MARKER_WORDS, key=lambda m: fuzz.ratio(word, m))
    if best[0] == word[0] and fuzz.ratio(word, best) >= 85:
        return best
    return word


@lru_cache(maxsize=4)
def _stemmer(language: str) -> snowballstemmer.Stemmer:
    """Return the snowball stemmer for a language code ("da" or "en")."""
    return snowballstemmer.stemmer("english" if language.startswith("en") else "danish")


@lru_cache(maxsize=20000)
def stem(word: str, language: str = "da") -> str:
    """Stem one lower-case word; the Danish stemmer also copes with English plurals poorly,
    so the caller compares raw forms too."""
    return str(_stemmer(language).stemWord(word))  # snowballstemmer is untyped


@lru_cache(maxsize=200000)
def token_similarity(word: str, word_stem: str, phrase_word: str, phrase_stem: str) -> float:
    """Score how well a text word matches a phrase word: 1 exact, less for fuzzy forms."""
    if word == phrase_word or word_stem == phrase_stem:
        return 1.0
    # Compounds and inflections: "køkkenrengøring" starts with "køkken", "badeværelset"
    # with "badevær". Short stems ("bad", "tur") would match too much, hence the length.
    if len(phrase_stem) >= 5 and word.startswith(phrase_stem):
        return 0.9
    if len(phrase_stem) >= 6 and word.endswith(phrase_stem):
        return 0.8
    # Typos ("støvsugnig"): only for words long enough that a ratio means something, and
    # with the first letter right, as typos rarely hit it ("having" is not "shaving").
    if min(len(word), len(phrase_word)) >= 5 and word[0] == phrase_word[0]:
        ratio = max(fuzz.ratio(word, phrase_word), fuzz.ratio(word_stem, phrase_stem))
        if ratio >= 85:
            return 0.9 * ratio / 100
    return 0.0


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
            words = [w.strip("-'") for w in tokenize(text) if w not in _PUNCT]
            content = [w for w in words if w and w not in _STOPWORDS] or [w for w in words if w]
            if all(w in _PARTICLES for w in content):
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
        if tok not in _PUNCT and tok not in _STOPWORDS and tok not in _WEEKDAYS
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
        day = next((d for name, d in _WEEKDAYS.items() if tok.startswith(name)), None)
        if day is None and len(tok) >= 5:
            name = max(_WEEKDAYS, key=lambda n: fuzz.ratio(tok, n))
            if name[0] == tok[0] and fuzz.ratio(tok, name) >= 80:
                day = _WEEKDAYS[name]
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
        if tokens[i] in _CLAUSE_BREAKS:
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
_DROP_VERBS = frozenset(
    """
    droppe dropper drop droppes dropped springe springer spring springes fravælge fravælger
    fravælg fravælges aflyse aflys aflyser aflyses undvære undværer slippe skip skipping
    skipped cancel cancelled canceled miss aflyst sprunget
    """.split()
)
_NEGATIONS = frozenset({"ikke", "ingen", "uden", "not", "no", "without", "don't", "dont"})
_MODAL_SPLIT = frozenset("vil kan må kunne skal ønsker could can may would will i'd i'm".split())


def _instead_of(tokens: Sequence[str], mentions: Sequence[Mention]) -> Roles | None:
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


def _rather_than(tokens: Sequence[str], mentions: Sequence[Mention]) -> Roles | None:
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


def _swap_verb(tokens: Sequence[str], mentions: Sequence[Mention]) -> Roles | None:
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
    verb = _find(tokens, _DROP_VERBS)
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
_PATTERNS = (_instead_of, _rather_than, _swap_verb, _not_but, _drop_verb, _instead_alone)


def find_roles(tokens: Sequence[str], mentions: Sequence[Mention]) -> Roles | None:
    """Apply the sentence patterns in order; the first that fits decides the roles."""
    for pattern in _PATTERNS:
        roles = pattern(tokens, mentions)
        if roles is not None:
            return roles
    return None


# --- Reading the text as it is typed ----------------------------------------------------

# Spoken and short forms ("ik", "ka", "sku"), mapped before anything else reads the words.
_SPOKEN_DA = {
    "ik": "ikke", "ikk": "ikke", "ike": "ikke", "ka": "kan", "sku": "skulle", "ha": "have",
    "di": "de", "istf": "istedetfor", "heller": "hellere", "gider": "gider", "aldrig": "ikke",
}  # fmt: skip
_SPOKEN_EN = {
    "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "cant": "can't", "id": "i'd",
    "im": "i'm", "wont": "won't", "ned": "need",
}  # fmt: skip


@lru_cache(maxsize=20000)
def restore_danish_letters(word: str) -> str:
    """'toejvask' -> 'tøjvask': aa/oe/ae typed for å/ø/æ, unless the word is Danish as typed.

    Whether a word is Danish as typed is looked up in wordfreq's Danish word frequencies,
    which ship inside the package (no download at run time).
    """
    if not any(pair in word for pair in ("aa", "oe", "ae")):
        return word
    if zipf_frequency(word, "da") >= 2.0:  # a real Danish word with these letters
        return word
    return word.replace("aa", "å").replace("oe", "ø").replace("ae", "æ")


# Spoken ways to say a service, rewritten word for word (positions stay the same).
_REWRITES = (
    (("ud", "og", "gå"), ("gå", "en", "tur")),
    (("ud", "at", "gå"), ("gå", "en", "tur")),
    (("ude", "at", "gå"), ("gå", "en", "tur")),
)


def prepare_tokens(text: str, language: str) -> list[str]:
    """Tokens ready for matching: spoken forms, å/ø/æ and misspelt pattern words mended."""
    tokens = tokenize(text)
    for old, new in _REWRITES:
        for i in range(len(tokens) - len(old) + 1):
            if tuple(tokens[i : i + len(old)]) == old:
                tokens[i : i + len(old)] = new
    spoken = _SPOKEN_EN if language == "en" else _SPOKEN_DA
    out: list[str] = []
    for i, word in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if word == "heller" and following in {"ikke", "ik", "ikk", "not"}:
            out.append(word)  # "heller ikke": neither, not "hellere"
            continue
        word = spoken.get(word, word)
        if language != "en":
            word = restore_danish_letters(word)
        out.append(canonical_marker(word))
    return out


# --- Structure: which mentions are dropped and which are wanted -------------------------

_NEG_WORDS = frozenset(
    "ikke ingen hverken uden not no without don't doesn't didn't never nope".split()
)
_POLITE_MODALS = frozenset("kan kunne vil ville skal må could can would will".split())
_SUBJECTS = frozenset("i de vi du hun han man jeg you they we she he someone nogen".split())
_ADD_MARKERS = frozenset({"hellere", "helst", "rather", "prefer", "instead", "istedet"})
_CLAUSE_SPLIT = frozenset({",", ".", ";", ":", "!", "?", "men", "but", "så", "so", "fordi"})
_CLAUSE_SPLIT |= frozenset({"because", "hvis", "if", "-"})
_CONJUNCTIONS = frozenset({"og", "and"})
_OBJECT_LEAD = frozenset("en et a an the min mit mine my her his hans hendes sin sit sine".split())
# After "og"/"and" a verb starts a new clause ("drop indkøb og gå en tur"); a noun continues
# a list of services ("drop støv af og oprydning").
_VERBS_AFTER_AND = frozenset(
    """
    gå går gik tag tage få læs læse stryg stryge pudse pudser vask vaske hjælp hjælpe kom
    komme gør gøre skriv skrive sy handle lave ryd rydde klip klippe read go take get have
    do wash help write make put come clean iron mend cut tidy
    """.split()
)
# Predicates that set a service aside: "badet kan godt vente", "gulvet er fint".
_SET_ASIDE = (
    ("kan", "godt", "vente"), ("kan", "vente"), ("can", "wait"), ("vente", "med"),
    ("er", "fint"), ("er", "fine"), ("is", "fine"), ("are", "fine"), ("er", "rent"),
    ("er", "nyt"), ("klarer", "selv"), ("klare", "selv"), ("kan", "selv"), ("klaret",),
    ("nødvendig",), ("nødvendigt",), ("never", "mind"), ("forget",), ("leave",),
    ("springes", "over"), ("undværes",), ("undvære",), ("tager", "det"), ("gjort", "det"),
    ("behøver", "i", "ikke"), ("trænger", "ikke"), ("der", "er"),
)  # fmt: skip
_SPRING = frozenset({"springe", "springer", "spring", "springes", "sprunget"})
_DROP_WORDS = _DROP_VERBS | {"slip", "slipper", "drops"}


def _split_clauses(tokens: Sequence[str], mentions: Sequence[Mention]) -> list[range]:
    """Clauses at punctuation and conjunctions. "og" splits only before a new verb or
    subject, not between two services ("drop støv af og oprydning")."""
    starts = {m.start for m in mentions}
    ends = {m.end for m in mentions}
    clauses: list[range] = []
    begin = 0
    for i, token in enumerate(tokens):
        split = token in _CLAUSE_SPLIT
        if token in _CONJUNCTIONS:
            nxt = i + 1
            if nxt < len(tokens) and tokens[nxt] in _OBJECT_LEAD:
                nxt += 1
            verb = nxt < len(tokens) and tokens[nxt] in _VERBS_AFTER_AND
            split = nxt not in starts or verb
            # "hellere ud og gå end …": keep a "hellere … end" together
            opened = any(tokens[j] in {"hellere", "rather"} for j in range(begin, i))
            closes = any(tokens[j] in {"end", "than"} for j in range(i + 1, len(tokens)))
            if opened and closes:
                split = False
        # "… denne gang ka i gøre køleskabet rent": a new question starts a clause, unless
        # it follows a fronted service ("Rengøring kan jeg godt undvære").
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in _POLITE_MODALS and following in _SUBJECTS and i > begin and i not in ends:
            if i > begin:
                clauses.append(range(begin, i))
            begin = i
            continue
        if split:
            if i > begin:
                clauses.append(range(begin, i))
            begin = i + 1
    if begin < len(tokens):
        clauses.append(range(begin, len(tokens)))
    return clauses


def _drop_cue(
    tokens: Sequence[str], clause: range, starts: frozenset[int] = frozenset()
) -> tuple[int, int] | None:
    """Where a clause sets a service aside: (position of the cue, end of its object span).

    A negation counts unless it is the polite "kan I ikke …?"; a drop verb ("drop",
    "spring … over", "slip for") reaches to "over" or the clause's end.
    """
    words = [tokens[i] for i in clause]
    first = clause.start
    for k, word in enumerate(words):
        i = first + k
        if word in _NEG_WORDS:
            polite = (
                k >= 2
                and words[k - 1] in _SUBJECTS
                and words[k - 2] in _POLITE_MODALS
                and (k == 2 or words[k - 3] in {"så", "og", "men", "eller"})
            )
            enough = k + 1 < len(words) and words[k + 1] in {"nok", "enough", "længere"}
            neither = k > 0 and words[k - 1] == "heller"
            if not (polite or enough or neither):
                return i, clause.stop
        if word in _DROP_WORDS:
            if word in _SPRING and "over" in words[k + 1 :]:
                over = first + k + 1 + words[k + 1 :].index("over")
                if any(j in starts for j in range(i + 1, over)):
                    return i, over
            return i, clause.stop
        for seq in _SET_ASIDE:
            if tuple(words[k : k + len(seq)]) == seq:
                return i, clause.stop
    return None


_LEADING = frozenset({"siger", "says", "synes", "mener", "skriver"})


def _fronted(tokens: Sequence[str], clause: range, m: Mention, cue: tuple[int, int]) -> bool:
    """Whether a mention before the cue is its subject: "Badet kan godt vente", "Gulvvask
    har jeg ikke brug for", not "breve hun ikke forstår" deep in a clause."""
    if m.start >= cue[0]:
        return False
    lead = [tokens[i] for i in range(clause.start, m.start)]
    return all(w in _STOPWORDS or w in _LEADING or w in _NEG_WORDS for w in lead)


def _add_marker(tokens: Sequence[str], clause: range) -> int:
    """Position of "hellere", "rather", "i stedet" (not "i stedet for") in a clause, or -1."""
    for i in clause:
        word = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if word == "stedet" and i > clause.start and tokens[i - 1] == "i" and nxt != "for":
            return i
        if word in _ADD_MARKERS and nxt not in {"for", "of", "than", "end"}:
            return i
        if word in _ADD_MARKERS and word in {"hellere", "rather"}:
            return i
        if word in {"stedet", "istedet"} and nxt == "for" and i + 2 >= clause.stop:
            return i  # "… kan hun komme en tur ud istedet for"
    return -1


@dataclass(frozen=True)
class Reading:
    """Roles given to each mention: 'add', 'drop' or 'default', and how sure we are."""

    roles: tuple[tuple[Mention, str], ...]
    pattern: str
    explicit: bool  # a marker or negation set at least one role
    drop_span: range  # tokens on the dropped side of an explicit pattern (for free text)
    add_span: range
    unsure: bool = False  # the direction is a guess: ask the citizen


def read_structure(tokens: Sequence[str], mentions: Sequence[Mention]) -> Reading:
    """Give every mention a role from the clause it stands in (issue 13).

    Explicit patterns ("X i stedet for Y", "hellere X end Y", "bytte Y til X") decide first;
    then negations and drop verbs mark what is set aside; "hellere"/"i stedet" what is
    wanted; what is left is wanted when something else is dropped.
    """
    roles: dict[Mention, str] = {}
    patterns: list[str] = []
    drop_span = add_span = range(0)
    unsure = False
    for clause in _split_clauses(tokens, mentions):
        inside = [m for m in mentions if m.start in clause]
        sub = list(tokens[clause.start : clause.stop])
        shifted = [
            Mention(m.code, m.start - clause.start, m.end - clause.start, m.score, m.length)
            for m in inside
        ]
        for pattern in (_instead_of, _rather_than, _swap_verb):
            found = pattern(sub, shifted)
            if found is None or (pattern is _instead_of and not found.drop and not found.add):
                continue
            if pattern is _instead_of and found.drop.start >= len(sub):
                continue  # "i stedet for" with nothing after it: read as "i stedet"
            add = range(found.add.start + clause.start, found.add.stop + clause.start)
            drop = range(found.drop.start + clause.start, found.drop.stop + clause.start)
            for m in inside:
                if m.start in add:
                    roles[m] = "add"
                elif m.start in drop:
                    roles[m] = "drop"
            patterns.append(found.pattern)
            named = [m for m in inside if m.start in drop]
            if found.pattern == "bytte Y" and len(named) > 1:
                # "bytte tøjvask indkøb": no "til"/"med" says which way; propose the first
                # as dropped and ask.
                unsure = True
                for m in named[1:]:
                    roles[m] = "add"
            drop_span, add_span = drop, add
            break
        cue = _drop_cue(tokens, clause, frozenset(m.start for m in inside))
        marker = _add_marker(tokens, clause)
        for m in inside:
            if m in roles:
                continue
            if marker >= 0 and m.start > marker:
                roles[m] = "add"
            elif cue is not None and (
                cue[0] < m.start < cue[1] or _fronted(tokens, clause, m, cue)
            ):
                roles[m] = "drop"
                if "negation" not in patterns:
                    patterns.append("negation")
            elif cue is not None and marker < 0 and m.start >= cue[1]:
                roles[m] = "default"  # "spring Y over og X": X is wanted
            elif marker >= 0:
                roles[m] = "add"  # "X i stedet"
            else:
                roles[m] = "default"
        if cue is not None and not any(roles.get(m) == "drop" for m in inside):
            drop_span = range(cue[0] + 1, cue[1]) if not drop_span else drop_span
    explicit = any(role != "default" for role in roles.values())
    ordered = tuple((m, roles[m]) for m in mentions)
    return Reading(ordered, " + ".join(patterns) or "-", explicit, drop_span, add_span, unsure)


def _free_text(tokens: Sequence[str], span: range) -> str | None:
    """The content words of a span, as the citizen wrote them, or None if none."""
    words = [
        tokens[i] for i in span
        if tokens[i] not in _PUNCT and tokens[i] not in _STOPWORDS
        and tokens[i] not in _WEEKDAYS and tokens[i] not in _NEGATIONS
    ]  # fmt: skip
    text = " ".join(words).strip()
    return text or None


def _unique(codes: Iterable[str]) -> tuple[str, ...]:
    """Codes in first-seen order without repeats."""
    return tuple(dict.fromkeys(codes))


# "vasket" is a synonym of the shower, but "få vasket tøj/gulv/vinduer" is another service:
# a lone participle counts only when no other service stands right beside it.
_WEAK_WORDS = frozenset({"vasket", "vask", "vaske", "vasker", "washed", "wash", "tur"})
# "gøre køleskabet rent", "fridge cleaning": the general cleaning words belong to the room.
_GENERIC_CLEANING = frozenset(
    "gøre gøres gjort rent rengøring rengøre rengjort cleaning clean cleaned".split()
)
_PERFECT = frozenset({"har", "havde", "has", "have", "had"})


def _drop_weak(tokens: Sequence[str], mentions: list[Mention]) -> list[Mention]:
    """Remove mentions of a weak word: beside another mention ("vasket tøj", "køleskabet
    gøres rent"), or a past participle in a perfect tense ("det har min søn vasket")."""
    kept = []
    for m in mentions:
        words = [t for t in tokens[m.start : m.end] if t not in _STOPWORDS]
        near = any(o is not m and abs(o.start - m.start) <= 3 for o in mentions)
        weak = len(words) == 1 and words[0] in _WEAK_WORDS
        generic = (
            bool(words)
            and all(w in _GENERIC_CLEANING for w in words)
            and any(
                o.end <= m.start and all(t in {"blive", "bliver"} for t in tokens[o.end : m.start])
                for o in mentions
            )
        )
        perfect = weak and any(tokens[j] in _PERFECT for j in range(max(0, m.start - 4), m.start))
        if not (weak and near) and not generic and not perfect:
            kept.append(m)
    return kept


# --- The entry point ------------------------------------------------------------------

# A question about the rules, even when it names a service or says "bytte".
_RULES_QUESTION = re.compile(
    r"\b(er det rigtigt|is it true|(bytte|swap) (mellem|between)|hvad sker der hvis"
    r"|what happens if)\b"
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
    mentions = _drop_weak(tokens, find_mentions(tokens, services, language))
    reading = read_structure(tokens, mentions)
    cues = detect_cues(norm)
    weekday = find_weekday(tokens, reading.drop_span if reading.add_span else None)

    if not tokens:
        return _result(Intent.UNKNOWN, 0.0, "Empty message.", weekday)

    drop = _unique(m.code for m, role in reading.roles if role == "drop")
    wanted = _unique(m.code for m, role in reading.roles if role == "add")
    default = _unique(m.code for m, role in reading.roles if role == "default")
    # A service set aside somewhere is not also wanted because it was named elsewhere.
    add = _unique(c for c in (*wanted, *default) if c not in drop or c in wanted)
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
    if reading.add_span and not wanted and (drop or _free_text(tokens, reading.drop_span)):
        free = _free_text(tokens, reading.add_span)  # the wish in her own words
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
    name = relative_name(_TOKEN_RE.findall(unicodedata.normalize("NFC", raw)))
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
