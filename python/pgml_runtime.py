"""pgml-cli's Python runtime, compiled into the binary and run in its embedded interpreter.

Rust chooses the estimator class (from its single algorithm table) and hands over numpy arrays;
this module builds, fits, predicts, and turns models into bytes and back. Models are saved
without pickle: scikit-learn estimators through skops (loading trusts scikit-learn's own types
only), xgboost, lightgbm and catboost in their own portable formats.
"""

import contextlib
import importlib
import io
import os
import sys
import tempfile
import warnings

PACKAGES = ["numpy", "scipy", "scikit-learn", "xgboost", "lightgbm", "catboost", "skops"]
MODULES = {"scikit-learn": "sklearn"}


class MissingPackage(Exception):
    """A package the estimator needs is not installed in the environment."""


class BadHyperparameters(Exception):
    """The estimator refused its keyword arguments."""


_shown = set()


def _show_warning(message, category, filename, lineno, file=None, line=None):
    """Each distinct warning once, on one line (libraries reset warning filters, so this dedupes)."""
    text = " ".join(str(message).split())
    if (category, text) not in _shown:
        _shown.add((category, text))
        sys.stderr.write(f"pgml-cli: warning: {category.__name__}: {text}\n")


def setup():
    warnings.simplefilter("default")
    warnings.showwarning = _show_warning


def versions():
    """Installed versions of the packages the runtime can use (None when missing)."""
    from importlib import metadata

    found = {"python": sys.version.split()[0]}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package if package != "xgboost" else _xgboost_distribution())
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


def loaded_versions():
    """Versions of the packages imported so far (free, unlike package metadata): what a model
    was written or read with."""
    found = {"python": sys.version.split()[0]}
    for package in PACKAGES:
        module = sys.modules.get(MODULES.get(package, package))
        if module is not None:
            found[package] = getattr(module, "__version__", None)
    return found


def _xgboost_distribution():
    from importlib import metadata

    for name in ("xgboost-cpu", "xgboost"):
        try:
            metadata.version(name)
            return name
        except metadata.PackageNotFoundError:
            pass
    return "xgboost"


def _import(path):
    module, _, name = path.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as e:
        package = module.split(".")[0]
        raise MissingPackage(f"{path} needs the Python package '{package}', which cannot be imported: {e}") from None


def _family(path):
    return path.split(".")[0]


def _defaults(cls, path, params, seed, multi_target):
    """sklearn-style keyword arguments: the user's, plus the seed and quiet output where unset."""
    kwargs = dict(params)
    accepted = _accepted(cls)
    if "random_state" in accepted and "random_state" not in kwargs:
        kwargs["random_state"] = seed
    family = _family(path)
    if family == "lightgbm":
        kwargs.setdefault("verbose", -1)
    if family == "catboost":
        kwargs.setdefault("verbose", False)
        kwargs.setdefault("allow_writing_files", False)
        kwargs.setdefault("thread_count", -1)
        if multi_target and path.endswith("Regressor"):
            kwargs.setdefault("loss_function", "MultiRMSE")
    return kwargs


def _accepted(cls):
    try:
        return set(cls().get_params().keys())
    except Exception:  # estimators whose constructor needs arguments
        import inspect

        return set(inspect.signature(cls).parameters)


def build(path, params, seed, multi_target):
    """The estimator with its keyword arguments checked, before any data is read. Also imports
    what saving it will need, so loaded_versions() names every package that writes the model."""
    cls = _import(path)
    if _family(path) == "sklearn":
        import skops.io  # noqa: F401
    kwargs = _defaults(cls, path, params, seed, multi_target)
    try:
        estimator = cls(**kwargs)
    except TypeError as e:
        accepted = ", ".join(sorted(_accepted(cls)))
        raise BadHyperparameters(f"{path}: {e} (it takes: {accepted})") from None
    validate = getattr(estimator, "_validate_params", None)
    if validate is not None and _family(path) == "sklearn":
        try:
            validate()
        except (ValueError, TypeError) as e:
            raise BadHyperparameters(f"{path}: {e}") from None
    return estimator


