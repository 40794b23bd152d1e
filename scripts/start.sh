#!/usr/bin/env bash
# Runs the app: the Electron desktop app where a display and an Electron binary exist, otherwise
# the headless server on built-in defaults (127.0.0.1:8017, OS app-data dir). Extra args go to it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-if-stale.sh
# Look for the binary without require('electron'): that would try to download it.
electron_bin=""
[ -f node_modules/electron/path.txt ] && electron_bin="node_modules/electron/dist/$(cat node_modules/electron/path.txt)"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -n "$electron_bin" ] && [ -x "$electron_bin" ] && [ -f out/main/index.js ]; then
  exec "$electron_bin" . "$@"
fi
# A larger initial old space avoids repeated full GCs during multi-GB uploads (bench/upload).
exec node --initial-old-space-size=256 --import tsx electron/core/headless.ts "$@"
