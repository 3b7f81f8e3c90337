"""requirements.lock holds every dependency of pyproject.toml, pinned, in range, with hashes.

`make setup` installs from the lock file only (issue 16: a fresh machine gets exactly what
CI tested). A dependency added to pyproject.toml without `make lock` would be missing on a
fresh machine; this test says so before CI's fresh install does.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^ ;\\]+)")


def _locked() -> dict[str, tuple[str, list[str]]]:
    """Name → (version, hashes) for each pinned entry of requirements.lock."""
    entries: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match["name"])
            entries[current] = (match["version"], [])
        elif current and "--hash=sha256:" in line:
            entries[current][1].append(line.split("--hash=sha256:")[1].split()[0])
    return entries


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(line) for line in lines]


LOCKED = _locked()


@pytest.mark.parametrize("requirement", _declared(), ids=str)
def test_every_declared_dependency_is_locked_within_its_range(requirement):
    name = canonicalize_name(requirement.name)
    assert name in LOCKED, f"{name} is missing from requirements.lock: run make lock"
    version, _ = LOCKED[name]
    assert requirement.specifier.contains(version, prereleases=True), (
        f"{name}=={version} in requirements.lock is outside {requirement.specifier}: run make lock"
    )


def test_every_locked_package_carries_hashes():
    assert len(LOCKED) > 50
    assert not [name for name, (_, hashes) in LOCKED.items() if not hashes]
