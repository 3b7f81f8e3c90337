"""Print the free-text matcher's accuracy per language and the phrases it reads wrong.

Run from the repository root: python scripts/matcher_report.py
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script, without installing the package

from selvvisitation.demo.esbjerg_catalogue import CATALOGUE  # noqa: E402
from selvvisitation.domain.understanding import (  # noqa: E402
    services_from_catalogue,
    understand,
)


def _load_corpus() -> tuple:
    """Import tests/domain/understanding_corpus.py by path (tests is not a package)."""
    path = ROOT / "tests" / "domain" / "understanding_corpus.py"
    spec = importlib.util.spec_from_file_location("understanding_corpus", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while building
    spec.loader.exec_module(module)
    return module.CORPUS


def main() -> int:
    """Print per-language accuracy and failures; exit 1 if a language is under 90 %."""
    services = services_from_catalogue(CATALOGUE)
    corpus = _load_corpus()
    status = 0
    for language in ("da", "en"):
        items = [item for item in corpus if item.language == language]
        failures = []
        for item in items:
            got = understand(item.text, services, language)
            if (got.intent, set(got.drop), set(got.add)) != (item.intent, item.drop, item.add):
                failures.append((item, got))
        right = len(items) - len(failures)
        accuracy = right / len(items) if items else 0.0
        print(f"{language}: {right}/{len(items)} = {accuracy:.1%}")
        for item, got in failures:
            print(f"  FAIL {item.text!r}")
            print(f"       expected {item.intent} drop={sorted(item.drop)} add={sorted(item.add)}")
            print(
                f"       got      {got.intent} drop={sorted(got.drop)} add={sorted(got.add)}"
                f" free={got.free_text_add!r} | {got.explanation}"
            )
        if accuracy < 0.9:
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
