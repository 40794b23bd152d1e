#!/usr/bin/env bash
# Installs what Hone needs to run and to test, on a fresh machine; cheap when nothing changed.
#   npm packages (no Electron binary download), the Python environment in .venv (trainer + test
#   tools, through trainer/installer: CPU torch here, the CUDA build that matches the NVIDIA driver
#   where one is present), and Debian's Chromium for the Playwright tests (only with --with-browser).
#   HONE_SETUP_INSTALLER_ARGS passes extra flags to the installer (e.g. "--skip-smoke --torch cpu").
set -euo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
with_browser=0
for a in "$@"; do [ "$a" = --with-browser ] && with_browser=1; done

stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

# --- npm ---------------------------------------------------------------------------------------
npm_hash=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
if ! stamp_ok node_modules/.hone-setup "$npm_hash"; then
  # A fresh checkout gets the exact lockfile (npm ci); an existing node_modules is updated in
  # place (npm ci would delete it first, breaking anything running from this checkout meanwhile).
  if [ -d node_modules ]; then
    echo "[setup] npm install"
    npm install --no-audit --no-fund --loglevel=error
  else
    echo "[setup] npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  echo "$npm_hash" > node_modules/.hone-setup
fi

# --- Python ------------------------------------------------------------------------------------
# The pins, extras and steps live in the installer (trainer/installer, shared with the app's Setup view);
# here it builds the dev profile: the trainer editable with [test], plus tests/python/requirements.txt.
PY=${HONE_PYTHON:-python3}
py_hash=$(cat $(find trainer/installer -name '*.py' | sort) trainer/pyproject.toml \
  tests/python/requirements.txt | sha256sum | cut -d' ' -f1)
if ! stamp_ok .venv/.hone-setup "$py_hash"; then
  echo "[setup] python environment (.venv, dev profile)"
  "$PY" trainer/installer install --venv .venv --profile dev ${HONE_SETUP_INSTALLER_ARGS:-}
  echo "$py_hash" > .venv/.hone-setup
fi

# --- Chromium for Playwright (Debian's build; never `playwright install`) ------------------------
if [ "$with_browser" = 1 ] && ! [ -x /usr/bin/chromium ]; then
  echo "[setup] apt-get install chromium"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_="sudo"
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium >/dev/null
fi
echo "[setup] ok"
