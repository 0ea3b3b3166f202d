#!/usr/bin/env bash
# Sets up (idempotently) and runs every test against the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cargo test --release --locked
