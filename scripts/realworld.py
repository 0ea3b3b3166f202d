#!/usr/bin/env python3
"""Train pgml-cli on raw real-world CSVs and compare with scikit-learn on the same rows.

For each dataset and run below: shuffle the rows with a fixed seed (or keep the file's order where a
dataset says "split": "last"), write the first 75% and the last 25% as train/test CSVs made of the
raw file's own lines (byte for byte), run

    pgml-cli train --data train.csv --test-data test.csv --target T --task K --algorithm A
                   [--preprocess JSON] [--ignore ...] [--categorical ...] --seed 0 --format json

and fit the scikit-learn equivalent (Pipeline(ColumnTransformer(...), estimator)) on the same
train rows, score both on the same test rows, and print a markdown table of the key metrics
(r2 for regression, weighted f1 for classification). A failing pgml-cli run shows its one-line
error instead of a number; the script itself does not fail.

Run with the project's Python (it has pandas, scikit-learn and xgboost):

    .venv/bin/python scripts/realworld.py [--bin target/release/pgml-cli] [--only NAME] [--keep DIR]

How the scikit-learn side reads the raw cells (the rules issue 7 gives pgml-cli; where the issue
leaves a choice open, the choice made here is marked ASSUMED and may need to follow pgml-cli):
- Missing: exactly MISSING below. Rows whose target is missing are left out of train and test.
- Column types, inferred on the train rows only: number; boolean (true/false/t/f/yes/no, any
  case) -> 1/0; ISO date -> year, month, day, weekday (Monday=0); ISO timestamp -> the date parts
  plus TIMESTAMP_EXTRA_PARTS (ASSUMED); anything else text = categorical; --categorical forces text.
- impute: error (leave NaN), mean, median, mode, min, max, zero. Applies to numbers, booleans and
  date parts; of these only mode applies to text. Under "*" an option that does not fit a
  column's type is skipped for that column.
- scale (standard, min_max, max_abs, robust) applies to numbers, booleans and date parts; text
  columns are never scaled (ASSUMED).
- encode: native = integer codes in order of first appearance in the train rows; ordinal = the
  given list's order; unseen values get UNKNOWN_CODE (ASSUMED); one_hot = one 0/1 column per
  train category, all zeros when unseen; target = the train mean of the target per category
  (for classification, of the class index in sorted label order: ASSUMED), the global mean when
  unseen. A missing text value is its own category (MISSING_CATEGORY) unless imputed.
"""

