#!/usr/bin/env bash
# Benchmarks pgml-cli's native runtime against scikit-learn, whole process each, in one run.
# Arguments go to benches/bench.py (e.g. --repeat 5, --only forest).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
scripts/setup.sh >/dev/null
# GNU time measures each process's peak memory.
if [ ! -x /usr/bin/time ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq time >/dev/null
fi
exec .venv/bin/python benches/bench.py "$@"
