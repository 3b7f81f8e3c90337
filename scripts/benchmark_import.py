"""Peak memory of `flask import` on a large file: whole-file json.loads against streaming.

    .venv/bin/python scripts/benchmark_import.py              # about 30 MB, SQLite
    .venv/bin/python scripts/benchmark_import.py --copies 12  # about 65 MB

Issue 15, Medium 7: a 73 MB file took 1.2 GB to import, because the command read it whole
(bytes, then json.loads). The import now reads it citizen by citizen (services/
interchange/file.py). This script builds the demo municipality, exports it, makes a large
file of --copies copies of its citizens (each copy with its own CPR numbers, visit ids and
swap and priority references), then imports that file twice, each time in a process of
its own on an empty database: once as before (the whole file read and parsed, then
import_document) and once as now (FileSource). Each process reports its peak resident
memory (getrusage) before and after the import; the growth is set against the file's size.
Both imports must succeed and create the same rows. Nothing is timed as a pass mark.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Keys whose values are ids that must be unique over the file, and the keys that refer to them.
RENAMED = {"external_id", "visit", "swap", "reference", "from_standing", "standing_priority"}


def _app(database: str) -> Any:
    os.environ["TEST_DATABASE_URL"] = database
    from selvvisitation import create_app

    return create_app("test")


def _renamed(value: Any, suffix: str) -> Any:
    if isinstance(value, dict):
        return {
            key: (
                f"{item}{suffix}"
                if key in RENAMED and isinstance(item, str)
                else _renamed(item, suffix)
            )
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_renamed(item, suffix) for item in value]
    return value


def build_file(target: Path, copies: int, workdir: Path) -> None:
    """The demo's export with its citizens copied ``copies`` times."""
    from selvvisitation.demo.seed import build_demo
    from selvvisitation.extensions import db
    from selvvisitation.services.interchange import dumps, export_municipality

    app = _app(f"sqlite:///{workdir / 'demo.db'}")
    with app.app_context():
        db.create_all()
        demo = build_demo(db.session)
        db.session.commit()
        document = export_municipality(db.session, demo.municipality)
    citizens = document["citizens"]
    copied = []
    serial = 0
    for copy in range(copies):
        for citizen in citizens:
            item = _renamed(citizen, f"-k{copy}") if copy else citizen
            if copy:
                day, month = serial % 28 + 1, serial // 28 % 12 + 1
                item["cpr"] = f"{day:02d}{month:02d}38{serial % 4000:04d}"  # born 1938
                serial += 1
            copied.append(item)
    document["citizens"] = copied
    target.write_text(dumps(document), encoding="utf-8")


def _status_kib(name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {name} in /proc/self/status")


def _reset_peak() -> int:
    """Start the peak (VmHWM) again from now, so the app's start-up does not hide the
    import's own peak; return the resident memory now, in KiB (Linux)."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    return _status_kib("VmRSS")


def run_import(mode: str, file: Path, database: str) -> None:
    """One import in this process; print peak RSS before and after as JSON."""
    from selvvisitation.extensions import db
    from selvvisitation.services.interchange import import_document, import_source
    from selvvisitation.services.interchange.file import FileSource

    app = _app(database)
    with app.app_context():
        db.create_all()
        before = _reset_peak()
        started = time.perf_counter()
        if mode == "whole":  # what `flask import` did before issue 15, Medium 7
            result = import_document(db.session, json.loads(file.read_bytes()))
        else:
            result = import_source(db.session, FileSource(file))
        db.session.commit()
        seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "ok": result.ok,
                "problems": [str(p) for p in result.problems[:3]],
                "created": result.created,
                "rss_before_kib": before,
                "rss_peak_kib": max(_status_kib("VmHWM"), before),
                "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "seconds": round(seconds, 1),
            }
        )
    )


def child_result(script: str, arguments: list[str]) -> dict[str, Any] | None:
    """Run the script in a process of its own; its last line of output, read as JSON, or
    None (after printing the end of its errors) when it failed."""
    done = subprocess.run(  # noqa: S603 (one of these scripts, with its own arguments)
        [sys.executable, script, *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        print(done.stderr[-3000:])
        return None
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=6, help="copies of the demo's citizens")
    parser.add_argument("--keep", type=Path, help="also keep the generated file here")
    parser.add_argument(
        "--child", nargs=3, metavar=("MODE", "FILE", "DATABASE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        run_import(args.child[0], Path(args.child[1]), args.child[2])
        return 0
    with tempfile.TemporaryDirectory(prefix="benchmark-import-") as folder:
        work = Path(folder)
        # The generated keys of this run stay in its own folder, not in instance/.
        os.environ["SELVVISITATION_INSTANCE_DIR"] = str(work / "instance")
        file = args.keep or work / "kommune.json"
        print(f"Building the file: the demo's citizens × {args.copies} …", flush=True)
        build_file(file, args.copies, work)
        size = file.stat().st_size
        print(f"File: {size / 1e6:.1f} MB")
        results = {}
        for mode in ("whole", "stream"):
            database = f"sqlite:///{work / (mode + '.db')}"
            result = child_result(__file__, ["--child", mode, str(file), database])
            if result is None:
                return 1
            results[mode] = result
        print(f"{'':34} {'before (whole file)':>20} {'now (streaming)':>18}")
        for label, key in (
            ("RSS before the import, MB", "rss_before_kib"),
            ("peak RSS during the import, MB", "rss_peak_kib"),
        ):
            row = [results[m][key] * 1024 / 1e6 for m in ("whole", "stream")]
            print(f"{label:34} {row[0]:>20.0f} {row[1]:>18.0f}")
        growth = {
            m: (results[m]["rss_peak_kib"] - results[m]["rss_before_kib"]) * 1024 for m in results
        }
        print(f"{'growth, MB':34} {growth['whole'] / 1e6:>20.0f} {growth['stream'] / 1e6:>18.0f}")
        print(
            f"{'growth / file size':34} {growth['whole'] / size:>20.2f} "
            f"{growth['stream'] / size:>18.2f}"
        )
        print(
            f"{'seconds (for information)':34} {results['whole']['seconds']:>20} "
            f"{results['stream']['seconds']:>18}"
        )
        same = results["whole"]["created"] == results["stream"]["created"]
        ok = results["whole"]["ok"] and results["stream"]["ok"] and same
        if not ok:
            print(
                "The two imports differ:",
                results["whole"]["problems"],
                results["stream"]["problems"],
            )
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
