#!/usr/bin/env bash
# Benchmarks pgml-cli's native runtime against scikit-learn, whole process each, in one run.
# Arguments go to benches/bench.py (e.g. --repeat 5, --only forest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
scripts/setup-python.sh
exec .venv/bin/python benches/bench.py "$@"
