"""Freeze the migrations of a release: record them in migrations/released.json.

    .venv/bin/python scripts/release_migrations.py 1.0.0

Records the head revision and the SHA-256 of every migration file up to it, and of the
release's demo data for the upgrade test (scripts/snapshot_release_data.py writes it first).
tests/test_released_migrations.py then fails if any of those files changes or goes. An
earlier release's entry is never rewritten: if a recorded file no longer matches, this
refuses, as the test does.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASED = ROOT / "migrations" / "released.json"
VERSIONS = ROOT / "migrations" / "versions"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def changed_files(released: dict) -> list[str]:
    """Recorded files that are missing or no longer match their hash."""
    return [
        name
        for release in released.values()
        for name, digest in release["sha256"].items()
        if not (ROOT / name).is_file() or sha256(ROOT / name) != digest
    ]


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    version = sys.argv[1]
    released = json.loads(RELEASED.read_text()) if RELEASED.exists() else {}
    if version in released:
        print(f"{version} is released already; its entry never changes.", file=sys.stderr)
        return 1
    changed = changed_files(released)
    if changed:
        print("Released files changed: " + ", ".join(changed), file=sys.stderr)
        return 1
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    snapshot = ROOT / "tests" / "migrations" / "data" / f"v{version}-demo.json.gz"
    if head is None or not snapshot.is_file():
        print(f"No head revision, or no {snapshot.relative_to(ROOT)}.", file=sys.stderr)
        return 1
    files = [Path(revision.path) for revision in script.walk_revisions("base", head)]
    files = sorted(files) + [snapshot]
    released[version] = {
        "head": head,
        "sha256": {str(path.relative_to(ROOT)): sha256(path) for path in files},
    }
    RELEASED.write_text(json.dumps(released, indent=2) + "\n")
    print(f"{version}: {len(files)} files frozen at {head} in {RELEASED.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
