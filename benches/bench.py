"""pgml-cli (native runtime) against scikit-learn on the same synthetic data, whole process each.

Run through scripts/bench.sh, which builds the release binary and the Python environment.
Each pair runs in this one invocation; the table gives wall time (median of --repeat runs),
peak resident memory of the process, and the speed ratio sklearn time / pgml-cli time.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "pgml-cli")
PY = sys.executable

SKLEARN_FIT = """
import pickle, sys, time
import pandas as pd
from sklearn import metrics
from sklearn.model_selection import train_test_split
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
kind, data, out = sys.argv[1:4]
d = pd.read_csv(data)
X, y = d.drop(columns="target").values, d["target"].values
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
if kind in ("linear", "forest_regression"):
    m = (LinearRegression() if kind == "linear" else RandomForestRegressor(n_estimators=30, random_state=0, n_jobs=int(sys.argv[4]))).fit(Xtr, ytr)
    p = m.predict(Xte)
    scores = [metrics.r2_score(yte, p), metrics.mean_squared_error(yte, p), metrics.mean_absolute_error(yte, p)]
elif kind == "multinomial":
    m = LogisticRegression().fit(Xtr, ytr)
    p, pr = m.predict(Xte), m.predict_proba(Xte)
    scores = [metrics.accuracy_score(yte, p), metrics.f1_score(yte, p, average="weighted"), metrics.log_loss(yte, pr, labels=m.classes_)]
else:
    m = (LogisticRegression() if kind == "logistic" else RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=int(sys.argv[4]))).fit(Xtr, ytr)
    p, pr = m.predict(Xte), m.predict_proba(Xte)
    scores = [metrics.accuracy_score(yte, p), metrics.f1_score(yte, p, average="weighted"), metrics.roc_auc_score(yte, pr[:, 1]), metrics.log_loss(yte, pr)]
pickle.dump(m, open(out, "wb"))
print(" ".join(f"{s:.4f}" for s in scores))
"""

PYTHON_FIT = """
import importlib, json, sys
import pandas as pd
from sklearn import metrics
from sklearn.model_selection import train_test_split
path, task, data, params = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
module, _, name = path.rpartition(".")
cls = getattr(importlib.import_module(module), name)
if "random_state" in cls().get_params():
    params.setdefault("random_state", 0)
d = pd.read_csv(data)
X, y = d.drop(columns="target").values, d["target"].values
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
m = cls(**params).fit(Xtr, ytr)
p = m.predict(Xte)
if task == "regression":
    print(f"r2 {metrics.r2_score(yte, p):.4f}")
else:
    print(f"f1 {metrics.f1_score(yte, p, average='weighted'):.4f}")
if module.startswith("xgboost"):
    blob = m.get_booster().save_raw(raw_format="ubj")
else:
    import skops.io
    blob = skops.io.dumps(m)
"""

SKLEARN_PREDICT = """
import pickle, sys
import pandas as pd
model, data, out = sys.argv[1:4]
m = pickle.load(open(model, "rb"))
d = pd.read_csv(data)
X = d.drop(columns=[c for c in ["target"] if c in d.columns]).values
pd.DataFrame({"target": m.predict(X)}).to_csv(out if out != "-" else sys.stdout, index=False)
"""


XGBOOST_OWN_PREDICT = """
import sys, time
import pandas as pd, xgboost
train, data = sys.argv[1:3]
d = pd.read_csv(train)
model = xgboost.XGBRegressor(n_estimators=100, random_state=0).fit(d.drop(columns="target").values, d["target"].values)
X = pd.read_csv(data).drop(columns="target").values
start = time.perf_counter()
model.predict(X)
print(f"{time.perf_counter() - start:.3f}")
"""


# Some machines set these two for their own numpy; they slow a current numpy/scipy, so the
# scikit-learn side of each comparison runs without them (both unset together: the one
# without the other is not a configuration OpenBLAS is tuned for). --keep-openblas-env keeps
# them, to see how much the ratios move.
OPENBLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
BASELINE_ENV = dict(os.environ)


def baseline_env(keep):
    """The environment of the scikit-learn side, and what was removed from it."""
    removed = {v: os.environ[v] for v in OPENBLAS_VARS if v in os.environ}
    if keep or len(removed) != len(OPENBLAS_VARS):
        return dict(os.environ), {}
    return {k: v for k, v in os.environ.items() if k not in OPENBLAS_VARS}, removed


BLAS_KERNEL = """
import numpy, threadpoolctl
for info in threadpoolctl.threadpool_info():
    if info.get("user_api") == "blas":
        print(f"{info['internal_api']} {info.get('version')} kernel {info.get('architecture')}, {info['num_threads']} threads")