def resolved(estimator):
    """The estimator's parameters, JSON-friendly, for the model header."""
    out = {}
    import math

    for key, value in estimator.get_params(deep=False).items():
        if isinstance(value, float) and not math.isfinite(value):
            out[key] = str(value)
        elif value is None or isinstance(value, (bool, int, float, str)):
            out[key] = value
        else:
            out[key] = repr(value)
    return out


def fit(path, params, seed, task, x, y, single_target):
    """Fits and returns a Fitted model. `y`: 2-D floats (regression), class indices, or None."""
    import numpy as np

    multi_target = task == "regression" and y.ndim == 2 and y.shape[1] > 1
    estimator = build(path, params, seed, multi_target)
    classes = None
    with _quiet_stdout():
        if task == "regression":
            if not multi_target:
                y = y.reshape(-1)
            elif single_target:
                from sklearn.multioutput import MultiOutputRegressor

                estimator = MultiOutputRegressor(estimator)
            estimator.fit(x, y)
        elif task == "classification":
            # Classes re-numbered 0..k-1 over those present (xgboost insists); mapped back on predict.
            classes, encoded = np.unique(y, return_inverse=True)
            estimator.fit(x, encoded)
        else:
            estimator.fit(x)
    return Fitted(path, task, _Live(estimator), classes)


class _Live:
    """A model as fitted, predicting through its estimator."""

    def __init__(self, estimator):
        self.estimator = estimator

    def predict(self, x):
        return self.estimator.predict(x)

    def transform(self, x):
        return self.estimator.transform(x)

    def proba(self, x):
        if not hasattr(self.estimator, "predict_proba"):
            return None
        try:
            return self.estimator.predict_proba(x)
        except AttributeError:  # e.g. SVC(probability=False), SGDClassifier(loss="hinge")
            return None


class Fitted:
    def __init__(self, path, task, model, classes):
        self.path = path
        self.task = task
        self.model = model
        self.classes = classes

    def predict(self, x):
        """Regression: (n, targets) floats; classification: class indices; clustering: ints;
        decomposition: (n, components) floats."""
        import numpy as np

        with _quiet_stdout():
            if self.task == "decomposition":
                return np.ascontiguousarray(self.model.transform(x), dtype=np.float64)
            out = self.model.predict(x)
        if self.task == "regression":
            out = np.asarray(out, dtype=np.float64)
            return np.ascontiguousarray(out.reshape(len(x), -1))
        if self.task == "classification":
            out = np.asarray(out).reshape(-1).astype(np.int64)
            return np.ascontiguousarray(self.classes[out])
        return np.ascontiguousarray(np.asarray(out).reshape(-1), dtype=np.int64)

    def predict_proba(self, x):
        """(n, present classes) probabilities and the class index of each column, or None."""
        import numpy as np

        if self.task != "classification":
            return None
        with _quiet_stdout():
            p = self.model.proba(x)
        if p is None:
            return None
        return np.ascontiguousarray(p, dtype=np.float64), np.asarray(self.classes, dtype=np.int64)

    def resolved(self):
        estimator = getattr(self.model, "estimator", None)
        return resolved(estimator) if estimator is not None else {}


@contextlib.contextmanager
def _quiet_stdout():
    """Libraries that print progress to Python's stdout would corrupt pgml-cli's data output."""
    with contextlib.redirect_stdout(sys.stderr):
        yield


# --- persistence -------------------------------------------------------------------------------


def save(fitted):
    """(format, blobs): one blob, or one per target for MultiOutputRegressor over a non-sklearn model."""
    estimator = fitted.model.estimator
    inner = getattr(estimator, "estimators_", None)
    from sklearn.multioutput import MultiOutputRegressor

    if isinstance(estimator, MultiOutputRegressor) and _family(type(inner[0]).__module__) != "sklearn":
        blobs = [_save_one(e)[1] for e in inner]
        return _save_one(inner[0])[0] + "/per-target", blobs
    format, blob = _save_one(estimator)
    return format, [blob]


