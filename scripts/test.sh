#!/usr/bin/env bash
# The whole check, as CI runs it: set up (with dev tools), lint, type-check, the layer contracts,
# and every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --dev
venv="${VOICE_COACH_VENV:-.venv}"
echo "== ruff check" && "$venv/bin/ruff" check .
echo "== ruff format --check" && "$venv/bin/ruff" format --check .
echo "== mypy --strict" && "$venv/bin/mypy"
echo "== layer contracts (import-linter)" && "$venv/bin/lint-imports" --no-cache
echo "== pytest"
# pytest exits 5 when it collected no test: that is a failure here, as any non-zero exit is.
exec "$venv/bin/python" -m pytest "$@"
