#!/usr/bin/env bash
# Builds the app (electron-vite: main + the core's utilityProcess entry, preload, renderer into out/)
# when out/ is missing or older than any source it is built from. Cheap when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=out/renderer/index.html
if [ -f "$stamp" ] && [ -f out/main/core.js ] && [ -z "$(find renderer electron electron.vite.config.ts package-lock.json -newer "$stamp" -type f ! -name "*.test.ts" -print -quit)" ]; then
  exit 0
fi
echo "[build] electron-vite build"
npx electron-vite build --logLevel warn
