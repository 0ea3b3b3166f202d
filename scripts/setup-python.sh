#!/usr/bin/env bash
# Creates .venv from the CPython pgml-cli links (scripts/env.sh) and installs
# python/requirements.txt. Idempotent: reinstalls only when the requirements changed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
if [ ! -x .venv/bin/python ]; then
  "$PYO3_PYTHON" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(sha256sum python/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -r python/requirements.txt
  echo "$want" > "$stamp"
fi
