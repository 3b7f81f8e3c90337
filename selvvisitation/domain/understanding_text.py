"""Read free text as people type it: tokens, stems, typos, å/ø/æ typed as aa/oe/ae.

Part of the free-text matcher (understanding.py). Danish word frequencies come from wordfreq,
whose data ship inside the package: nothing is downloaded at run time (issue 13).
No Flask imports: this is plain domain code.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

# snowballstemmer and rapidfuzz (about 90 modules, 7 MB) are imported in the functions that
# use them: free text is rare, and a worker serving the day's pages never reads any.

# --- Normalisation and tokens ---------------------------------------------------------

PUNCT = frozenset(".,;:!?")
CLAUSE_BREAKS = frozenset({",", ".", ";", ":", "!", "?", "og", "men", "så", "and", "but", "so"})
TOKEN_RE = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?|[.,;:!?]")

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
STOPWORDS = _STOPWORDS_DA | _STOPWORDS_EN
# Words a service's phrase never spans: they separate what is dropped from what is wanted.
BARRIERS = PUNCT | {"than", "end", "rather", "hellere", "instead", "istedet", "stedet"}
BARRIERS |= {"men", "but", "eller", "or"}
PARTICLES = frozenset({"up", "op", "af", "ud", "på", "over", "out", "off", "down", "ned"})

WEEKDAYS = {
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
    return TOKEN_RE.findall(normalise(text))


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
    from rapidfuzz import fuzz

    best = max(_MARKER_WORDS, key=lambda m: fuzz.ratio(word, m))
    if best[0] == word[0] and fuzz.ratio(word, best) >= 85:
        return best
    return word


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Any:  # snowballstemmer is untyped
    """Return the snowball stemmer for a language code ("da" or "en")."""
    import snowballstemmer

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
        from rapidfuzz import fuzz

        ratio = fuzz.ratio(word, phrase_word)
        if min(len(word_stem), len(phrase_stem)) >= 5:  # "ordn"/"ord" is not a typo
            ratio = max(ratio, fuzz.ratio(word_stem, phrase_stem))
        if ratio >= 85:
            return 0.9 * ratio / 100
    return 0.0


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
    # Imported here: wordfreq and its word list load only when a message has aa/oe/ae,
    # not in every web worker at start (issue 17 keeps the serving app lean).
    from wordfreq import zipf_frequency

    if zipf_frequency(word, "da") >= 2.0:  # a real Danish word with these letters
        return word
    return word.replace("aa", "å").replace("oe", "ø").replace("ae", "æ")


# Spoken ways to say a service, rewritten word for word (positions stay the same).
_REWRITES = (
    (("ud", "og", "gå"), ("gå", "en", "tur")),
    (("ud", "at", "gå"), ("gå", "en", "tur")),
    (("ude", "at", "gå"), ("gå", "en", "tur")),
    (("sat", "håret"), ("sætte", "håret")),
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