import argparse
import datetime as dt
import json
import math
import os
import random
import re
import shlex
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import f1_score, r2_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (
    LabelEncoder,
    MaxAbsScaler,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    RobustScaler,
    StandardScaler,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = 0
TEST_FRACTION = 0.25
MISSING = {"", "NA", "N/A", "NULL", "NaN", "nan", "?"}
BOOLEAN = {"true": 1.0, "t": 1.0, "yes": 1.0, "false": 0.0, "f": 0.0, "no": 0.0}
MISSING_CATEGORY = "__NULL__"
UNKNOWN_CODE = -1
DATE_PARTS = ["year", "month", "day", "weekday"]
TIMESTAMP_EXTRA_PARTS = ["hour", "minute", "second", "epoch"]
NUMBER_RE = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
TIMESTAMP_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")

RW = "tests/fixtures/realworld/"
STANDARD_ONE_HOT_MEAN = {"*": {"impute": "mean", "scale": "standard", "encode": "one_hot"}}

# One entry per raw file; each run is one row of the table.
DATASETS = [
    {
        "name": "penguins",
        "file": RW + "penguins.csv",
        "runs": [
            {"target": "species", "task": "classification", "algorithm": "linear",
             "preprocess": STANDARD_ONE_HOT_MEAN},
            {"target": "species", "task": "classification", "algorithm": "xgboost"},
        ],
    },
    {
        "name": "penguins-raw",
        "file": RW + "penguins-raw.csv",
        "runs": [
            {"target": "Body Mass (g)", "task": "regression", "algorithm": "linear",
             "ignore": ["Sample Number", "Individual ID"],
             "preprocess": {"*": {"impute": "median", "scale": "standard", "encode": "one_hot"}}},
            {"target": "Body Mass (g)", "task": "regression", "algorithm": "xgboost",
             "ignore": ["Sample Number", "Individual ID"]},
            {"target": "Species", "task": "classification", "algorithm": "random_forest",
             "ignore": ["Sample Number", "Individual ID"],
             "preprocess": {"*": {"impute": "mean"}}},
        ],
    },
    {
        "name": "cars",
        "file": RW + "cars.csv",
        "runs": [
            {"target": "Miles_per_Gallon", "task": "regression", "algorithm": "linear",
             "ignore": ["Name"], "preprocess": STANDARD_ONE_HOT_MEAN},
            {"target": "Miles_per_Gallon", "task": "regression", "algorithm": "random_forest",
             "ignore": ["Name"], "preprocess": {"Horsepower": {"impute": "median"}}},
            {"target": "Miles_per_Gallon", "task": "regression", "algorithm": "xgboost",
             "ignore": ["Name"]},
        ],
    },
    {
        # `date` is written 2012/01/01, not ISO: left out (it would be a text column with one
        # value per row).
        "name": "seattle-weather",
        "file": RW + "seattle-weather.csv",
        "runs": [
            {"target": "weather", "task": "classification", "algorithm": "random_forest",
             "ignore": ["date"]},
            {"target": "weather", "task": "classification", "algorithm": "linear",
             "ignore": ["date"], "preprocess": {"*": {"scale": "standard"}}},
        ],
    },
    {
        "name": "modechoice",
        "file": RW + "modechoice.csv",
        "sep": ";",
        "runs": [
            {"target": "choice", "task": "classification", "algorithm": "linear",
             "ignore": ["individual"], "categorical": ["mode"],
             "preprocess": {"*": {"scale": "standard"}, "mode": {"encode": "one_hot"}}},
            {"target": "choice", "task": "classification", "algorithm": "xgboost",
             "ignore": ["individual"], "categorical": ["mode"]},
        ],
    },
    {
        "name": "fair_pt",
        "file": RW + "fair_pt.csv",
        "runs": [
            {"target": "naffairs", "task": "classification", "algorithm": "linear",
             "ignore": ["identifier"], "preprocess": {"*": {"scale": "standard"}}},
            {"target": "naffairs", "task": "classification", "algorithm": "random_forest",
             "ignore": ["identifier"]},
        ],
    },
    {
        "name": "pageviews",
        "file": RW + "pageviews.csv",
        "runs": [
            {"target": "pageviews", "task": "regression", "algorithm": "linear",
             "preprocess": {"*": {"scale": "standard"}}},
            {"target": "pageviews", "task": "regression", "algorithm": "xgboost"},
        ],
    },
    {
        "name": "messy",
        "file": "tests/fixtures/messy.csv",
        "runs": [
            {"target": "price", "task": "regression", "algorithm": "linear",
             "ignore": ["name", "tier"], "categorical": ["zip"],
             "preprocess": {**STANDARD_ONE_HOT_MEAN, "in_stock": {"impute": "mode"}}},
            {"target": "price", "task": "regression", "algorithm": "linear",
             "ignore": ["name", "tier"], "categorical": ["zip"],
             "preprocess": {"*": {"impute": "median", "scale": "robust"},
                            "color": {"encode": "target"}, "zip": {"encode": "target"}}},
            {"target": "tier", "task": "classification", "algorithm": "xgboost",
             "ignore": ["name", "price"], "categorical": ["zip"]},
            {"target": "tier", "task": "classification", "algorithm": "random_forest",
             "ignore": ["name", "price"], "categorical": ["zip"],
             "preprocess": {"*": {"impute": "min", "scale": "min_max"},
                            "color": {"encode": {"ordinal": ["red", "green", "blue", "purple"]}}}},
        ],
    },
    {
        # The last 25 rows as test rows: `purple` is only in the last 10 rows of the file, so
        # every test row with it has a category the train rows never saw.
        "name": "messy-last",
        "file": "tests/fixtures/messy.csv",
        "split": "last",
        "runs": [
            {"target": "price", "task": "regression", "algorithm": "linear",
             "ignore": ["name", "tier"], "categorical": ["zip"],
             "preprocess": {**STANDARD_ONE_HOT_MEAN, "in_stock": {"impute": "mode"}}},
            {"target": "tier", "task": "classification", "algorithm": "xgboost",
             "ignore": ["name", "price"], "categorical": ["zip"]},
        ],
    },
]


# ---------------------------------------------------------------- reading cells


def is_missing(cell):
    return cell in MISSING


def parse_iso(cell):
    """A datetime for an ISO date or timestamp cell, None otherwise."""
    if not (DATE_RE.fullmatch(cell) or TIMESTAMP_RE.fullmatch(cell)):
        return None
    try:
        return dt.datetime.fromisoformat(cell)
    except ValueError:
        return None


def infer_type(cells):
    """number | boolean | date | timestamp | text, from the non-missing train cells."""
    present = [c for c in cells if not is_missing(c)]
    if all(NUMBER_RE.fullmatch(c) for c in present):
        return "number"
    if all(c.lower() in BOOLEAN for c in present):
        return "boolean"
    if all(DATE_RE.fullmatch(c) and parse_iso(c) for c in present):
        return "date"
    if all(parse_iso(c) for c in present):
        return "timestamp"
    return "text"


def date_parts(cell, kind):
    parts = DATE_PARTS + (TIMESTAMP_EXTRA_PARTS if kind == "timestamp" else [])
    when = None if is_missing(cell) else parse_iso(cell)
    if when is None:
        return [math.nan] * len(parts)
    values = [when.year, when.month, when.day, when.weekday()]
    if kind == "timestamp":
        # Naive timestamps are taken as UTC.
        aware = when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
        values += [when.hour, when.minute, when.second, aware.timestamp()]
    return [float(v) for v in values]


def to_frame(raw, types):
    """Raw string cells -> numbers (NaN when missing) and category strings; no statistics."""
    out = {}
    for col, kind in types.items():
        cells = raw[col]
        if kind == "number":
            out[col] = [float(c) if NUMBER_RE.fullmatch(c) else math.nan for c in cells]
        elif kind == "boolean":
            out[col] = [math.nan if is_missing(c) else BOOLEAN.get(c.lower(), math.nan) for c in cells]
        elif kind in ("date", "timestamp"):
            parts = DATE_PARTS + (TIMESTAMP_EXTRA_PARTS if kind == "timestamp" else [])
            rows = [date_parts(c, kind) for c in cells]
            for i, part in enumerate(parts):
                out[f"{col}.{part}"] = [r[i] for r in rows]
        else:
            out[col] = [MISSING_CATEGORY if is_missing(c) else c for c in cells]
    return pd.DataFrame(out, index=raw.index)


# ---------------------------------------------------------------- preprocessing


class ExtremeImputer(BaseEstimator, TransformerMixin):
    """impute min / max: SimpleImputer has no such strategy."""

    def __init__(self, which="min"):
        self.which = which

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            self.fill_ = np.nanmin(X, axis=0) if self.which == "min" else np.nanmax(X, axis=0)
        return self

    def transform(self, X):
        X = np.array(X, dtype=float)
        rows, cols = np.where(np.isnan(X))
        X[rows, cols] = self.fill_[cols]
        return X


class TargetMeanEncoder(BaseEstimator, TransformerMixin):
    """encode target: the plain train mean of the target per category (no cross-fitting,
    unlike sklearn's TargetEncoder); unseen categories get the global mean."""

    def fit(self, X, y):
        X = np.asarray(X, dtype=object)
        y = np.asarray(y, dtype=float)
        self.global_ = float(y.mean())
        self.means_ = []
        for j in range(X.shape[1]):
            table = pd.Series(y).groupby(pd.Series(X[:, j])).mean()
            self.means_.append(table.to_dict())
        return self

    def transform(self, X):
        X = np.asarray(X, dtype=object)
        cols = [[m.get(v, self.global_) for v in X[:, j]] for j, m in enumerate(self.means_)]
        return np.array(cols, dtype=float).T


def first_appearance(values):
    return list(dict.fromkeys(values))


IMPUTERS = {
    "mean": lambda: SimpleImputer(strategy="mean"),
    "median": lambda: SimpleImputer(strategy="median"),
    "mode": lambda: SimpleImputer(strategy="most_frequent"),
    "zero": lambda: SimpleImputer(strategy="constant", fill_value=0.0),
    "min": lambda: ExtremeImputer("min"),
    "max": lambda: ExtremeImputer("max"),
}
SCALERS = {
    "standard": StandardScaler,
    "min_max": MinMaxScaler,
    "max_abs": MaxAbsScaler,
    "robust": RobustScaler,
}


def column_options(preprocess, col):
    """(options, explicit keys) for one column: the column's own entry over "*"."""
    own = preprocess.get(col, {})
    merged = {"impute": "error", "scale": "preserve", "encode": "native"}
    merged.update(preprocess.get("*", {}))
    merged.update(own)
    return merged, set(own)


def build_transformer(types, frame, preprocess):
    steps = []
    for col, kind in types.items():
        opts, explicit = column_options(preprocess, col)
        if kind == "text":
            if opts["impute"] not in ("error", "mode") and "impute" in explicit:
                raise ValueError(f"impute {opts['impute']} does not apply to text column {col!r}")
            if opts["scale"] != "preserve" and "scale" in explicit:
                raise ValueError(f"scale does not apply to text column {col!r} here")
            pipe = []
            values = list(frame[col])
            if opts["impute"] == "mode":
                pipe.append(("impute", SimpleImputer(strategy="most_frequent",
                                                     missing_values=MISSING_CATEGORY)))
                present = [v for v in values if v != MISSING_CATEGORY]
                values = present or values
            cats = first_appearance(values)
            enc = opts["encode"]
            if enc == "one_hot":
                pipe.append(("encode", OneHotEncoder(categories=[cats], handle_unknown="ignore",
                                                     sparse_output=False)))
            elif enc == "target":
                pipe.append(("encode", TargetMeanEncoder()))
            else:
                order = enc["ordinal"] if isinstance(enc, dict) else cats
                pipe.append(("encode", OrdinalEncoder(categories=[list(order)],
                                                      handle_unknown="use_encoded_value",
                                                      unknown_value=UNKNOWN_CODE)))
            steps.append((col, Pipeline(pipe), [col]))
        else:
            if opts["encode"] != "native" and "encode" in explicit:
                raise ValueError(f"encode does not apply to {kind} column {col!r}")
            parts = [c for c in frame.columns if c == col or c.startswith(col + ".")]
            pipe = []
            if opts["impute"] != "error":
                pipe.append(("impute", IMPUTERS[opts["impute"]]()))
            if opts["scale"] != "preserve":
                pipe.append(("scale", SCALERS[opts["scale"]]()))
            steps.append((col, Pipeline(pipe) if pipe else "passthrough", parts))
    return ColumnTransformer(steps, remainder="drop")


def estimator(task, algorithm):
    if algorithm == "linear":
        return LinearRegression() if task == "regression" else LogisticRegression()
    if algorithm == "random_forest":
        cls = RandomForestRegressor if task == "regression" else RandomForestClassifier
        return cls(random_state=SEED)
    if algorithm == "xgboost":
        import xgboost

        cls = xgboost.XGBRegressor if task == "regression" else xgboost.XGBClassifier
        return cls(random_state=SEED)
    raise ValueError(f"no scikit-learn equivalent for {algorithm}")


def without_missing_target(frame, target):
    return frame[~frame[target].map(is_missing)]


def feature_types(train, run):
    """Each feature column's type on the train rows, as pgml-cli should infer it."""
    skip = set(run.get("ignore", [])) | {run["target"]}
    forced = set(run.get("categorical", []))
    types = {
        c: ("text" if c in forced else infer_type(list(train[c])))
        for c in train.columns
        if c not in skip
    }
    for col, kind in types.items():
        distinct = train[col].nunique()
        if kind == "text" and col not in forced and (distinct > 1000 or distinct > len(train) / 2):
            print(f"note: {run['_name']}: text column {col!r} has {distinct} distinct values "
                  f"in {len(train)} train rows (pgml-cli will want --ignore)", file=sys.stderr)
    return types


def sklearn_score(train, test, run, types):
    target, task = run["target"], run["task"]
    train, test = without_missing_target(train, target), without_missing_target(test, target)
    x_train, x_test = to_frame(train, types), to_frame(test, types)
    if task == "regression":
        y_train = train[target].astype(float).to_numpy()
        y_test = test[target].astype(float).to_numpy()
    else:
        labels = LabelEncoder().fit(train[target])
        y_train = labels.transform(train[target])
        y_test = test[target].to_numpy()
    pipe = Pipeline([
        ("columns", build_transformer(types, x_train, run.get("preprocess", {}))),
        ("estimator", estimator(task, run["algorithm"])),
    ])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipe.fit(x_train, y_train)
        predicted = pipe.predict(x_test)
    if task == "regression":
        return r2_score(y_test, predicted)
    predicted = labels.inverse_transform(np.asarray(predicted, dtype=int))
    return f1_score(y_test, predicted, average="weighted", zero_division=0)


# ---------------------------------------------------------------- pgml-cli side


def cli_args(run, sep):
    args = ["--target", run["target"], "--task", run["task"], "--algorithm", run["algorithm"]]
    if run.get("preprocess"):
        args += ["--preprocess", json.dumps(run["preprocess"], separators=(",", ":"))]
    if run.get("ignore"):
        args += ["--ignore", ",".join(run["ignore"])]
    if run.get("categorical"):
        args += ["--categorical", ",".join(run["categorical"])]
    if sep != ",":
        args += ["--delimiter", sep]
    return args + ["--seed", str(SEED)]


def pgml_score(binary, train_path, test_path, run, sep, workdir):
    model = os.path.join(workdir, "model.pgml")
    cmd = [binary, "train", "--data", train_path, "--test-data", test_path, *cli_args(run, sep),
           "--format", "json", "--quiet", "--force", "--output", model]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"could not run: {e}"
    if done.returncode != 0:
        lines = [l for l in done.stderr.splitlines() if l.strip()]
        return None, f"exit {done.returncode}: {lines[-1] if lines else '(no message)'}"
    try:
        metrics = json.loads(done.stdout)["metrics"]
        return float(metrics["r2" if run["task"] == "regression" else "f1"]), None
    except (ValueError, KeyError, TypeError) as e:
        return None, f"unreadable output: {e}"


# ---------------------------------------------------------------- driver


def split(raw, sampling="random"):
    """random: seeded shuffle, the test rows are the last part (PostgresML's random sampling);
    last: the last rows of the file are the test rows."""
    order = list(range(len(raw)))
    if sampling == "random":
        random.Random(SEED).shuffle(order)
    n_test = round(len(raw) * TEST_FRACTION)
    return order[: len(raw) - n_test], order[len(raw) - n_test:]


def write_rows(path, text_lines, raw, positions, sep):
    """The raw file's own header and record lines (byte for byte, quoting kept) when every
    record is one line; pandas' rewrite of the same cells otherwise."""
    if text_lines is not None:
        with open(path, "w", newline="") as f:
            f.write(text_lines[0])
            f.writelines(text_lines[1 + i] for i in positions)
    else:
        raw.iloc[positions].to_csv(path, sep=sep, index=False, lineterminator="\n")


def cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", default=os.path.join(ROOT, "target/release/pgml-cli"))
    parser.add_argument("--only", action="append", help="dataset name (repeatable)")
    parser.add_argument("--keep", help="write the train/test files here instead of a temp dir")
    opts = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(prefix="pgml-realworld-") as tmp:
        base = opts.keep or tmp
        for ds in DATASETS:
            if opts.only and ds["name"] not in opts.only:
                continue
            sep = ds.get("sep", ",")
            path = os.path.join(ROOT, ds["file"])
            raw = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
            with open(path, newline="") as f:
                text_lines = [l for l in f.readlines() if l.strip()]
            if len(text_lines) != len(raw) + 1:
                text_lines = None  # quoted line breaks: records are not lines
            elif not text_lines[-1].endswith("\n"):
                text_lines[-1] += "\n"  # the last record may move to the middle
            train_rows, test_rows = split(raw, ds.get("split", "random"))
            train, test = raw.iloc[train_rows], raw.iloc[test_rows]
            workdir = os.path.join(base, ds["name"])
            os.makedirs(workdir, exist_ok=True)
            ext = os.path.splitext(ds["file"])[1]
            train_path = os.path.join(workdir, "train" + ext)
            test_path = os.path.join(workdir, "test" + ext)
            write_rows(train_path, text_lines, raw, train_rows, sep)
            write_rows(test_path, text_lines, raw, test_rows, sep)
            for run in ds["runs"]:
                run = {**run, "_name": ds["name"]}
                command = "pgml-cli train --data train{0} --test-data test{0} {1}".format(
                    ext, shlex.join(cli_args(run, sep)))
                types = feature_types(without_missing_target(train, run["target"]), run)
                try:
                    ours = sklearn_score(train, test, run, types)
                except Exception as e:  # report, keep going
                    ours = None
                    print(f"sklearn failed on {ds['name']}: {e!r}", file=sys.stderr)
                theirs, error = pgml_score(opts.bin, train_path, test_path, run, sep, workdir)
                counts = "{}/{}".format(len(without_missing_target(train, run["target"])),
                                        len(without_missing_target(test, run["target"])))
                rows.append((ds["name"], command, theirs, error, ours, (counts, types)))

    print("| dataset | command | pgml-cli | scikit-learn | difference |")
    print("| --- | --- | --- | --- | --- |")
    for name, command, theirs, error, ours, _ in rows:
        left = f"{theirs:.4f}" if theirs is not None else cell(error)
        right = f"{ours:.4f}" if ours is not None else "failed"
        diff = f"{theirs - ours:+.4f}" if theirs is not None and ours is not None else ""
        print(f"| {name} | `{cell(command)}` | {left} | {right} | {diff} |")
    print()
    print("Rows with a target (train/test) and the feature types the scikit-learn side inferred:")
    seen = set()
    for name, _, _, _, _, (counts, types) in rows:
        summary = f"{counts} rows; " + ", ".join(f"{c}={k}" for c, k in types.items())
        if (name, summary) not in seen:
            seen.add((name, summary))
            print(f"- {name}: {summary}")


if __name__ == "__main__":
    main()
