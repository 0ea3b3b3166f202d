#!/usr/bin/env bash
# Sets up (idempotently) and runs every test against the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
scripts/setup.sh
# The Postgres tests start their own throwaway server: make sure its binaries are here.
scripts/pg-server.sh install
cargo test --release --locked
# The build without the Python runtime must still build and run every native algorithm.
CARGO_TARGET_DIR=target/no-python cargo test --release --locked --no-default-features --test flows --test model_fixtures
