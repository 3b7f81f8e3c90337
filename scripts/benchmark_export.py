"""Peak memory of `flask export` on a large database: the whole document against streaming.

    .venv/bin/python scripts/benchmark_export.py              # about 30 MB of export, SQLite
    .venv/bin/python scripts/benchmark_export.py --copies 12  # about 65 MB

Issue 15, Medium 7: the export built the whole document (a dict, then its text, then its
bytes, then the encrypted bytes) before it wrote a byte. It now writes citizen by citizen
as it reads them, and encrypts as it writes (services/interchange/export.py export_text,
services/interchange/file.py write_export). This script makes the large file of
scripts/benchmark_import.py (the demo's citizens × --copies), imports it into a SQLite
database, then exports that database four times, each in a process of its own: as before
(export_municipality, dumps, encode, pyrage.encrypt) and as now, each in clear and
encrypted to an age key. Each process reports its peak resident memory (getrusage, VmHWM)
before and after the export; the growth is set against the file's size. The two clear
files must be the same bytes, and the two encrypted files must decrypt to them. Nothing
is timed as a pass mark.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmark_import import _app, _reset_peak, _status_kib, build_file, child_result

MODES = ("whole", "stream", "whole-age", "stream-age")


def load(file: Path, database: str) -> None:
    """The large file imported into the database the exports read."""
    from selvvisitation.extensions import db
    from selvvisitation.services.interchange import import_source
    from selvvisitation.services.interchange.file import FileSource

    app = _app(database)
    with app.app_context():
        db.create_all()
        result = import_source(db.session, FileSource(file))
        db.session.commit()
    if not result.ok:
        raise SystemExit(f"the import failed: {result.problems[:3]}")


def run_export(mode: str, target: Path, database: str, recipient: str) -> None:
    """One export in this process; print peak RSS before and after as JSON."""
    import pyrage
    from sqlalchemy import select

    from selvvisitation.extensions import db
    from selvvisitation.models import Municipality
    from selvvisitation.services.interchange import (
        dumps,
        export_municipality,
        export_text,
        open_export,
    )
    from selvvisitation.services.interchange.file import recipients_from, write_export

    keys = recipients_from([recipient]) if mode.endswith("-age") else []
    app = _app(database)
    with app.app_context():
        municipality = db.session.scalars(select(Municipality)).one()
        before = _reset_peak()
        started = time.perf_counter()
        with target.open("wb") as out:
            if mode.startswith("whole"):  # what `flask export` did before issue 15, Medium 7
                document = export_municipality(db.session, municipality)
                text = dumps(document)
                recipients = [r for _key, r in keys]
                data = (
                    bytes(pyrage.encrypt(text.encode("utf-8"), recipients))
                    if keys
                    else text.encode("utf-8")
                )
                del text
                out.write(data)
                del document  # kept to the end, for the audit entry's count
            else:
                write_export(export_text(open_export(db.session, municipality)), out, keys)
        seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "rss_before_kib": before,
                "rss_peak_kib": max(_status_kib("VmHWM"), before),
                "seconds": round(seconds, 1),
            }
        )
    )


def _digest(path: Path, identity: object | None = None) -> str:
    """The file's SHA-256; of its clear text when an identity opens it (streamed)."""
    import pyrage

    digest = hashlib.sha256()

    class _Hashing:
        def write(self, data: bytes) -> int:
            digest.update(data)
            return len(data)

        def flush(self) -> None:
            pass

    with path.open("rb") as encrypted:
        if identity is None:
            for block in iter(lambda: encrypted.read(1 << 20), b""):
                digest.update(block)
        else:
            pyrage.decrypt_io(encrypted, _Hashing(), [identity])
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=6, help="copies of the demo's citizens")
    parser.add_argument(
        "--child", nargs=4, metavar=("MODE", "FILE", "DATABASE", "KEY"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        run_export(args.child[0], Path(args.child[1]), args.child[2], args.child[3])
        return 0
    import pyrage

    with tempfile.TemporaryDirectory(prefix="benchmark-export-") as folder:
        work = Path(folder)
        # The generated keys of this run stay in its own folder, not in instance/.
        os.environ["SELVVISITATION_INSTANCE_DIR"] = str(work / "instance")
        source = work / "kommune.json"
        print(f"Building the database: the demo's citizens × {args.copies} …", flush=True)
        build_file(source, args.copies, work)
        database = f"sqlite:///{work / 'large.db'}"
        load(source, database)
        identity = pyrage.x25519.Identity.generate()
        results = {}
        for mode in MODES:
            key = str(identity.to_public())
            result = child_result(
                __file__, ["--child", mode, str(work / f"{mode}.out"), database, key]
            )
            if result is None:
                return 1
            results[mode] = result
        size = (work / "stream.out").stat().st_size
        print(
            f"Export: {size / 1e6:.1f} MB ({(work / 'stream-age.out').stat().st_size / 1e6:.1f}"
            " MB encrypted)"
        )
        print(f"{'':34} {'before (whole)':>15} {'now (streaming)':>16} {'ratio':>7}")
        for label, clear, sealed in (
            ("clear", "whole", "stream"),
            ("age", "whole-age", "stream-age"),
        ):
            growth = {
                m: (results[m]["rss_peak_kib"] - results[m]["rss_before_kib"]) * 1024
                for m in (clear, sealed)
            }
            ratio = growth[clear] / max(growth[sealed], 1)
            print(
                f"{'growth of peak RSS, MB, ' + label:34} {growth[clear] / 1e6:>15.0f} "
                f"{growth[sealed] / 1e6:>16.0f} {ratio:>7.1f}"
            )
            print(
                f"{'growth / export size, ' + label:34} {growth[clear] / size:>15.2f} "
                f"{growth[sealed] / size:>16.2f}"
            )
            print(
                f"{'seconds (for information), ' + label:34} {results[clear]['seconds']:>15} "
                f"{results[sealed]['seconds']:>16}"
            )
        plain = {_digest(work / f"{m}.out") for m in ("whole", "stream")}
        opened = {_digest(work / f"{m}.out", identity) for m in ("whole-age", "stream-age")}
        same = len(plain) == 1 and opened == plain
        print("The four exports hold the same document." if same else "The exports differ!")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
