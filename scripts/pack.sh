#!/usr/bin/env bash
# Builds an offline pack (a model or benchmark datasets) on a connected machine, with the checkout's
# trainer environment:  npm run pack -- model Qwen/Qwen2.5-0.5B-Instruct --out DIR [--tar]
#                       npm run pack -- benchmarks --tasks mmlu,arc_easy --out DIR [--tar] [--from-cache ~/.cache/huggingface]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
py="$root/.venv/bin/python"
if [[ ! -x "$py" ]]; then
  echo "pack: $py is missing; run scripts/setup.sh first" >&2
  exit 1
fi
export PYTHONPATH="$root/trainer${PYTHONPATH:+:$PYTHONPATH}"
exec "$py" -m hone_trainer pack "$@"
