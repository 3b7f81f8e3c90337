#!/usr/bin/env bash
# Regenerate the single initial migration from the models. Until the first release
# ships, one initial revision (fixed id 0001) keeps parallel work free of multiple heads.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
rm -f migrations/versions/*.py
SELVVISITATION_INSTANCE_DIR="$tmp" DATABASE_URL="sqlite:///$tmp/empty.db" \
  .venv/bin/flask --app selvvisitation db migrate -m "Initial schema" --rev-id 0001 >/dev/null 2>&1
rm -rf "$tmp"
ls migrations/versions/
