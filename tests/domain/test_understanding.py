"""Tests of free-text understanding: patterns, helpers, corpus accuracy, robustness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from selvvisitation.demo.esbjerg_catalogue import CATALOGUE
from selvvisitation.domain.understanding import (
    Intent,
    MatchableService,
    Understanding,
    canonical_marker,
    detect_cues,
    find_mentions,
    find_roles,
    find_weekday,
    normalise,
    services_from_catalogue,
    stem,
    token_similarity,
    tokenize,
    understand,
)
from tests.domain.understanding_corpus import DANISH, ENGLISH, CorpusItem

SERVICES = services_from_catalogue(CATALOGUE)


def codes(text: str, language: str = "da") -> list[str]:
    """Codes of the mentions found in a text."""
    return [m.code for m in find_mentions(tokenize(text), SERVICES, language)]


# --- helpers --------------------------------------------------------------------------


def test_normalise_lowercases_and_collapses_space() -> None:
    """Case, Unicode forms and white space do not matter."""
    assert normalise("  STØVSUGNING\n i  DAG ") == "støvsugning i dag"
    assert normalise("Sto\u0308vsugning") == normalise("Stövsugning") == "støvsugning"


def test_tokenize_keeps_punctuation_and_hyphenated_words() -> None:
    """Punctuation marks clause breaks; 'make-up' stays one word."""
    assert tokenize("Bad, ikke make-up!") == ["bad", ",", "ikke", "make-up", "!"]


def test_stem_danish_inflections() -> None:
    """Danish inflections share a stem."""
    assert stem("støvsuget") == stem("støvsuge") == "støvsug"
    assert stem("indkøbene") == stem("indkøb")
    assert stem("badet") == stem("bad")


def test_token_similarity_exact_prefix_fuzzy() -> None:
    """Exact beats compound prefix beats typo; short stems never prefix-match."""
    assert token_similarity("bad", "bad", "bad", "bad") == 1.0
    assert token_similarity("badeværelset", "badevær", "badeværelse", "badevær") == 1.0
    assert token_similarity("køkkenrengøring", "køkkenrengøring", "køkken", "køkken") == 0.9
    assert 0.75 < token_similarity("støvsugnig", "støvsugn", "støvsugning", "støvsugning") < 1
    assert token_similarity("badeværelset", "badevær", "bad", "bad") == 0.0
    assert token_similarity("having", "having", "shaving", "shaving") == 0.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("støvsuget", ["PR-STOEVSUG"]),
        ("støvsugning", ["PR-STOEVSUG"]),
        ("støvsuge", ["PR-STOEVSUG"]),
        ("støvsugnig", ["PR-STOEVSUG"]),
        ("STØVSUGNINGEN!", ["PR-STOEVSUG"]),
        ("badet", ["PP-BAD"]),
        ("indkøbene", ["PR-INDKOEB"]),
        ("rengøring af badeværelse", ["PR-BADEVAER"]),
        ("vaske tøj", ["PR-TOEJVASK"]),
        ("gå en lille tur", ["FL-GAATUR"]),
        ("sengetøjsskift", ["PR-SENGETOEJ"]),
    ],
)
def test_find_mentions_danish_forms(text: str, expected: list[str]) -> None:
    """Inflections, typos, case and compounds find the right service."""
    assert codes(text) == expected


def test_find_mentions_longest_phrase_wins() -> None:
    """'vaske op' is washing up, not a shower ('vask')."""
    assert codes("vaske op") == ["PP-OPVASK"]
    assert codes("buy clothes", "en") == ["FL-TOEJKOEB"]


def test_find_mentions_english() -> None:
    """English words and stems match too."""
    assert codes("the hoovering and a shower", "en") == ["PR-STOEVSUG", "PP-BAD"]


@pytest.mark.parametrize(
    ("text", "day"),
    [("på fredag", 4), ("mandagen", 0), ("on Sunday", 6), ("ingen dag", None), ("fredga", 4)],
)
def test_find_weekday(text: str, day: int | None) -> None:
    """Weekday names (and near misses) map to 0 = Monday."""
    assert find_weekday(tokenize(text)) == day


def test_find_weekday_skips_drop_side() -> None:
    """The weekday outside the skipped span wins."""
    tokens = tokenize("torsdag i stedet for fredag")
    assert find_weekday(tokens, range(3, 5)) == 3


def test_canonical_marker_fixes_typos_only_for_pattern_words() -> None:
    """'instad' is 'instead'; ordinary words are left alone."""
    assert canonical_marker("instad") == "instead"
    assert canonical_marker("hellre") == "hellere"
    assert canonical_marker("gåtur") == "gåtur"


def test_detect_cues() -> None:
    """Each intent has its cue words."""
    assert detect_cues("min datter skal kunne se min hjælp").consent
    assert detect_cues("jeg kan ikke klare mig").reassess
    assert detect_cues("hvordan klager jeg").rights
    assert detect_cues("hvornår kommer de").my_help
    assert detect_cues("samme hjælper hver gang").wish
    assert not detect_cues("min datter vil hellere gå en tur").consent


# --- patterns -------------------------------------------------------------------------


def roles_of(text: str, language: str = "da") -> tuple[str, list[str], list[str]]:
    """Pattern name and the codes on the add and drop sides."""
    tokens = tokenize(text)
    mentions = find_mentions(tokens, SERVICES, language)
    roles = find_roles(tokens, mentions)
    assert roles is not None
    add = [m.code for m in mentions if m.start in roles.add]
    drop = [m.code for m in mentions if m.start in roles.drop]
    return roles.pattern, add, drop


@pytest.mark.parametrize(
    ("text", "pattern", "add", "drop"),
    [
        ("hellere gå en tur end støvsuge", "hellere X end Y", ["FL-GAATUR"], ["PR-STOEVSUG"]),
        ("bad i stedet for rengøring", "X i stedet for Y", ["PP-BAD"], ["PR-RENG"]),
        ("i stedet for rengøring vil jeg have bad", "i stedet for Y, X", ["PP-BAD"], ["PR-RENG"]),
        ("bytte støvsugning ud med gåtur", "bytte Y med X", ["FL-GAATUR"], ["PR-STOEVSUG"]),
        ("kan støvsugningen byttes til en gåtur", "bytte Y med X", ["FL-GAATUR"], ["PR-STOEVSUG"]),
        ("ikke støvsugning men bad", "ikke Y men X", ["PP-BAD"], ["PR-STOEVSUG"]),
        ("springe støvsugningen over", "droppe Y", [], ["PR-STOEVSUG"]),
        ("droppe opvasken og i stedet gå en tur", "droppe Y", ["FL-GAATUR"], ["PP-OPVASK"]),
        ("bad i stedet", "X i stedet", ["PP-BAD"], []),
    ],
)
def test_danish_patterns(text: str, pattern: str, add: list[str], drop: list[str]) -> None:
    """Each Danish sentence pattern assigns add and drop sides."""
    assert roles_of(text) == (pattern, add, drop)


@pytest.mark.parametrize(
    ("text", "pattern", "add", "drop"),
    [
        ("rather a walk than the vacuuming", "hellere X end Y", ["FL-GAATUR"], ["PR-STOEVSUG"]),
        ("a shower instead of the cleaning", "X i stedet for Y", ["PP-BAD"], ["PR-RENG"]),
        ("swap my shower for a walk", "bytte Y med X", ["FL-GAATUR"], ["PP-BAD"]),
        ("replace the cleaning with a chat", "bytte Y med X", ["PP-STOETTE"], ["PR-RENG"]),
        ("skip the hoovering", "droppe Y", [], ["PR-STOEVSUG"]),
        ("not the cleaning but a walk", "ikke Y men X", ["FL-GAATUR"], ["PR-RENG"]),
    ],
)
def test_english_patterns(text: str, pattern: str, add: list[str], drop: list[str]) -> None:
    """Each English sentence pattern assigns add and drop sides."""
    assert roles_of(text, "en") == (pattern, add, drop)


# --- understand() ---------------------------------------------------------------------


def test_understand_brief_examples() -> None:
    """The three examples from the brief."""
    u = understand("jeg vil hellere gå en tur end få støvsuget", SERVICES)
    assert (u.intent, u.drop, u.add) == (Intent.SWAP, ("PR-STOEVSUG",), ("FL-GAATUR",))
    u = understand("kan jeg få bad i stedet for rengøring på fredag", SERVICES)
    assert (u.intent, u.drop, u.add, u.weekday) == (Intent.SWAP, ("PR-RENG",), ("PP-BAD",), 4)
    u = understand("I'd rather go for a walk than have the vacuuming done", SERVICES, "en")
    assert (u.intent, u.drop, u.add) == (Intent.SWAP, ("PR-STOEVSUG",), ("FL-GAATUR",))
    assert 0.0 < u.confidence <= 1.0 and u.explanation


def test_free_text_add_when_service_not_in_catalogue() -> None:
    """A wished help outside the list is kept in the citizen's words."""
    without_windows = tuple(s for s in SERVICES if s.code != "XS-VINDUER")
    u = understand("Jeg vil hellere have vinduespudsning end støvsugning", without_windows)
    assert u.intent is Intent.SWAP
    assert u.drop == ("PR-STOEVSUG",) and u.add == ()
    assert u.free_text_add == "vinduespudsning"


