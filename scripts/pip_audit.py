"""Run pip-audit on requirements.lock; fail on findings, not on a missing network.

The lock file is what `make setup` installs (exact versions with hashes), so auditing
it audits what CI tested and what a municipality deploys, not whatever a venv holds.

pip-audit asks a vulnerability service (PyPI's JSON API by default). Where that
service cannot be reached (an offline build machine, a mirror without the JSON
API), pip-audit skips every package and would report "no known vulnerabilities",
which reads like a pass. This wrapper says plainly how many packages were really
audited, fails (exit 1) on any known vulnerability, and fails on an unexpected
pip-audit error; an unreachable service is a loud warning, not a pass in disguise.
Usage: .venv/bin/python scripts/pip_audit.py [--require-service]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")
LOCK_FILE = Path(__file__).resolve().parent.parent / "requirements.lock"
UNREACHABLE = (
    "ConnectionError",
    "NameResolutionError",
    "Max retries exceeded",
    "not found on PyPI",
)


def main() -> int:
    require_service = "--require-service" in sys.argv
    command = [
        str(PIP_AUDIT),
        "--requirement",
        str(LOCK_FILE),
        # Every line is pinned with hashes, so pip-audit reads the versions as they are
        # and needs no pip resolution (no virtual environment, no downloads).
        "--disable-pip",
        "--progress-spinner",
        "off",
        "-f",
        "json",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)  # noqa: S603
    try:
        report = json.loads(result.stdout or "{}")
    except json.JSONDecodeError:
        report = {}
    dependencies = report.get("dependencies", [])
    if not dependencies:
        if any(marker in result.stderr for marker in UNREACHABLE):
            print("pip-audit: WARNING the vulnerability service cannot be reached; nothing audited")
            return 1 if require_service else 0
        print(result.stderr[-2000:])
        print("pip-audit: failed without a report")
        return 1
    findings = [
        (d["name"], d["version"], v["id"]) for d in dependencies for v in d.get("vulns", [])
    ]
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = len(dependencies) - len(skipped)
    for name, version, vuln in findings:
        print(f"pip-audit: {name} {version}: {vuln}")
    print(
        f"pip-audit: {audited} packages audited, {len(skipped)} skipped, {len(findings)} findings"
    )
    if skipped and audited == 0:
        print("pip-audit: WARNING the vulnerability service did not answer for any package")
        if require_service:
            return 1
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
