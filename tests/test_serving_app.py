"""The app gunicorn serves leaves out what only the command line needs (issue 17: memory).

A web worker never migrates and rarely signs anyone in with MitID: Alembic (with Mako) and
Authlib (with requests) are about 440 modules and a sixth of a worker's memory. The check
runs in a fresh interpreter, since this test process has imported them already.
"""

from __future__ import annotations

import os
import subprocess
import sys

# Each is imported where it is used (issue 17): PDFs, the calendar feed, TOTP codes, free
# text in the conversation; holidays only by the tests (domain/workdays.py's oracle).
LAZY = (
    "alembic", "flask_migrate", "mako", "authlib", "requests", "segno", "weasyprint",
    "icalendar", "holidays", "pyotp", "snowballstemmer", "rapidfuzz",
)  # fmt: skip

CHECK = f"""
import sys
LAZY = {LAZY!r}
from selvvisitation import create_app
app = create_app("test", serving=True)
print(sorted(m for m in LAZY if m in sys.modules))
print("db" in app.cli.commands, "migrate" in app.extensions)
from datetime import date
from selvvisitation.domain.workdays import add_working_days
add_working_days(date(2026, 4, 1), 5)
print("holidays" in sys.modules)
"""


def test_the_serving_app_imports_no_migration_mitid_pdf_calendar_or_text_libraries():
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, env=os.environ, check=True
    )
    # Counting a deadline loads no holiday library: the calendar is our own (issue 17).
    assert done.stdout.splitlines() == ["[]", "False False", "False"], done.stderr


def test_the_command_line_app_still_has_flask_db(app):
    assert "db" in app.cli.commands
    assert "migrate" in app.extensions
