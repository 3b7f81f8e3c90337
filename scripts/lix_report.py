"""Print the LIX of every refusal a citizen can meet, in Danish (issue 12, item 4).

Run from the repository root: python scripts/lix_report.py [--language da|en]

LIX (selvvisitation/domain/plain_language.py) = words per sentence + the percentage of words
of more than six letters. A placeholder (her service's name, a date, a number) counts as one
short word: the figure judges our wording, not names she already knows. Under 30 is very
easy to read; each text is under 30, and tests/citizen/test_refusal_plain_language.py keeps
them there.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the package

from flask_babel import force_locale  # noqa: E402

from selvvisitation import create_app  # noqa: E402
from selvvisitation.citizen.refusal_texts import refusal_texts  # noqa: E402
from selvvisitation.domain.plain_language import lix  # noqa: E402

LIMIT = 30


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="da", choices=("da", "en"))
    language = parser.parse_args().language
    app = create_app("test")
    with app.test_request_context(), force_locale(language):
        rows = [(lix(measured), group, key, text) for group, key, text, measured in refusal_texts()]
    for figure, group, key, text in sorted(rows, reverse=True):
        print(f"{figure:5.1f}  {group} / {key}\n       {text}")
    figures = [row[0] for row in rows]
    under = sum(1 for f in figures if f < LIMIT)
    print(
        f"\n{len(figures)} texts: LIX median {statistics.median(figures):.1f}, "
        f"mean {statistics.mean(figures):.1f}, highest {max(figures):.1f}; "
        f"{under} of {len(figures)} under {LIMIT}."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
