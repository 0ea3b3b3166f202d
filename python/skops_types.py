"""Prints every (skops loader, type) a model written by pgml-cli's Python runtime contains.

The output is what SKOPS_TYPES in pgml_runtime.py was built from, after review: run it with the
.venv's python from the repository root whenever scikit-learn, skops or the algorithm table
changes, and compare. It fits every scikit-learn class of the algorithm table on a bundled
dataset, with one and several targets, and with each value of the parameters that change which
types are stored (loss functions, neighbor search structures).
"""

import csv
import itertools
import json
import os
import re
import sys
import warnings
import zipfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pgml_runtime  # noqa: E402

# Parameters whose every string option is tried, since they change the stored types.
VARIANTS = ["loss", "algorithm"]


def table():
    """(task, class) pairs of the algorithm table's scikit-learn classes."""
    source = open("src/algorithms/mod.rs").read()
    return sorted(set(re.findall(r'\b([RCKD]) => "(sklearn\.[\w.]+)"', source)))


def dataset(name, target):
    with open(f"datasets/{name}.csv") as f:
        rows = list(csv.reader(f))
    number = {"true": 1.0, "false": 0.0}
    values = np.array([[number.get(v, v) for v in row] for row in rows[1:]], dtype=np.float64)
    columns = [rows[0].index(t) for t in target]
    features = [i for i in range(len(rows[0])) if i not in columns]
    return values[:, features], values[:, columns]


def options(cls, parameter):
    constraints = getattr(cls, "_parameter_constraints", {}).get(parameter, [])
    found = []
    for c in constraints:
        found.extend(sorted(getattr(c, "options", [])))
    return [o for o in found if isinstance(o, str)]


def nodes(state):
    """Every (loader, type) of a skops schema, recursively."""
    if isinstance(state, dict):
        if "__loader__" in state:
            yield state["__loader__"], f"{state.get('__module__')}.{state.get('__class__')}"
        for value in state.values():
            yield from nodes(value)
    elif isinstance(state, list):
        for value in state:
            yield from nodes(value)


def main():
    warnings.simplefilter("ignore")
    regression = dataset("diabetes", ["target"])
    linnerud = dataset("linnerud", ["weight", "waist", "pulse"])
    iris = dataset("iris", ["target"])
    binary = dataset("breast_cancer", ["malignant"])
    single = set(re.findall(r'"(sklearn\.[\w.]+)"[^\n]*single_target\)', open("src/algorithms/mod.rs").read()))
    found, tops = set(), set()
    for code, path in table():
        task = {"R": "regression", "C": "classification", "K": "clustering", "D": "decomposition"}[code]
        cls = pgml_runtime._import(path)
        grid = {p: options(cls, p) for p in VARIANTS if options(cls, p)}
        cases = [dict(zip(grid, values)) for values in itertools.product(*grid.values())] or [{}]
        datasets = {"regression": [regression, linnerud], "classification": [iris, binary]}.get(task, [iris])
        for params, (x, y) in itertools.product(cases, datasets):
            if task != "regression":
                y = y[:, 0].astype(np.int64) if task == "classification" else None
            try:
                fitted = pgml_runtime.fit(path, params, 0, task, x, y, path in single)
            except Exception as e:  # combinations the estimator refuses
                print(f"skipped {path} {params}: {type(e).__name__}", file=sys.stderr)
                continue
            format, blobs = pgml_runtime.save(fitted)
            for blob in blobs:
                with zipfile.ZipFile(__import__("io").BytesIO(blob)) as z:
                    schema = json.loads(z.read("schema.json"))
                found.update(nodes(schema))
                tops.add(f"{schema['__module__']}.{schema['__class__']}")
    for loader, name in sorted(found):
        print(f"{loader}\t{name}")
    print("top-level:", ", ".join(sorted(tops)), file=sys.stderr)


if __name__ == "__main__":
    main()
