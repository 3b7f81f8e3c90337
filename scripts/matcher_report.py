"""Print the free-text matcher's accuracy: training and held-out apart, per language and intent.

Run from the repository root: python scripts/matcher_report.py [--failures] [--heldout-failures]

Three sets (issue 13): the matcher corpus's training part (tune on it), its held-out part
(measure only, never tune on it), and the old 147-phrase corpus kept as a regression set.
A phrase is right only if intent, dropped services and added services all match (and, for
consent, the relative's name when the text gives one). A direction error is a service the
phrase drops that the matcher adds, or one it adds that the matcher drops: the worst error,
since a citizen who confirms quickly would ask for the opposite of what she meant. A reading
that asks the citizen (needs_question) is counted right only when its proposal is right, and
is then listed as "asked".
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the package

from selvvisitation.demo.esbjerg_catalogue import CATALOGUE  # noqa: E402
from selvvisitation.domain.understanding import (  # noqa: E402
    services_from_catalogue,
    understand,
)
from tests.domain.matcher_corpus import HELDOUT, TRAINING  # noqa: E402


def _load_old_corpus() -> tuple[Any, ...]:
    """Import tests/domain/understanding_corpus.py by path."""
    path = ROOT / "tests" / "domain" / "understanding_corpus.py"
    spec = importlib.util.spec_from_file_location("understanding_corpus", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while building
    spec.loader.exec_module(module)
    return tuple(module.CORPUS)


def judge(item: Any, got: Any) -> tuple[bool, bool]:
    """(right, direction error) for one item and the matcher's reading of it."""
    direction = bool(set(item.drop) & set(got.add) or set(item.add) & set(got.drop))
    right = (str(got.intent), set(got.drop), set(got.add)) == (
        str(item.intent),
        set(item.drop),
        set(item.add),
    )
    expected_relative = getattr(item, "relative", None)
    if right and expected_relative is not None:
        found = getattr(got, "relative_name", None) or ""
        right = found.casefold() == expected_relative.casefold()
    return right, direction


def report(name: str, items: Sequence[Any], services: Any, show_failures: bool) -> dict[str, Any]:
    """Print one set's figures; return them for the caller."""
    per_language: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_intent: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    directions: list[tuple[Any, Any]] = []
    failures: list[tuple[Any, Any]] = []
    asked = 0
    for item in items:
        got = understand(item.text, services, item.language)
        right, direction = judge(item, got)
        for table, key in ((per_language, item.language), (per_intent, str(item.intent))):
            table[key][0] += right
            table[key][1] += 1
        asked += bool(right and getattr(got, "needs_question", None))
        if direction:
            directions.append((item, got))
        if not right:
            failures.append((item, got))
    print(f"== {name}: {len(items) - len(failures)}/{len(items)} right")
    for language, (right, total) in sorted(per_language.items()):
        print(f"   {language}: {right}/{total} = {right / total:.1%}")
    print("   per intent: " + ", ".join(
        f"{intent} {right}/{total}" for intent, (right, total) in sorted(per_intent.items())
    ))  # fmt: skip
    print(f"   direction errors: {len(directions)}   right after asking: {asked}")
    if show_failures:
        for item, _got in directions:
            print(f"   DIRECTION {item.text!r}")
        for item, got in failures:
            print(f"  FAIL [{item.language}] {item.text!r}")
            print(f"       expected {item.intent} drop={sorted(item.drop)} add={sorted(item.add)}")
            print(
                f"       got      {got.intent} drop={sorted(got.drop)} add={sorted(got.add)}"
                f" free={got.free_text_add!r} | {got.explanation}"
            )
    return {"languages": dict(per_language), "directions": len(directions)}


def main(argv: Sequence[str] | None = None) -> int:
    """Print the three sets; exit 1 if the old corpus falls under 90 % in a language."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="list training and old failures")
    parser.add_argument(
        "--heldout-failures",
        action="store_true",
        help="also list held-out failures (for the final note only: never tune on them)",
    )
    args = parser.parse_args(argv)
    services = services_from_catalogue(CATALOGUE)
    report("training", TRAINING, services, args.failures)
    report("held-out", HELDOUT, services, args.heldout_failures)
    old = report("old corpus (regression)", _load_old_corpus(), services, args.failures)
    worst = min(right / total for right, total in old["languages"].values())
    return 1 if worst < 0.9 else 0


if __name__ == "__main__":
    raise SystemExit(main())
