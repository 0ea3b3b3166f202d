#!/usr/bin/env bash
# Writes the seed inputs of the fuzz targets into fuzz/corpus/<target>/: small valid files of
# every kind each reader takes, plus a few hostile ones. cargo fuzz grows the corpus from these;
# tests/fuzz.rs replays it and mutates it on every `cargo test`. Needs the release binary and
# .venv (numpy).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/pgml-cli
export SOURCE_DATE_EPOCH=1767225600 # fixed creation time: the same seeds on every run
corpus=fuzz/corpus
mkdir -p $corpus/csv $corpus/npy $corpus/model $corpus/params

# CSV: the first byte picks the columns and the task (see tests/fuzz_targets/mod.rs).
csv() { printf "\\x$(printf %02x "$1")" > "$corpus/csv/$2"; printf '%b' "$3" >> "$corpus/csv/$2"; }
csv 0 predict 'a,b,y\n1,2,x\n3.5,-4e2,y\n'
csv 1 classify 'a,b,y\n1,2,cat\n3,4,dog\n5,6,cat\n'
csv 1 classify-numbers 'a,y\n1,1.0\n2,-0\n3,9007199254740993\n4,0\n'
csv 2 regress 'a, b ,y\n1,2,3\n4,5,6\n7,8,9.5\n'
csv 3 cluster 'a,b\n1,2\n3,4\n5,t\n'
csv 5 quoted '"a","b","y"\r\n"1","2","x"\r\n"3","4",""\r\n'
csv 6 hostile '"a","b","y"\n1e160,2,3\n"\x1b[2J",NaN,inf\n'
csv 9 ragged 'a,b,y\n1,2\n3,4,5,6\n'
for dataset in iris linnerud; do
    { printf '\x01'; head -4 datasets/$dataset.csv; } > $corpus/csv/$dataset
done

# NPY: every dtype the reader takes, both orders, 1-D and 2-D.
.venv/bin/python - "$corpus/npy" <<'PY'
import sys
import numpy as np
out = sys.argv[1]
arrays = {
    "f8": np.array([[1.5, -2.0], [3.0, 4.0]]),
    "f4-fortran": np.asfortranarray(np.array([[0.1, 2.0], [3.0, 4.5]], dtype=np.float32)),
    "i8-labels": np.array([2**53, 2**53 + 1, -1], dtype=np.int64),
    "u1": np.array([[255, 0, 7]], dtype=np.uint8),
    "i2-big-endian": np.array([[-7, 300]], dtype=">i2"),
    "bool": np.array([True, False, True]),
    "labels-2d": np.array([[1, 2], [3, 4]], dtype=np.int32),
    "empty": np.zeros((0, 3)),
    "c16": np.array([[1 + 2j]]),
}
for name, array in arrays.items():
    np.save(f"{out}/{name}.npy", array)
PY

# Model files: every native algorithm and task, trained small so the payloads stay small.
train() {
    local name=$1 task=$2 data=$3 columns=$4 params=$5
    $bin train -q --algorithm "$name" --task "$task" --data "$data" $columns --hyperparams "$params" \
        --test-size 0 --output "$corpus/model/$name-$task.pgml" --force > /dev/null
}
iris="--target target"
small_iris=$(mktemp --suffix .csv)
head -31 datasets/iris.csv > "$small_iris"
sed -n '52,61p;102,111p' datasets/iris.csv >> "$small_iris"
diabetes=$(mktemp --suffix .csv)
head -41 datasets/diabetes.csv > "$diabetes"
for spec in \
    "linear regression" "ridge regression" "lasso regression" "elastic_net regression" \
    "svm regression" "knn regression" "decision_tree regression" "random_forest regression"; do
    set -- $spec
    params='{}'
    [ "$1" = random_forest ] && params='{"n_estimators": 3, "max_depth": 3}'
    [ "$1" = decision_tree ] && params='{"max_depth": 3}'
    train "$1" "$2" "$diabetes" "--target target" "$params"
done
for spec in linear svm knn decision_tree random_forest naive_bayes; do
    params='{}'
    [ "$spec" = random_forest ] && params='{"n_estimators": 3, "max_depth": 3}'
    [ "$spec" = decision_tree ] && params='{"max_depth": 3}'
    train "$spec" classification "$small_iris" "$iris" "$params"
done
train kmeans clustering "$small_iris" "--features sepal_length,petal_length" '{"n_clusters": 3}'
train dbscan clustering "$small_iris" "--features sepal_length,petal_length" '{"eps": 0.5}'
train pca decomposition "$small_iris" "--features sepal_length,sepal_width,petal_length" '{"n_components": 2}'
rm "$small_iris" "$diabetes"

# Hyperparameters.
params() { printf '%s' "$2" > "$corpus/params/$1"; }
params empty '{}'
params forest '{"n_estimators": 10, "max_depth": null, "criterion": "gini", "random_state": 3}'
params svm '{"C": 1.5, "kernel": "rbf", "gamma": "scale", "shrinking": true}'
params numbers '{"alpha": 1e-300, "max_iter": 18446744073709551615, "tol": -0.0}'
params wrong '{"alpha": "big", "n_neighbors": [1, {"a": null}]}'
params not-object '[1, 2]'
params escape '{"\u001b[2J\n": "\ud800"}'
