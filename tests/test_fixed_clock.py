"""Tests whose result depends on the date run on a fixed clock (issue 16, "Tests with a fixed
clock").

A test module "computes from the real today" when it reads the clock itself (local_today(),
utc_now(), date.today(), datetime.now()) or builds its data with a helper that does (the
household, a visit scene, the route walk's world), and fixes nothing: no ``today``
marker (tests/clock.py), no time-machine, no clock_at, no ``clock`` fixture. Such a module
passes or fails with the calendar: CI's run on PostgreSQL at UTC+14 on a day before Easter
(.ci/run) finds some of them; a fixed clock removes the question.

The modules below still do, each with the reason. The list only shrinks: fixing a module's
clock means removing it here, and a new module that computes from the real today fails at
once. The check is per file: a module with one fixed test counts as fixed, so keep a
boundary test (midnight, DST, New Year) in a module that is fixed throughout.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# Test modules that still compute from the real today, and why.
NOT_YET_FIXED = {
    # Real-browser journeys (tests/browser/): the server thread and Chromium's own clock.
    "browser/test_access_journeys.py": "browser journey, not edited in this change",
    "browser/test_call_back_journey.py": "browser journey, not edited in this change",
    "browser/test_citizen_dialogue.py": "browser journey, not edited in this change",
    "browser/test_dialogue_relatives.py": "browser journey, not edited in this change",
    "browser/test_staff_journeys.py": "browser journey, not edited in this change",
    "browser/test_priority_journeys.py": "browser journey, not edited in this change",
    "browser/test_supervisor_journey.py": "browser journey, not edited in this change",
    "browser/test_visitator_ael_journey.py": "browser journey, not edited in this change",
    "browser/test_visitator_journeys.py": "browser journey, not edited in this change",
}

# Helpers (modules that are not tests) that read the clock: they follow the calling test's
# clock, so a test module that uses one is checked as if it read the clock itself.
HELPERS = {
    "citizen/ael_household.py": "an AEL household with visits around today",
    "citizen/conftest.py": "the household: a visit tomorrow, one two days ago",
    "security/world.py": "the route walk's world: a visit in two days, a flag's period",
    "staff/helpers.py": "a visit scene on today, a swap acknowledged now",
    "visitation/conftest.py": "a flag's window ending today",
}

# Helpers whose clock reads are not a date: using them does not make a test date-dependent.
NOT_A_DATE = {
    # A test that needs a particular day passes it (day=, valid_from=); the defaults only
    # make a row valid on whatever day the test runs.
    "factories.py": "defaults relative to the test's day: grants from 60 days back, a visit",
    "pages.py": "the session's last-seen stamp, a duration",
    "conftest.py": "the today_clock fixture and --today themselves",
}

FREEZES = {"mark.today(", "time_machine", "clock_at("}
CLOCK_FIXTURES = {"clock", "today_clock"}


def _is_clock_call(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):  # local_today(MONDAY) is a fixed moment, not the clock
        return func.id in ("local_today", "utc_now", "utcnow") and not call.args
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        # datetime.now(UTC): the zone given, the moment still the real one
        return (func.value.id, func.attr) in (("date", "today"), ("datetime", "now"))
    return False


def _reads_clock(node: ast.AST) -> bool:
    return any(isinstance(call, ast.Call) and _is_clock_call(call) for call in ast.walk(node))


def _functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [node for node in tree.body if isinstance(node, ast.FunctionDef)]


def _module_name(path: Path, root: Path) -> str:
    return ".".join(("tests", *path.relative_to(root).with_suffix("").parts))


def _helper_names(tree: ast.Module) -> set[str]:
    """The module's top-level functions that read the clock, directly or through each other."""
    names = {f.name for f in _functions(tree) if _reads_clock(f)}
    while True:
        more = {
            f.name
            for f in _functions(tree)
            if f.name not in names
            and any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(f))
        }
        if not more:
            return names
        names |= more


def _parameters(tree: ast.Module) -> set[str]:
    return {
        arg.arg
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        for arg in node.args.args + node.args.kwonlyargs
    }


