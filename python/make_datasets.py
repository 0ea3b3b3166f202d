"""Write scikit-learn's bundled toy datasets to datasets/*.csv.

The data ships inside the scikit-learn package (no download), so this runs offline:
    python python/make_datasets.py [out_dir]
Column and target names follow PostgresML's pgml.load_dataset().
"""

import csv
import os
import sys

from sklearn import datasets


def number(value):
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def write(out_dir, name, columns, rows):
    path = os.path.join(out_dir, f"{name}.csv")
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    print(f"{path}: {len(rows)} rows, {len(columns)} columns")


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "datasets")

    iris = datasets.load_iris()
    write(out_dir, "iris",
          ["sepal_length", "sepal_width", "petal_length", "petal_width", "target"],
          [[number(v) for v in x] + [int(t)] for x, t in zip(iris.data, iris.target)])

    # PostgresML 1.0 used the scaled features (sklearn's default).
    diabetes = datasets.load_diabetes()
    write(out_dir, "diabetes", list(diabetes.feature_names) + ["target"],
          [[number(v) for v in x] + [number(t)] for x, t in zip(diabetes.data, diabetes.target)])

    digits = datasets.load_digits()
    write(out_dir, "digits", list(digits.feature_names) + ["target"],
          [[number(v) for v in x] + [int(t)] for x, t in zip(digits.data, digits.target)])

    # sklearn's target 0 is "malignant"; PostgresML stores it as a boolean column.
    cancer = datasets.load_breast_cancer()
    write(out_dir, "breast_cancer", [str(n) for n in cancer.feature_names] + ["malignant"],
          [[number(v) for v in x] + ["true" if t == 0 else "false"] for x, t in zip(cancer.data, cancer.target)])

    wine = datasets.load_wine()
    write(out_dir, "wine", list(wine.feature_names) + ["target"],
          [[number(v) for v in x] + [int(t)] for x, t in zip(wine.data, wine.target)])

    linnerud = datasets.load_linnerud()
    write(out_dir, "linnerud",
          [n.lower() for n in linnerud.feature_names] + [n.lower() for n in linnerud.target_names],
          [[number(v) for v in x] + [number(v) for v in y] for x, y in zip(linnerud.data, linnerud.target)])


if __name__ == "__main__":
    main()