def _save_one(estimator):
    family = _family(type(estimator).__module__)
    if type(estimator).__name__ == "Birch":
        estimator = _birch_as_nearest_subcluster(estimator)
    if family == "xgboost":
        return "xgboost-ubj", bytes(estimator.get_booster().save_raw(raw_format="ubj"))
    if family == "lightgbm":
        return "lightgbm-text", estimator.booster_.model_to_string().encode()
    if family == "catboost":
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "model.cbm")
            estimator.save_model(path, format="cbm")
            with open(path, "rb") as f:
                return "catboost-cbm", f.read()
    import skops.io

    return "skops", skops.io.dumps(estimator)


def load(path, task, format, blobs, classes):
    import numpy as np

    base = format.removesuffix("/per-target")
    loaded = [_load_one(base, blob, path, task) for blob in blobs]
    model = loaded[0] if len(loaded) == 1 and not format.endswith("/per-target") else _PerTarget(loaded)
    return Fitted(path, task, model, None if classes is None else np.asarray(classes, dtype=np.int64))


def _load_one(format, blob, path, task):
    if format == "skops":
        import skops.io

        untrusted = skops.io.get_untrusted_types(data=blob)
        foreign = [t for t in untrusted if not t.startswith("sklearn.")]
        if foreign:
            raise UnsafeModel(f"the model names types outside scikit-learn, refused: {', '.join(foreign)}")
        return _Live(skops.io.loads(blob, trusted=untrusted))
    if format == "xgboost-ubj":
        import xgboost

        booster = xgboost.Booster()
        booster.load_model(bytearray(blob))
        return _Booster(booster, "xgboost", task)
    if format == "lightgbm-text":
        import lightgbm

        return _Booster(lightgbm.Booster(model_str=blob.decode()), "lightgbm", task)
    if format == "catboost-cbm":
        import catboost

        model = catboost.CatBoost()
        model.load_model(blob=bytes(blob))
        return _Booster(model, "catboost", task)
    raise UnsafeModel(f"unknown Python model format '{format}'")


def _birch_as_nearest_subcluster(birch):
    """Birch's CF-tree has no safe serialization (skops refuses it); its predict is the label of
    the nearest subcluster center, which a brute-force 1-nearest-neighbor classifier reproduces."""
    from sklearn.neighbors import KNeighborsClassifier

    return KNeighborsClassifier(n_neighbors=1, algorithm="brute").fit(birch.subcluster_centers_, birch.subcluster_labels_)


class UnsafeModel(Exception):
    """A model file whose Python payload pgml-cli will not load."""


class _Booster:
    """xgboost, lightgbm and catboost models loaded from their own formats, predicting like
    their scikit-learn wrappers (classes are 0..k-1 as fitted)."""

    def __init__(self, booster, family, task):
        self.booster, self.family, self.task = booster, family, task

    def _raw(self, x):
        if self.family == "xgboost":
            return self.booster.inplace_predict(x)
        if self.family == "catboost":
            kind = "Probability" if self.task == "classification" else "RawFormulaVal"
            return self.booster.predict(x, prediction_type=kind)
        return self.booster.predict(x)

    def proba(self, x):
        import numpy as np

        p = np.asarray(self._raw(x), dtype=np.float64)
        if p.ndim == 1:  # binary objectives give the positive class only
            p = np.column_stack([1 - p, p])
        return p

    def predict(self, x):
        if self.task == "classification":
            return self.proba(x).argmax(axis=1)
        return self._raw(x)

    def transform(self, x):
        raise TypeError(f"{self.family} models do not transform")


class _PerTarget:
    """One single-target model per regression target (MultiOutputRegressor, reloaded)."""

    def __init__(self, models):
        self.models = models

    def predict(self, x):
        import numpy as np

        return np.column_stack([m.predict(x) for m in self.models])

    def proba(self, x):
        return None

    def transform(self, x):
        raise TypeError("per-target models do not transform")