def test_moving_a_visit_is_a_wish() -> None:
    """Same service on another day or time is a wish, not a swap."""
    assert understand("bad på fredag i stedet for torsdag", SERVICES).intent is Intent.WISH


def test_empty_and_unknown() -> None:
    """Empty or unrelated text is UNKNOWN with zero confidence."""
    for text in ("", "   ", "?!", "hej"):
        u = understand(text, SERVICES)
        assert u.intent is Intent.UNKNOWN and u.confidence == 0.0


def test_custom_services_list() -> None:
    """The matcher works with any list of services, not only the demo catalogue."""
    services = (
        MatchableService("A", ("Havearbejde",), ("slå græs", "hæk")),
        MatchableService("B", ("Støvsugning",), ("støvsuge",)),
    )
    u = understand("Hellere slå græs end støvsuge", services)
    assert (u.drop, u.add) == (("B",), ("A",))


# --- robustness -----------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200), st.sampled_from(["da", "en", "", "xx"]))
def test_understand_never_raises(text: str, language: str) -> None:
    """Any input at all gives an Understanding, never an exception."""
    u = understand(text, SERVICES, language)
    assert isinstance(u, Understanding)
    assert isinstance(u.intent, Intent)
    assert 0.0 <= u.confidence <= 1.0
    assert u.weekday is None or 0 <= u.weekday <= 6
    known = {s.code for s in SERVICES}
    assert set(u.drop) <= known and set(u.add) <= known


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "hellere",
                "end",
                "i",
                "stedet",
                "for",
                "bytte",
                "med",
                "ikke",
                "men",
                "droppe",
                "over",
                "bad",
                "støvsugning",
                "gåtur",
                ",",
                ".",
                "?",
                "instead",
                "of",
                "rather",
                "than",
                "swap",
            ]
        ),
        max_size=25,
    )
)
def test_understand_never_raises_on_pattern_soup(words: list[str]) -> None:
    """Pattern words in any order never break the reader."""
    u = understand(" ".join(words), SERVICES)
    assert isinstance(u, Understanding)


