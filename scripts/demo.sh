#!/usr/bin/env bash
# Builds pgml-cli, then trains, inspects and predicts with a model on a bundled dataset.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
bin=target/release/pgml-cli
out=$(mktemp -d)
set -x
$bin train --data datasets/iris.csv --target target --task classification \
  --algorithm random_forest --hyperparams '{"n_estimators": 50}' --output "$out/iris.pgml"
$bin info "$out/iris.pgml"
$bin predict --model "$out/iris.pgml" --data datasets/iris.csv --output "$out/predictions.csv"
head -5 "$out/predictions.csv"
$bin predict --model "$out/iris.pgml" --data datasets/iris.csv --proba | head -5
# The same on the Python runtime (xgboost in the embedded interpreter).
$bin train --data datasets/iris.csv --target target --task classification --algorithm xgboost \
  --output "$out/iris-xgboost.pgml"
$bin predict --model "$out/iris-xgboost.pgml" --data datasets/iris.csv --proba --precision 3 | head -5
