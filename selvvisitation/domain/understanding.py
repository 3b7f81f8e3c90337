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


class Intent(enum.StrEnum):
    """What the citizen (or relative) is asking for."""

    SWAP = "swap"  # flexible home help: drop a service and/or get another
    WISH = "wish"  # preferences: time, which worker, clothes, habits
    REASSESSMENT = "reassessment"  # needs more/less help: a matter for the visitator
    MY_HELP = "my_help"  # what help do I get, when do they come
    RIGHTS = "rights"  # rules, complaints, what am I entitled to
    CONSENT = "consent"  # a relative's access to the citizen's help
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
    lidt lille bare også nu så jo vel nok da når hvis om for fra til med hos ved efter
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
    return _stemmer(language).stemWord(word)


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


# --- Intent cues ----------------------------------------------------------------------


def _cue(*alternatives: str) -> re.Pattern[str]:
    """Compile word-bounded alternatives into one pattern."""
    return re.compile(r"(?<![\wæøå])(?:" + "|".join(alternatives) + r")(?![\wæøå])")


_RELATIVE = _cue(
    r"datter(en)?", r"søn(nen)?", r"pårørende", r"kone", r"hustru", r"mand(en)?",
    r"svigerdatter", r"svigersøn", r"barnebarn", r"børnebørn", r"nabo(en)?", r"bror",
    r"søster", r"familie(n)?", r"niece", r"nevø", r"daughter", r"son", r"relatives?",
    r"wife", r"husband", r"family", r"grandson", r"granddaughter", r"nephew", r"neighbou?r",
    r"brother", r"sister", r"children", r"kids", r"mine børn", r"min pige", r"min dreng",
)  # fmt: skip
_ACCESS = _cue(
    r"se", r"kigge", r"følge med", r"adgang", r"logge? ind", r"på mine vegne", r"på vegne",
    r"læse med", r"ser", r"see", r"access", r"log in", r"on my behalf", r"look at",
    r"follow", r"keep an eye", r"handle .{0,20}for me", r"ordne det for mig",
)  # fmt: skip
_CONSENT = _cue(
    r"samtykke\w*", r"fuldmagt\w*", r"consent\w*", r"power of attorney", r"bisidder",
)  # fmt: skip
_REASSESS = _cue(
    r"mere hjælp", r"mindre hjælp", r"ekstra hjælp", r"flere besøg", r"færre besøg",
    r"klare mig", r"klarer mig", r"klare det selv", r"klarer det selv", r"kan selv",
    r"revisitation\w*", r"revurder\w*", r"ny vurdering",
    r"blevet (meget )?(dårligere|bedre|svagere)",
    r"har det dårligere", r"faldet", r"falder", r"brug for mere", r"brug for mindre",
    r"behov for mere", r"ikke nok hjælp", r"for lidt hjælp", r"for meget hjælp",
    r"passer ikke", r"visitator\w*", r"more help", r"less help", r"extra help",
    r"more visits", r"cope", r"can't manage", r"cannot manage", r"reassess\w*",
    r"not enough help", r"too much help", r"worse", r"need more", r"need less",
    r"fell", r"fallen", r"managing on (her|his|my) own", r"look at my needs",
    r"review", r"doesn't fit", r"does not fit",
)  # fmt: skip
_RIGHTS = _cue(
    r"ret til", r"rettighed\w*", r"klage\w*", r"lov til", r"regler(ne)?", r"loven",
    r"fleksibel hjemmehjælp", r"fleksibel hjælp", r"ankestyrelsen", r"paragraf\w*",
    r"må de (godt )?(nægte|sige nej|afvise)", r"hvad må jeg", r"right to", r"rights",
    r"complain\w*", r"allowed", r"entitled", r"the rules", r"the law", r"appeal",
    r"refuse", r"flexible home help", r"what can i swap", r"kan man bytte",
    r"hvordan bytter man", r"hvad kan jeg bytte",
)  # fmt: skip
_MY_HELP = _cue(
    r"hvad får jeg", r"hvilken hjælp", r"hvornår kommer", r"hvem kommer", r"hvad er jeg bevilget",
    r"min bevilling", r"mit skema", r"hvor meget tid", r"hvor mange minutter",
    r"hvad hjælper de", r"kommer de", r"kommer hjemmehjælpen", r"min hjælp", r"hvad står der",
    r"hvad har jeg fået", r"hvad skal de lave", r"what help do i", r"what do i get",
    r"when (are|is|do|will) (they|the|she|he|my)", r"who is coming", r"my schedule",
    r"how much time", r"how many minutes", r"what am i granted", r"my help", r"my plan",
    r"what will they do", r"who comes", r"hvor længe bliver",
)  # fmt: skip
_WISH = _cue(
    r"tidligere", r"senere", r"klokken", r"kl", r"om morgenen", r"om aftenen",
    r"om eftermiddagen", r"samme hjælper", r"samme person", r"samme medarbejder",
    r"fast hjælper", r"faste hjælpere", r"kvindelig", r"mandlig", r"en kvinde", r"en mand",
    r"vane\w*", r"kjole(n)?", r"bluse(n)?", r"skjorte(n)?", r"foretrækker", r"ønsker? mig",
    r"tidspunkt\w*", r"hjemmesko", r"earlier", r"later", r"o'clock", r"in the morning",
    r"in the evening", r"same carer", r"same helper", r"same person", r"female", r"male",
    r"a woman", r"a man", r"habits?", r"routine", r"prefer", r"dress", r"blouse", r"shirt",
    r"time", r"\d{1,2} ?(am|pm)", r"\d{1,2}[.:]\d{2}", r"radio\w*", r"musik\w*", r"music",
    r"hund(en)?",
    r"kat(ten)?", r"dog", r"cat",
)  # fmt: skip
_WANT = _cue(
    r"vil gerne", r"vil have", r"ville gerne", r"kunne jeg", r"kan jeg", r"må jeg",
    r"ønsker", r"gerne have", r"gerne få", r"kan i", r"kan de", r"kunne i", r"kunne de",
    r"kan hjælperen", r"jeg vil", r"vi vil", r"can i", r"could i", r"may i", r"i'd like",
    r"i would like", r"i want", r"i'd love", r"please", r"can you", r"could you",
    r"can they", r"could they", r"she would like", r"he would like", r"she wants",
    r"he wants", r"hun vil", r"han vil", r"hun ønsker", r"han ønsker",
)  # fmt: skip
_SWAP_WORD = _cue(r"byt\w*", r"swap\w*", r"switch\w*", r"exchange")
# Times of day: "i stedet for om morgenen" moves a visit rather than swapping a service.
_TIME = _cue(
    r"morgen(en)?", r"formiddag(en)?", r"eftermiddag(en)?", r"aften(en)?", r"nat(ten)?",
    r"klokken", r"kl", r"morning", r"afternoon", r"evening", r"night", r"o'clock", r"\d+",
)  # fmt: skip


