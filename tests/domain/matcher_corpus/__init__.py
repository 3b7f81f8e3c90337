"""The matcher corpus of issue 13: phrasings written apart from the matcher, split once.

564 phrasings (420 Danish, 144 English), written from DOMAIN.md and the demo catalogue's
service names, synonyms and categories alone, before the matcher's code was read: typos,
aa/oe/ae for å/ø/æ, spoken forms ("ka", "ik", "sku", "istedet"), negations, "hellere" with
and without "end", inverted word order, relatives writing for "mor" or "far", run-on
sentences, questions, and every intent.

The split was made once, before any tuning: per language, shuffled with random.Random(13),
the first 70 % to `training`, the rest to `heldout`. Tune on TRAINING only. HELDOUT measures;
never change the matcher to pass one of its items, and never edit one of them to make it pass
(a clearly wrong expected reading may be corrected, with a line in the commit message).
"""

from __future__ import annotations

from tests.domain.matcher_corpus.heldout import ITEMS as HELDOUT
from tests.domain.matcher_corpus.items import CorpusItem
from tests.domain.matcher_corpus.training import ITEMS as TRAINING

__all__ = ["HELDOUT", "TRAINING", "CorpusItem"]
