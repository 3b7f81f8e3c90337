#!/usr/bin/env bash
# Make the next migration revision from the models (Alembic autogenerate), for `make migration`.
#
# 0001 is the released 1.0 schema and never changes (tests/test_released_migrations.py holds
# its hash): every model change after it is a new revision with the next sequential id
# (0002, 0003 …), so a reviewer reads the chain in order. Autogenerate compares the models
# with a scratch SQLite database upgraded to the current head; read what it wrote, add any
# data migration it cannot guess (a renamed column, a removed enum value), and test it.
set -euo pipefail
cd "$(dirname "$0")/.."

message="${1:-}"
if [ -z "$message" ]; then
  echo 'Say what the revision does: make migration MESSAGE="add the visit note column"' >&2
  exit 2
fi

last="$(ls migrations/versions/ | sed -n 's/^\([0-9]\{4\}\)_.*\.py$/\1/p' | sort | tail -n 1)"
next="$(printf '%04d' $((10#${last:-0} + 1)))"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export SELVVISITATION_INSTANCE_DIR="$tmp" DATABASE_URL="sqlite:///$tmp/head.db"
flask=(.venv/bin/flask --app selvvisitation)
"${flask[@]}" db upgrade >"$tmp/upgrade.log" 2>&1 || { cat "$tmp/upgrade.log" >&2; exit 1; }
"${flask[@]}" db migrate -m "$message" --rev-id "$next" >"$tmp/migrate.log" 2>&1 \
  || { cat "$tmp/migrate.log" >&2; exit 1; }

made="$(ls migrations/versions/${next}_*.py 2>/dev/null || true)"
if [ -z "$made" ]; then
  echo "No difference between the models and the migrations: no revision made."
  echo "(An enum's values are VARCHAR(40) without a constraint: adding a value needs no revision;"
  echo " renaming or removing one needs a data migration you write: make migration makes none.)"
  exit 0
fi
grep -E '^INFO +\[alembic\.(autogenerate|ddl)' "$tmp/migrate.log" | sed 's/^INFO *//' || true
echo "Made $made"
echo "Read it, run the suite on SQLite and PostgreSQL, then commit it with the model change."