@dataclass(frozen=True)
class _Cues:
    consent: bool
    reassess: bool
    rights: bool
    my_help: bool
    wish: bool
    want: bool
    swap_word: bool


def detect_cues(text: str) -> _Cues:
    """Find the intent cue words in normalised text."""
    consent = bool(_CONSENT.search(text)) or bool(_RELATIVE.search(text) and _ACCESS.search(text))
    return _Cues(
        consent=consent,
        reassess=bool(_REASSESS.search(text)),
        rights=bool(_RIGHTS.search(text)),
        my_help=bool(_MY_HELP.search(text)),
        wish=bool(_WISH.search(text)),
        want=bool(_WANT.search(text)),
        swap_word=bool(_SWAP_WORD.search(text)),
    )


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


# --- The entry point ------------------------------------------------------------------


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
    tokens = [canonical_marker(tok) for tok in tokenize(text if isinstance(text, str) else "")]
    norm = " ".join(tokens)
    mentions = find_mentions(tokens, services, language)
    roles = find_roles(tokens, mentions)
    cues = detect_cues(norm)

    def unknown(explanation: str) -> Understanding:
        return Understanding(Intent.UNKNOWN, (), (), None, find_weekday(tokens), 0.0, explanation)

    if not tokens:
        return unknown("Empty message.")

    add: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    free: str | None = None
    if roles is not None:
        add = _unique(m.code for m in mentions if m.start in roles.add)
        drop = _unique(m.code for m in mentions if m.start in roles.drop)
        # The wished help in the citizen's own words, when it is not a known service. Without
        # any known service, both sides must say something for it to count as a swap.
        if not add and (drop or _free_text(tokens, roles.drop)):
            free = _free_text(tokens, roles.add)
    weekday = find_weekday(tokens, roles.drop if roles is not None and add else None)
    scores = [m.score for m in mentions] or [0.0]
    quality = sum(scores) / len(scores)

    def result(intent: Intent, confidence: float, why: str, **kw: object) -> Understanding:
        return Understanding(
            intent=intent,
            drop=kw.get("drop", ()),  # type: ignore[arg-type]
            add=kw.get("add", ()),  # type: ignore[arg-type]
            free_text_add=kw.get("free"),  # type: ignore[arg-type]
            weekday=weekday,
            confidence=round(max(0.0, min(1.0, confidence)), 2),
            explanation=why,
        )

    # 1. A swap sentence with services on at least one side decides everything.
    if roles is not None and (add or drop or free):
        drop_text = " ".join(tokens[i] for i in roles.drop)
        # "bad på fredag i stedet for torsdag": the same service, or only a time on the drop
        # side, means moving a visit, which is a wish, not a swap.
        only_time = bool(drop_text) and (
            find_weekday(drop_text.split()) is not None or bool(_TIME.search(drop_text))
        )
        if (add and set(add) == set(drop)) or ((add or free) and not drop and only_time):
            return result(
                Intent.WISH,
                0.7 * quality,
                f"Pattern '{roles.pattern}' moves a service in time: a wish.",
            )
        if add and drop:
            confidence = 0.9 * quality
        elif free:
            confidence = 0.6 if drop else 0.4
        else:
            confidence = 0.75 * quality
        why = (
            f"Pattern '{roles.pattern}': add {list(add) or free or '-'}, drop {list(drop) or '-'}."
        )
        return result(Intent.SWAP, confidence, why, add=add, drop=drop, free=free)

    # 2. Without a swap sentence, the cue words decide, the strongest first.
    if cues.consent:
        return result(Intent.CONSENT, 0.8, "A relative's access or consent is mentioned.")
    if cues.reassess:
        return result(Intent.REASSESSMENT, 0.75, "Words about needing more or less help.")
    if cues.rights:
        return result(Intent.RIGHTS, 0.75, "A question about rules or rights.")
    if cues.swap_word and not mentions:
        return result(Intent.SWAP, 0.4, "A wish to swap, without naming a service.")
    if cues.my_help:
        return result(Intent.MY_HELP, 0.75, "A question about the citizen's own help.")
    if cues.wish:
        return result(Intent.WISH, 0.65, "A preference about time, person or habits.")
    if mentions and (cues.want or cues.swap_word):
        negated = {
            m.code for m in mentions
            if any(tokens[j] in _NEGATIONS for j in range(max(0, m.start - 3), m.start))
        }  # fmt: skip
        add = _unique(m.code for m in mentions if m.code not in negated)
        drop = _unique(m.code for m in mentions if m.code in negated)
        return result(Intent.SWAP, 0.6 * quality, "A request naming services.", add=add,
                      drop=drop)  # fmt: skip
    return unknown("No pattern or cue recognised.")
