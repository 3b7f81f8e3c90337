"""The app gunicorn serves leaves out what only the command line needs (issue 17: memory).

A web worker never migrates and rarely signs anyone in with MitID: Alembic (with Mako) and
Authlib (with requests) are about 440 modules and a sixth of a worker's memory. The check
runs in a fresh interpreter, since this test process has imported them already.
"""

from __future__ import annotations

import os
import subprocess
import sys

CHECK = """
import sys
from selvvisitation import create_app
app = create_app("test", serving=True)
print(sorted(m for m in ("alembic", "flask_migrate", "mako", "authlib", "requests")
             if m in sys.modules))
print("db" in app.cli.commands, "migrate" in app.extensions)
"""


def test_the_serving_app_imports_no_migration_or_mitid_libraries_and_has_no_commands():
    done = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, env=os.environ, check=True
    )
    assert done.stdout.splitlines() == ["[]", "False False"], done.stderr


def test_the_command_line_app_still_has_flask_db(app):
    assert "db" in app.cli.commands
    assert "migrate" in app.extensions
