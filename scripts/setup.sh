#!/usr/bin/env bash
# Installs what pgml-cli needs and builds the release binary. Idempotent: safe to rerun.
#   - Debian packages: the static OpenBLAS archive and libgfortran (linked into the binary).
#   - .venv with python/requirements.txt for the Python runtime (scripts/setup-python.sh).
#   - Rust crates: fetched by cargo from Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

packages=(libopenblas-serial-dev libgfortran-12-dev pkg-config libgomp1)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

scripts/setup-python.sh
cargo build --release --locked
# The story this project comes from: the binary carries OpenBLAS inside, never the shared library.
if ldd target/release/pgml-cli | grep -q libopenblas; then
  echo "setup: target/release/pgml-cli links libopenblas dynamically; expected static" >&2
  exit 1
fi
