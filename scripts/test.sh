#!/usr/bin/env bash
# The one test command (README): builds .venv if needed, installs pinned packages, lint, all tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt

# PostgreSQL for the storage suite, when the server is installed (CI installs it).
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -z "${SELECTION_TEST_POSTGRES_URL:-}" ]; then
  export SELECTION_TEST_POSTGRES_URL="$(./scripts/start_postgres.sh)"
fi

# axe-core for the accessibility checks in the browser suite (npm, pinned by a lock file).
./scripts/e2e_setup.sh

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest -q -p no:cacheprovider -n 0 "$@"
