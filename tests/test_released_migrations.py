"""Released migrations never change (STYLE.md "Migrations after a release"; SecureDrop).

migrations/released.json holds, for each release, its head revision and the SHA-256 of each
migration file up to it and of its demo data (scripts/release_migrations.py writes it when a
release is made). A database somewhere is at that revision: changing a released file would
give it a schema no other database has. Each change is a new revision (`make migration`).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

ROOT = Path(__file__).resolve().parent.parent
RELEASED = json.loads((ROOT / "migrations" / "released.json").read_text())


def _script() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config)


@pytest.mark.parametrize(
    ("release", "name", "digest"),
    [
        (release, name, digest)
        for release, entry in RELEASED.items()
        for name, digest in entry["sha256"].items()
    ],
)
def test_no_released_file_has_changed_or_gone(release, name, digest):
    path = ROOT / name
    assert path.is_file(), (
        f"{name} was released in {release} and is gone. A released migration never changes "
        "or goes: put it back and add a new revision instead (make migration MESSAGE=...)."
    )
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, (
        f"{name} was released in {release} and has changed. A released migration never "
        "changes: restore it (git checkout v" + release + " -- " + name + ") and add a new "
        "revision instead (make migration MESSAGE=...)."
    )


def test_1_0_is_released_at_0001_with_its_demo_data():
    assert RELEASED["1.0.0"]["head"] == "0001"
    assert set(RELEASED["1.0.0"]["sha256"]) == {
        "migrations/versions/0001_initial_schema.py",
        "tests/migrations/data/v1.0.0-demo.json.gz",
    }


def test_every_revision_a_release_reached_is_held_by_its_hash():
    script = _script()
    for release, entry in RELEASED.items():
        for revision in script.walk_revisions("base", entry["head"]):
            name = str(Path(revision.path).relative_to(ROOT))
            assert name in entry["sha256"], f"{release} reached {revision.revision} ({name})"


def test_the_revisions_are_one_chain_numbered_0001_0002_and_on():
    """Sequential ids make the order plain to a reviewer; two branches that each made the
    next revision give two heads or one id twice: renumber the later one when merging."""
    script = _script()
    assert len(script.get_heads()) == 1, f"more than one head: {script.get_heads()}"
    chain = list(reversed(list(script.walk_revisions())))
    for number, revision in enumerate(chain, start=1):
        assert revision.revision == f"{number:04d}", [r.revision for r in chain]
        assert revision.down_revision == (f"{number - 1:04d}" if number > 1 else None)
        assert re.fullmatch(rf"{number:04d}_\w+\.py", Path(revision.path).name)
    files = sorted(p.name for p in (ROOT / "migrations" / "versions").glob("*.py"))
    assert files == [Path(r.path).name for r in chain], "a file in versions/ is not in the chain"