def _scan(root: Path = TESTS) -> tuple[dict[str, str], set[str]]:
    """(test modules computing from the real today -> how; helper modules reading the clock)."""
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(root.rglob("*.py"))
    }
    helpers: dict[str, set[str]] = {}  # module name -> its clock-reading functions
    fixtures: dict[Path, set[str]] = {}  # conftest's folder -> its clock-reading fixtures
    helper_files = set()
    for path, tree in trees.items():
        relative = path.relative_to(root).as_posix()
        if path.name.startswith("test_") or relative in NOT_A_DATE or not _reads_clock(tree):
            continue
        helper_files.add(relative)
        names = _helper_names(tree)
        helpers[_module_name(path, root)] = names
        if path.name == "conftest.py":
            fixtures[path.parent] = names

    found = {}
    for path, tree in trees.items():
        if not path.name.startswith("test_") or path == Path(__file__).resolve():
            continue
        text = path.read_text(encoding="utf-8")
        parameters = _parameters(tree)
        if any(word in text for word in FREEZES) or parameters & CLOCK_FIXTURES:
            continue
        how = []
        if _reads_clock(tree):
            how.append("reads the clock")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in helpers:
                used = {alias.name for alias in node.names} & helpers[node.module]
                how += [f"{node.module}.{name}" for name in sorted(used)]
        for folder, names in fixtures.items():
            if folder in path.parents:
                how += [f"fixture {name}" for name in sorted(parameters & names)]
        if how:
            found[path.relative_to(root).as_posix()] = ", ".join(how)
    return found, helper_files


def test_no_test_module_computes_from_the_real_today_beyond_those_not_yet_fixed():
    found, _ = _scan()
    new = {module: how for module, how in found.items() if module not in NOT_YET_FIXED}
    assert not new, (
        "these modules compute from the real today: fix the clock with "
        f"pytestmark = pytest.mark.today(MOMENT) (tests/clock.py): {new}"
    )


def test_the_list_of_modules_not_yet_fixed_only_shrinks():
    found, _ = _scan()
    fixed = sorted(set(NOT_YET_FIXED) - set(found))
    assert not fixed, (
        f"these modules have a fixed clock now: remove them from NOT_YET_FIXED: {fixed}"
    )


def test_the_helpers_that_read_the_clock_are_known():
    _, helper_files = _scan()
    assert helper_files == set(HELPERS), (
        "a helper that reads the clock makes every test using it date-dependent: take the day "
        "as an argument, or list it in HELPERS with what it builds"
    )


def test_the_scan_finds_each_way_of_computing_from_today_and_a_fixed_clock_clears_it(tmp_path):
    """The detector itself, on a small tree of its own: it must be able to fail."""
    files = {
        "area/conftest.py": "def household(factories):\n    return visit_on(local_today())\n",
        "area/helpers.py": "def scene(f):\n    return make(f)\n\n"
        "def make(f):\n    return datetime.now(UTC)\n\ndef fixed(f):\n    return 1\n",
        "area/test_fixture.py": "def test_a(household):\n    pass\n",
        "area/test_import.py": "from tests.area.helpers import scene\n",
        "area/test_fixed_helper.py": "from tests.area.helpers import fixed\n",
        "area/test_direct.py": "def test_a():\n    assert date.today()\n",
        "area/test_a_moment.py": "def test_a():\n    assert local_today(MONDAY)\n",
        "area/test_fixed.py": "pytestmark = pytest.mark.today(MONDAY)\n"
        "def test_a(household):\n    assert local_today()\n",
        "area/test_visits_clock.py": "def test_a(household, clock):\n    pass\n",
        "other/test_same_name.py": "def test_a(household):\n    pass\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(text)

    found, helper_files = _scan(tmp_path)

    assert helper_files == {"area/conftest.py", "area/helpers.py"}
    assert found == {
        "area/test_fixture.py": "fixture household",
        "area/test_import.py": "tests.area.helpers.scene",
        "area/test_direct.py": "reads the clock",
    }
