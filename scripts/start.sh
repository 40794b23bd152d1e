#!/usr/bin/env bash
# Runs the app: the Electron desktop app where a display and an Electron binary exist, otherwise
# the headless server on built-in defaults (127.0.0.1:8017, OS app-data dir). Extra args go to it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-if-stale.sh
# Look for the binary without require('electron'): that would try to download it.
# HONE_ELECTRON_BINARY overrides (an Electron installed elsewhere).
electron_bin="${HONE_ELECTRON_BINARY:-}"
[ -z "$electron_bin" ] && [ -f node_modules/electron/path.txt ] && electron_bin="node_modules/electron/dist/$(cat node_modules/electron/path.txt)"
# macOS and Windows always have a display; Linux needs X11 or Wayland.
has_display=0
case "$(uname -s)" in Darwin|MINGW*|MSYS*|CYGWIN*) has_display=1 ;; *) [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && has_display=1 ;; esac
if [ "$has_display" = 1 ] && [ -n "$electron_bin" ] && [ -x "$electron_bin" ] && [ -f out/main/index.js ] && [ -f out/main/core.js ]; then
  # The desktop app: the core runs in a utilityProcess, the window gets the key without a URL.
  exec "$electron_bin" . "$@"
fi
# A larger initial old space avoids repeated full GCs during multi-GB uploads (bench/upload).
exec node --initial-old-space-size=256 --import tsx electron/core/headless.ts "$@"
