"""Which named services a message drops and which it wants: clauses and their cues.

Part of the free-text matcher (understanding.py), issue 13: negation, drop verbs and
set-aside predicates mark what is dropped; "hellere", "i stedet" and inverted word order what
is wanted; explicit patterns decide first. No Flask imports: this is plain domain code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from selvvisitation.domain.understanding_mentions import (
    DROP_VERBS,
    NEGATIONS,
    Mention,
    instead_of,
    rather_than,
    swap_verb,
)
from selvvisitation.domain.understanding_text import (
    PUNCT,
    STOPWORDS,
    WEEKDAYS,
)

# --- Structure: which mentions are dropped and which are wanted -------------------------

_NEG_WORDS = frozenset(
    """
    ikke ingen hverken uden nej not no without don't doesn't didn't won't isn't aren't
    never nope
    """.split()
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
    ("behøver", "i", "ikke"), ("trænger", "ikke"), ("der", "er"), ("lade", "være"),
    ("lad", "være"), ("lader", "være"), ("klarer",), ("er", "gjort"), ("is", "done"),
    ("are", "done"), ("er", "ordnet"), ("godt", "selv"), ("er", "vasket"), ("er", "skiftet"),
    ("er", "støvsuget"), ("er", "ryddet"), ("is", "clean"), ("are", "clean"), ("is", "cleaned"),
    ("har", "selv"), ("taget",), ("ordnet",),
)  # fmt: skip
_SPRING = frozenset({"springe", "springer", "spring", "springes", "sprunget"})
_DROP_WORDS = DROP_VERBS | {"slip", "slipper", "drops"}


def _split_clauses(tokens: Sequence[str], mentions: Sequence[Mention]) -> list[range]:
    """Clauses at punctuation and conjunctions. "og" splits only before a new verb or
    subject, not between two services ("drop støv af og oprydning")."""
    starts = {m.start for m in mentions}
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
        fronted = any(
            m.end == i and all(t in STOPWORDS for t in tokens[begin : m.start]) for m in mentions
        )
        if token in _POLITE_MODALS and following in _SUBJECTS and i > begin and not fronted:
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


_BACK = frozenset({"det", "den", "dem", "it", "them"})  # pointing back at a service
_LEADING = frozenset({"siger", "says", "synes", "mener", "skriver"})


def _fronted(tokens: Sequence[str], clause: range, m: Mention, cue: tuple[int, int]) -> bool:
    """Whether a mention before the cue is its subject: "Badet kan godt vente", "Gulvvask
    har jeg ikke brug for", not "breve hun ikke forstår" deep in a clause."""
    if m.start >= cue[0]:
        return False
    lead = [tokens[i] for i in range(clause.start, m.start)]
    return all(w in STOPWORDS or w in _LEADING or w in _NEG_WORDS for w in lead)


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
    previous: list[Mention] = []
    for clause in _split_clauses(tokens, mentions):
        inside = [m for m in mentions if m.start in clause]
        sub = list(tokens[clause.start : clause.stop])
        shifted = [
            Mention(m.code, m.start - clause.start, m.end - clause.start, m.score, m.length)
            for m in inside
        ]
        for pattern in (instead_of, rather_than, swap_verb):
            found = pattern(sub, shifted)
            if found is None or (pattern is instead_of and not found.drop and not found.add):
                continue
            if pattern is instead_of and found.drop.start >= len(sub):
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
        if cue is not None and not inside and any(tokens[i] in _BACK for i in clause):
            # "… nyt sengetøj, så I behøver ikke skifte det": "det" is the service before.
            for m in previous:
                if roles.get(m) == "default":
                    roles[m] = "drop"
        previous = inside
    explicit = any(role != "default" for role in roles.values())
    ordered = tuple((m, roles[m]) for m in mentions)
    return Reading(ordered, " + ".join(patterns) or "-", explicit, drop_span, add_span, unsure)


def free_text_of(tokens: Sequence[str], span: range) -> str | None:
    """The content words of a span, as the citizen wrote them, or None if none."""
    words = [
        tokens[i] for i in span
        if tokens[i] not in PUNCT and tokens[i] not in STOPWORDS
        and tokens[i] not in WEEKDAYS and tokens[i] not in NEGATIONS
    ]  # fmt: skip
    text = " ".join(words).strip()
    return text or None


def unique_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """Codes in first-seen order without repeats."""
    return tuple(dict.fromkeys(codes))


# "vasket" is a synonym of the shower, but "få vasket tøj/gulv/vinduer" is another service:
# a lone participle counts only when no other service stands right beside it.
_WEAK_WORDS = frozenset({"vasket", "vask", "vaske", "vasker", "washed", "wash"})
# "gøre køleskabet rent", "fridge cleaning": the general cleaning words belong to the room.
_GENERIC_CLEANING = frozenset(
    "gøre gøres gjort rent rengøring rengøre rengjort cleaning clean cleaned".split()
)
_PERFECT = frozenset({"har", "havde", "has", "had"})
_PARTICIPLES = frozenset({"vasket", "washed"})


def drop_weak_mentions(tokens: Sequence[str], mentions: list[Mention]) -> list[Mention]:
    """Remove mentions of a weak word: beside another mention ("vasket tøj", "køleskabet
    gøres rent"), or a past participle in a perfect tense ("det har min søn vasket")."""
    kept = []
    for m in mentions:
        words = [t for t in tokens[m.start : m.end] if t not in STOPWORDS]
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
        perfect = words == [tokens[m.start]] and words[0] in _PARTICIPLES
        perfect = perfect and any(
            tokens[j] in _PERFECT for j in range(max(0, m.start - 4), m.start)
        )
        if not (weak and near) and not generic and not perfect:
            kept.append(m)
    return kept