"""


def run(cmd):
    """Wall seconds, peak resident memory (MiB, from GNU time) and stdout of one whole process.
    A Python process (the scikit-learn side) runs in the baseline environment."""
    with tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        env = BASELINE_ENV if cmd[0] == PY else None
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, *cmd], capture_output=True, env=env)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr.decode()}")
        peak_kib = int(rss.read().split()[-1])
    return elapsed, peak_kib / 1024, proc.stdout.decode()


def measure(cmd, repeat):
    """Median wall time and peak memory over `repeat` runs (at least 21 for a process of
    milliseconds, whose run-to-run swing is as large as itself), and the last run's output."""
    runs = [run(cmd) for _ in range(repeat)]
    if statistics.median(r[0] for r in runs) < 0.05:
        runs += [run(cmd) for _ in range(21 - len(runs))]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2].strip()


def write_csv(path, X, y=None):
    if os.path.exists(path):
        return
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    if y is not None:
        frame["target"] = y
    frame.to_csv(path + ".tmp", index=False, float_format="%.6f")
    os.rename(path + ".tmp", path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rows", type=int, default=100_000, help="rows for the linear/logistic fits")
    parser.add_argument("--batch-rows", type=int, default=1_000_000, help="rows for the batch predict")
    parser.add_argument("--forest-rows", type=int, nargs="*", default=[100_000],
                        help="rows for the random forest regression fits (e.g. 20000 200000 1000000 to see how time grows)")
    parser.add_argument("--only", nargs="*", help="benchmark names to run")
    parser.add_argument("--suite", choices=["all", "native", "python", "trees"], default="all")
    parser.add_argument("--keep-openblas-env", action="store_true", help=f"keep {' and '.join(OPENBLAS_VARS)} for scikit-learn")
    args = parser.parse_args()

    global BASELINE_ENV
    BASELINE_ENV, removed = baseline_env(args.keep_openblas_env)
    kernel = subprocess.run([PY, "-c", BLAS_KERNEL], capture_output=True, text=True, env=BASELINE_ENV).stdout.strip()
    unset = f"; unset for it: {', '.join(f'{k}={v}' for k, v in removed.items())}" if removed else ""
    print(f"scikit-learn side: numpy's BLAS {kernel or 'unknown'}{unset}")
    # Every time below includes starting GNU time and the process from Python: what that costs
    # alone, for reading the millisecond rows.
    floor = measure(["/bin/true"], 15)[0]
    print(f"measurement floor (the same wrapping of /bin/true): {floor * 1000:.1f} ms")

    data = os.path.join(ROOT, "target", "bench-data")
    os.makedirs(data, exist_ok=True)
    work = tempfile.mkdtemp(prefix="pgml-bench-")
    rng = np.random.default_rng(0)
    w = rng.normal(size=20)

    def dataset(name, rows, kind):
        path = os.path.join(data, f"{name}-{rows}.csv")
        r = np.random.default_rng(rows)
        X = r.normal(size=(rows, 20))
        noise = r.normal(scale=0.5, size=rows)
        if kind == "multiclass":
            # 50 classes, each the largest of 50 noisy linear scores.
            y = np.argmax(X @ r.normal(size=(20, 50)) + r.gumbel(scale=2.0, size=(rows, 50)), axis=1)
        else:
            y = X @ w + noise if kind == "regression" else (X @ w + noise > 0).astype(int)
        write_csv(path, X, y)
        return path

    print("generating data in target/bench-data (cached)...", file=sys.stderr)
    lin = dataset("regression", args.rows, "regression")
    cls = dataset("classification", args.rows, "classification")
    rf = dataset("classification", 20_000, "classification")
    multi = dataset("multiclass", 40_000, "multiclass")
    batch = dataset("regression", args.batch_rows, "regression")
    one = os.path.join(work, "one.csv")
    pd.read_csv(lin, nrows=1).drop(columns="target").to_csv(one, index=False)

    pg_model = os.path.join(work, "linear.pgml")
    sk_model = os.path.join(work, "linear.pkl")
    subprocess.run([BIN, "train", "-q", "--data", lin, "--target", "target", "--task", "regression", "-o", pg_model, "--force"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([PY, "-c", SKLEARN_FIT, "linear", lin, sk_model], check=True, stdout=subprocess.DEVNULL)

    forest_pg, forest_sk = os.path.join(work, "forest.pgml"), os.path.join(work, "forest.pkl")

    def forests():
        """30 trees grown to purity on 75k rows, by each side: deep trees whose walks miss the cache."""
        reg100 = dataset("regression", 100_000, "regression")
        subprocess.run([BIN, "train", "-q", "--data", reg100, "--target", "target", "--task", "regression", "--algorithm", "random_forest",
                        "--hyperparams", '{"n_estimators": 30}', "-o", forest_pg, "--force"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([PY, "-c", SKLEARN_FIT, "forest_regression", reg100, forest_sk, "-1"], check=True, stdout=subprocess.DEVNULL)

    def pg_train(path, task, algorithm, params="{}"):
        return [BIN, "train", "-q", "--data", path, "--target", "target", "--task", task, "--algorithm", algorithm,
                "--hyperparams", params, "-o", os.path.join(work, "m.pgml"), "--force", "--format", "json"]

    cases = [
        ("one-row predict, linear model", [BIN, "predict", "--model", pg_model, "--data", one], [PY, "-c", SKLEARN_PREDICT, sk_model, one, "-"], "<= 5 ms"),
        (f"linear regression fit, {args.rows // 1000}k x 20 CSV", pg_train(lin, "regression", "linear"), [PY, "-c", SKLEARN_FIT, "linear", lin, os.path.join(work, "m.pkl")], ">= 10x"),
        (f"logistic regression fit, {args.rows // 1000}k x 20 CSV", pg_train(cls, "classification", "linear"), [PY, "-c", SKLEARN_FIT, "logistic", cls, os.path.join(work, "m.pkl")], ">= 10x"),
        # 50 classes x 21 = 1,050 variables: Newton steps by conjugate gradients (the exact
        # Hessian's took 87 s on 40k x 20 with 97 classes).
        ("logistic regression fit, 40k x 20 CSV, 50 classes", pg_train(multi, "classification", "linear"), [PY, "-c", SKLEARN_FIT, "multinomial", multi, os.path.join(work, "m.pkl")], ""),
        ("random forest 100 trees, 20k x 20 (sklearn n_jobs=1)", pg_train(rf, "classification", "random_forest"), [PY, "-c", SKLEARN_FIT, "forest", rf, os.path.join(work, "m.pkl"), "1"], ">= 2x"),
        ("random forest 100 trees, 20k x 20 (sklearn n_jobs=-1)", pg_train(rf, "classification", "random_forest"), [PY, "-c", SKLEARN_FIT, "forest", rf, os.path.join(work, "m.pkl"), "-1"], ""),
        *((f"forest regression 30 trees, {rows // 1000}k x 20 (n_jobs=-1)",
           pg_train(dataset("regression", rows, "regression"), "regression", "random_forest", '{"n_estimators": 30}'),
           [PY, "-c", SKLEARN_FIT, "forest_regression", dataset("regression", rows, "regression"), os.path.join(work, "m.pkl"), "-1"],
           ">= 3x, r2 within 0.01") for rows in args.forest_rows),
        # The linear fit again at 10x its rows: cost must grow with the work, not faster.
        (f"linear regression fit, {args.batch_rows // 1000}k x 20 CSV", pg_train(batch, "regression", "linear"), [PY, "-c", SKLEARN_FIT, "linear", batch, os.path.join(work, "m.pkl")], ">= 3x"),
        (f"batch predict {args.batch_rows // 1000}k x 20 CSV to CSV", [BIN, "predict", "--model", pg_model, "--data", batch, "-o", os.path.join(work, "p.csv")], [PY, "-c", SKLEARN_PREDICT, sk_model, batch, os.path.join(work, "p.csv")], ">= 3x, <= 50 MiB"),
        # The last element, where present, makes what the case needs, once it is chosen.
        (f"batch predict {args.batch_rows // 1000}k x 20 CSV, random forest 30 trees", [BIN, "predict", "--model", forest_pg, "--data", batch, "-o", os.path.join(work, "p.csv")],
         [PY, "-c", SKLEARN_PREDICT, forest_sk, batch, os.path.join(work, "p.csv")], "", forests),
    ]
    iris = os.path.join(ROOT, "datasets", "iris.csv")
    reg200 = dataset("regression", 200_000, "regression")
    cls200 = dataset("classification", 200_000, "classification")
    cls20 = rf

    def pg(path, task, algorithm, runtime, params="{}"):
        supervised = task in ("regression", "classification")
        columns = ["--target", "target"] if supervised else ["--features", ",".join(f"f{i}" for i in range(20))]
        return [BIN, "train", "-q", "--data", path, *columns, "--task", task, "--algorithm", algorithm,
                "--runtime", runtime, "--hyperparams", params, "-o", os.path.join(work, "m.pgml"), "--force", "--format", "json"]

    def plain(path, task, cls, params="{}"):
        return [PY, "-c", PYTHON_FIT, cls, task, path, params]

    python_cases = [
        ("iris, logistic regression", pg(iris, "classification", "linear", "python"), plain(iris, "classification", "sklearn.linear_model.LogisticRegression")),
        ("200k x 20, linear regression", pg(reg200, "regression", "linear", "python"), plain(reg200, "regression", "sklearn.linear_model.LinearRegression")),
        ("200k x 20, xgboost 100 trees", pg(reg200, "regression", "xgboost", "python", '{"n_estimators": 100}'), plain(reg200, "regression", "xgboost.XGBRegressor", '{"n_estimators": 100}')),
        ("200k x 20, hist gradient boosting", pg(cls200, "classification", "hist_gradient_boosting", "python"), plain(cls200, "classification", "sklearn.ensemble.HistGradientBoostingClassifier")),
    ]
    both_cases = [
        ("200k x 20, linear regression", pg(reg200, "regression", "linear", "rust"), pg(reg200, "regression", "linear", "python")),
        ("200k x 20, logistic regression", pg(cls200, "classification", "linear", "rust"), pg(cls200, "classification", "linear", "python")),
        ("20k x 20, random forest 100 trees", pg(cls20, "classification", "random_forest", "rust"), pg(cls20, "classification", "random_forest", "python")),
        ("20k x 20, knn", pg(cls20, "classification", "knn", "rust"), pg(cls20, "classification", "knn", "python")),
        ("200k x 20, kmeans 8 clusters", pg(reg200, "clustering", "kmeans", "rust"), pg(reg200, "clustering", "kmeans", "python")),
    ]

    def table(title, left, right, rows, note=""):
        print(f"\n{title}")
        print(f"{'benchmark':<52}{left:>10}{'MiB':>7}{right:>10}{'MiB':>7}{'ratio':>8}  {note}")
        for name, a_cmd, b_cmd in rows:
            if args.only and not any(o in name for o in args.only):
                continue
            a_t, a_mem, a_out = measure(a_cmd, args.repeat)
            b_t, b_mem, b_out = measure(b_cmd, args.repeat)
            extra = f"overhead {100 * (a_t - b_t) / b_t:+.1f}%" if note else ""
            print(f"{name:<52}{a_t:>9.4f}s{a_mem:>7.0f}{b_t:>9.3f}s{b_mem:>7.0f}{b_t / a_t:>7.2f}x  {extra}", flush=True)

    if args.suite in ("all", "trees"):
        # Python-trained tree ensembles: their native form (no Python started) against
        # `--runtime python` (the library in the embedded interpreter), both through pgml-cli.
        bc = os.path.join(ROOT, "datasets", "breast_cancer.csv")
        bc_one = os.path.join(work, "bc-one.csv")
        pd.read_csv(bc, nrows=1).to_csv(bc_one, index=False)

        def python_model(path, target, task, algorithm, params):
            out = os.path.join(work, f"{algorithm}-{task}.pgml")
            subprocess.run([BIN, "train", "-q", "--data", path, "--target", target, "--task", task, "--algorithm", algorithm,
                            "--runtime", "python", "--hyperparams", params, "-o", out, "--force"], check=True, stdout=subprocess.DEVNULL)
            return out

        def predict(model, path, *extra):
            return [BIN, "predict", "--model", model, "--data", path, "-o", os.path.join(work, "p.csv"), *extra]

        tree_cases = []
        for algorithm in ("xgboost", "lightgbm", "random_forest"):
            model = python_model(bc, "malignant", "classification", algorithm, "{}")
            tree_cases.append((f"one-row predict, {algorithm} (python, 100 trees)", predict(model, bc_one), predict(model, bc_one, "--runtime", "python")))
        xgb = python_model(reg200, "target", "regression", "xgboost", '{"n_estimators": 100}')
        name = f"batch predict {args.batch_rows // 1000}k x 20 CSV, xgboost 100 trees"
        tree_cases.append((name, predict(xgb, batch), predict(xgb, batch, "--runtime", "python")))
        table("native tree form vs --runtime python, both pgml-cli", "native", "python", tree_cases)
        if not args.only or any(o in name for o in args.only):
            own = measure([PY, "-c", XGBOOST_OWN_PREDICT, reg200, batch], 1)[2]
            print(f"{'  xgboost predict() alone, data already loaded':<52}{float(own):>9.3f}s", flush=True)
        if args.suite == "trees":
            return
    if args.suite in ("all", "python"):
        table("pgml-cli --runtime python vs the same fit in a plain Python script", "pgml-cli", "python", python_cases, "overhead")
        table("native (rust) vs python runtime, both pgml-cli", "rust", "python", both_cases)
    if args.suite not in ("all", "native"):
        return

    print("\nnative runtime vs scikit-learn")
    print(f"{'benchmark':<52}{'pgml-cli':>10}{'MiB':>7}{'sklearn':>10}{'MiB':>7}{'ratio':>8}  target")
    for name, pg_cmd, sk_cmd, target, *prepare in cases:
        if args.only and not any(o in name for o in args.only):
            continue
        for make in prepare:
            make()
        repeat = 1 if "forest" in name or "batch" in name else args.repeat
        pg_t, pg_mem, pg_out = measure(pg_cmd, repeat)
        sk_t, sk_mem, sk_out = measure(sk_cmd, repeat)
        print(f"{name:<52}{pg_t:>9.4f}s{pg_mem:>7.0f}{sk_t:>9.3f}s{sk_mem:>7.0f}{sk_t / pg_t:>7.1f}x  {target}", flush=True)
        if pg_out.startswith("{"):
            import json
            metrics = json.loads(pg_out)["metrics"]
            keep = {k: round(v, 4) for k, v in metrics.items() if k in ("r2", "accuracy", "f1", "roc_auc", "log_loss")}
            print(f"{'':<4}pgml-cli metrics {keep}; sklearn scores {sk_out}", flush=True)


if __name__ == "__main__":
    main()
