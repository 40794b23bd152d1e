#!/usr/bin/env bash
# The one command that runs every test: `npm test`. Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-browser

echo "== typecheck"
npx tsc --noEmit -p tsconfig.json
npx tsc --noEmit -p renderer/tsconfig.json
npx tsc --noEmit -p e2e/tsconfig.json

echo "== build (electron-vite: main, preload, renderer)"
npx electron-vite build --logLevel warn

echo "== lint (ESLint incl. import boundaries, Ruff)"
npx eslint .
.venv/bin/ruff check trainer tests/python

echo "== vitest (core, shared, validator)"
npx vitest run

if compgen -G "e2e/web/*.spec.ts" >/dev/null; then
  echo "== playwright (renderer in Debian's Chromium)"
  npx playwright test -c e2e/playwright.config.ts
fi

echo "== pytest (API with the Python SDK, fuzzing, trainer)"
py_targets=(tests/python)
[ -d trainer/tests ] && py_targets+=(trainer/tests)
.venv/bin/python -m pytest -q "${py_targets[@]}"