def test_understand_with_no_services() -> None:
    """An empty catalogue still gives a reading."""
    u = understand("hellere bad end støvsugning", ())
    assert u.intent is Intent.SWAP and u.add == () and u.drop == ()
    assert u.free_text_add is None or isinstance(u.free_text_add, str)


# --- corpus accuracy ------------------------------------------------------------------


def _failures(items: tuple[CorpusItem, ...]) -> list[str]:
    """Corpus items read wrongly, described for the assertion message."""
    failures = []
    for item in items:
        got = understand(item.text, SERVICES, item.language)
        if (got.intent, set(got.drop), set(got.add)) != (item.intent, item.drop, item.add):
            failures.append(
                f"{item.text!r}: expected {item.intent} drop={sorted(item.drop)} "
                f"add={sorted(item.add)}, got {got.intent} drop={sorted(got.drop)} "
                f"add={sorted(got.add)} ({got.explanation})"
            )
    return failures


def test_corpus_sizes() -> None:
    """At least 90 Danish and 35 English phrasings."""
    assert len(DANISH) >= 90
    assert len(ENGLISH) >= 35
    assert all(item.language == "da" for item in DANISH)
    assert all(item.language == "en" for item in ENGLISH)


@pytest.mark.parametrize(("name", "items"), [("Danish", DANISH), ("English", ENGLISH)])
def test_corpus_accuracy(name: str, items: tuple[CorpusItem, ...]) -> None:
    """At least 90 % of each language's corpus is read right (intent, drop and add)."""
    failures = _failures(items)
    accuracy = 1 - len(failures) / len(items)
    assert accuracy >= 0.9, f"{name} accuracy {accuracy:.1%}; failures:\n" + "\n".join(failures)
