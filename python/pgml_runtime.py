"""pgml-cli's Python runtime, compiled into the binary and run in its embedded interpreter.

Rust chooses the estimator class (from its single algorithm table) and hands over numpy arrays;
this module builds, fits, predicts, and turns models into bytes and back. Models are saved
without pickle: scikit-learn estimators through skops (loading accepts only the reviewed types of
SKOPS_TYPES), xgboost, lightgbm and catboost in their own portable formats, each checked before
its library reads it.
"""

import contextlib
import importlib
import io
import os
import re
import sys
import tempfile
import warnings

PACKAGES = ["numpy", "scipy", "scikit-learn", "xgboost", "lightgbm", "catboost", "skops"]
MODULES = {"scikit-learn": "sklearn"}


class MissingPackage(Exception):
    """A package the estimator needs is not installed in the environment."""


class BadHyperparameters(Exception):
    """The estimator refused its keyword arguments."""


class ClusterUnavailable(Exception):
    """The Dask scheduler cannot be reached, or has no workers."""


class BadData(Exception):
    """A cell, column or file the workers read cannot be training data."""


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
    accepted = _default_params(cls)
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


def build(path, params, seed, multi_target):
    """The estimator with its keyword arguments checked, before any data is read. Also imports
    what saving it will need, so loaded_versions() names every package that writes the model."""
    cls = _import(path)
    family = _family(path)
    if family == "sklearn":
        import skops.io  # noqa: F401
    defaults = _default_params(cls)
    names = set(defaults) | _native_names(family, cls)
    for key in params:
        # xgboost's native names depend on the booster and objective: its probe decides.
        if key not in names and family != "xgboost":
            _unknown(path, key, names, defaults)
    _check_types(path, cls, params, defaults, _native_defaults(family, cls))
    kwargs = _defaults(cls, path, params, seed, multi_target)
    try:
        estimator = cls(**kwargs)
    except TypeError as e:
        raise BadHyperparameters(f"{path}: {e} (it takes: {_listing(names, defaults)})") from None
    if family == "sklearn" and hasattr(estimator, "_validate_params"):
        try:
            estimator._validate_params()
        except (ValueError, TypeError) as e:
            raise BadHyperparameters(f"{path}: {e}") from None
    elif family == "xgboost":
        _probe_xgboost(path, estimator, params, defaults, names)
    elif family == "catboost":
        _probe_catboost(path, estimator)
    return estimator


def _listing(names, own, cap=40):
    """The estimator's own parameters (catboost has over a hundred, so capped), and a count of
    the native names besides (lightgbm takes over two hundred, aliases included)."""
    own = sorted(own)
    native = len(set(names) - set(own))
    text = ", ".join(own[:cap]) + (f", ... ({len(own) - cap} more)" if len(own) > cap else "")
    return text + (f", and {native} native parameters and aliases" if native else "")


def _unknown(path, key, names, own, note=""):
    import difflib

    close = difflib.get_close_matches(key, names, n=1)
    hint = f"did you mean {close[0]!r}?; " if close else ""
    raise BadHyperparameters(
        f"{path} has no hyperparameter {_cut(repr(key))}{note} ({hint}it takes: {_listing(names, own)})"
    )


def _default_params(cls):
    """The estimator's own parameters and their defaults: its signature's (catboost's get_params
    lists only what was set) and get_params' (xgboost's signature hides them in **kwargs)."""
    import inspect

    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    found = {n: p.default for n, p in inspect.signature(cls).parameters.items() if p.kind in kinds}
    try:
        found.update(cls().get_params())
    except Exception:  # estimators whose constructor needs arguments
        pass
    return found


def _native_names(family, cls):
    """Native parameter names (and aliases) that the sklearn wrappers of lightgbm and xgboost pass
    through as **kwargs (catboost's wrapper names all of its own in its signature)."""
    if family == "lightgbm":
        from lightgbm.basic import _ConfigAliases

        # LightGBM's C library lists every parameter with its aliases (LGBM_DumpParamAliases).
        return {name for group in _ConfigAliases._get_all_param_aliases().values() for name in group}
    if family == "xgboost":
        return set(_native_defaults(family, cls))
    return set()


_native_cache = {}


def _native_defaults(family, cls):
    """Native parameter name -> the library's default, as the text the library writes it in (its
    type, number or not, is what can be checked before data is read)."""
    if family not in ("lightgbm", "xgboost"):
        return {}
    if family not in _native_cache:
        _native_cache[family] = _lightgbm_defaults() if family == "lightgbm" else _xgboost_defaults(cls)
    return _native_cache[family]


def _lightgbm_defaults():
    """Every alias of each parameter that LightGBM writes into a model (a model of two rows, as
    writing it is the only place the library lists its defaults)."""
    import lightgbm
    import numpy as np
    from lightgbm.basic import _ConfigAliases

    # One thread: starting LightGBM's thread pool would take most of the time.
    quiet = {"verbose": -1, "num_threads": 1}
    with _quiet_stdout():
        data = lightgbm.Dataset(np.array([[0.0], [1.0]]), label=[0.0, 1.0], params=quiet)
        text = lightgbm.Booster(params=quiet, train_set=data).model_to_string()
    found = dict(re.findall(r"^\[(\w+): (.*)\]$", text[text.find("parameters:") :], re.MULTILINE))
    out = {}
    for name, value in found.items():
        for alias in _ConfigAliases.get_sorted(name):
            out[alias] = value
    return out


def _xgboost_defaults(cls):
    """The native parameters of XGBoost's default booster, from its saved configuration (which
    lists aliases such as eta, lambda and alpha beside learning_rate, reg_lambda and reg_alpha)."""
    import json

    import xgboost

    booster = xgboost.Booster(params={"num_feature": 1})
    out = {}

    def leaves(node):
        for key, value in node.items():
            if isinstance(value, dict):
                leaves(value)
            elif isinstance(value, str):
                out[key] = value

    leaves(json.loads(booster.save_config()))
    for internal in ("num_feature", "num_target", "num_trees", "updater_seq"):
        out.pop(internal, None)
    return out


def _check_types(path, cls, params, defaults, native):
    """Values against the type of the default: a bool for a bool, an integer for an integer, a
    number for a float or for a native parameter whose default is a number. scikit-learn
    estimators with `_parameter_constraints` are left to those, checked once built (they know
    better: an integer default may take a fraction, a False `verbose` a level)."""
    if hasattr(cls, "_parameter_constraints"):
        return
    for key, value in params.items():
        default = defaults.get(key)
        if default is None:
            if key in native and _is_number(native[key]) and not (_is_number(value) or isinstance(value, bool)):
                _wrong_type(path, key, "a number", value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                _wrong_type(path, key, "true or false", value)
        elif isinstance(default, int):
            if not isinstance(value, int) or isinstance(value, bool):
                _wrong_type(path, key, "an integer", value)
        elif isinstance(default, float):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                _wrong_type(path, key, "a number", value)


def _is_number(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, str):
        try:
            float(value)
            return True
        except ValueError:
            return False
    return False


def _wrong_type(path, key, expected, value):
    import json

    raise BadHyperparameters(f"hyperparameter {_cut(repr(key))} of {path} must be {expected}, not {_cut(json.dumps(value))}")


def _cut(text, length=40):
    """Command-line text in a message, cut like the Rust side's quoted values."""
    return text if len(text) <= length else f"{text[:length]}...({len(text.encode())} bytes)"


# The time and C++ source location that lead the libraries' messages.
_SOURCE = re.compile(r"^(\[[\d:]+\] )?[\w/.]+:\d+: ")


def _probe_xgboost(path, estimator, params, defaults, names):
    """XGBoost parses and checks its native parameters when a booster is configured, which needs
    no data: a value it cannot parse is refused, and a name it reports as not used (a typo, or a
    parameter of another booster or objective) too."""
    import xgboost

    native = estimator.get_xgb_params()
    native["num_feature"] = 1
    if str(native.get("objective", "")).startswith("multi:"):
        native.setdefault("num_class", 2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            xgboost.Booster(params=native).save_config()
        except xgboost.core.XGBoostError as e:
            first = str(e).splitlines()[0]
            # Only parse errors are the user's for sure; others may depend on the data.
            if "Invalid Parameter format" in first or "could not be parsed" in first:
                raise BadHyperparameters(f"{path}: {_SOURCE.sub('', first)}") from None
            return
    for warning in caught:
        unused = re.search(r"Parameters: \{(.*)\} are not used", str(warning.message), re.DOTALL)
        if unused:
            for key in re.findall(r'"([^"]*)"', unused.group(1)):
                if key in params and key not in defaults:
                    _unknown(path, key, names - {key}, defaults, " that this booster and objective use")


def _probe_catboost(path, estimator):
    """CatBoost's own check of its training options, which fit runs before reading the data."""
    import copy

    from catboost import CatBoostError, core

    options = copy.deepcopy(estimator.get_params())
    try:
        core._process_synonyms(options)
        core._check_param_types(options)
        core._check_train_params(core._params_type_cast(options))
    except CatBoostError as e:
        raise BadHyperparameters(f"{path}: {_SOURCE.sub('', str(e))}") from None


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


def fit(path, params, seed, task, x, y, single_target, cluster=None):
    """Fits and returns a Fitted model. `y`: 2-D floats (regression), class indices, or None.
    With `cluster` (a Dask scheduler address) the fit runs on that cluster's workers."""
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
            fitted_on = y
        elif task == "classification":
            # Classes re-numbered 0..k-1 over those present (xgboost insists); mapped back on predict.
            classes, encoded = np.unique(y, return_inverse=True)
            fitted_on = encoded
        else:
            fitted_on = None
        if cluster:
            estimator = _fit_on_cluster(cluster, path, estimator, x, fitted_on)
        elif fitted_on is None:
            estimator.fit(x)
        else:
            estimator.fit(x, fitted_on)
    return Fitted(path, task, _Live(estimator), classes, y.shape[1] if task == "regression" and y.ndim == 2 else 1)


# Dask estimators of the classes --cluster can train: same keyword arguments as the local class.
DASK_CLASSES = {
    "xgboost.XGBRegressor": "xgboost.dask.DaskXGBRegressor",
    "xgboost.XGBClassifier": "xgboost.dask.DaskXGBClassifier",
    "xgboost.XGBRFRegressor": "xgboost.dask.DaskXGBRFRegressor",
    "xgboost.XGBRFClassifier": "xgboost.dask.DaskXGBRFClassifier",
    "lightgbm.LGBMRegressor": "lightgbm.DaskLGBMRegressor",
    "lightgbm.LGBMClassifier": "lightgbm.DaskLGBMClassifier",
}

# Seconds to reach the scheduler and to wait for a first worker.
CLUSTER_TIMEOUT = 10


def cluster_classes():
    return sorted(DASK_CLASSES)


def check_cluster(path, multi_target):
    """Refuses, before any data is read, what --cluster cannot train (Rust has checked the class)."""
    if multi_target:
        raise BadHyperparameters("--cluster trains one target at a time; several were given")
    try:
        import dask.array  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as e:
        raise MissingPackage(f"--cluster needs the Python package 'dask[distributed,dataframe]': {e}") from None
    _import(DASK_CLASSES[path])


def _connect(address):
    """A client of the scheduler at `address`. Dask's timeout covers the TCP connect only: a
    server that accepts and never answers (not a Dask scheduler) would hang the handshake, so the
    whole of it runs on a daemon thread that is abandoned after the timeout."""
    import threading

    import distributed

    box = {}

    def connect():
        try:
            box["client"] = distributed.Client(address, timeout=CLUSTER_TIMEOUT, set_as_default=False)
        except Exception as e:  # noqa: BLE001 (any failure to connect is said in one line)
            box["error"] = e

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(CLUSTER_TIMEOUT + 5)
    if thread.is_alive():
        raise ClusterUnavailable(f"the Dask scheduler at {address} did not answer within {CLUSTER_TIMEOUT + 5} s")
    if "error" in box:
        e = box["error"]
        if isinstance(e, (OSError, TimeoutError, ValueError)):
            raise ClusterUnavailable(f"cannot reach the Dask scheduler at {address}: {e}") from None
        raise e
    return box["client"]


def _on_cluster(address, path):
    """A client of the cluster at `address` once a worker is there, and the Dask class of `path`."""
    check_cluster(path, False)
    dask_class = _import(DASK_CLASSES[path])
    client = _connect(address)
    try:
        client.wait_for_workers(1, timeout=CLUSTER_TIMEOUT)
    except (OSError, TimeoutError) as e:
        client.close()
        raise ClusterUnavailable(f"the Dask cluster at {address} has no workers: {e}") from None
    return client, dask_class


def _fit_twin(client, path, dask_class, estimator, x, y):
    """Fits `estimator`'s Dask twin on the cluster's `x` and `y` (Dask collections) and returns the
    local estimator holding the fitted model (a plain Booster: predicting needs no cluster), and
    the twin (it predicts on the cluster)."""
    import distributed

    kwargs = estimator.get_params()
    if _family(path) == "xgboost":
        import socket

        import xgboost
        from xgboost import collective

        # The tracker runs beside the scheduler; workers reach it where they reach the scheduler
        # (xgboost's own guess is this machine's external address).
        host = distributed.comm.get_address_host(client.scheduler.address)
        kwargs["coll_cfg"] = collective.Config(tracker_host_ip=socket.gethostbyname(host))
        # xgboost 3.2's Dask random forests take num_parallel_tree from n_estimators as given:
        # left unset, that is one tree, not the local class's default of 100.
        kwargs["n_estimators"] = xgboost.XGBModel.get_num_boosting_rounds(estimator)
    twin = dask_class(**kwargs)
    twin.client = client
    # lightgbm's Dask module prints its progress ("Finding random open ports for workers").
    quiet = contextlib.redirect_stdout(io.StringIO()) if _family(path) == "lightgbm" else contextlib.nullcontext()
    with client.as_current(), warnings.catch_warnings(), quiet, _watching_workers(client) as lost:
        # lightgbm's note that the workers' threads, not n_jobs, decide: always true here.
        warnings.filterwarnings("ignore", message="Parameter n_jobs will be ignored")
        try:
            twin.fit(x, y)
        except Exception:
            if lost:
                raise ClusterUnavailable(
                    f"worker {lost[0]} left the Dask cluster during the fit (the others would wait for it forever)"
                ) from None
            raise
    if _family(path) == "lightgbm":
        return twin.to_local(), twin
    with tempfile.TemporaryDirectory() as d:
        saved = os.path.join(d, "model.json")
        twin.save_model(saved)
        estimator.load_model(saved)
    return estimator, twin


def _workers(client):
    """The addresses of the cluster's workers, asked of the scheduler. Not `scheduler_info()`: it
    returns the client's cached identity, which the client's periodic refresh may overwrite with
    one listing no workers between the refresh it asks for and its return (distributed 2026.8),
    so a worker seemed to have left."""
    return set(client.sync(client.scheduler.identity, n_workers=-1)["workers"])


@contextlib.contextmanager
def _watching_workers(client):
    """Yields a list that names a worker lost while the block runs; the client is closed then,
    which ends the block's wait: xgboost's and lightgbm's collectives would wait for the lost
    worker forever."""
    import threading

    started = _workers(client)
    lost, done = [], threading.Event()

    def watch():
        while not done.wait(1.0):
            try:
                now = _workers(client)
            except Exception:  # noqa: BLE001 (the client is closing: nothing left to watch)
                return
            if started - now:
                lost.append(sorted(started - now)[0])
                client.close()
                return

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield lost
    finally:
        done.set()
        thread.join()


def _fit_on_cluster(address, path, estimator, x, y):
    """Fits on the cluster at `address` the rows this process holds, sent to the workers in one
    partition per worker."""
    import dask.array as da
    import numpy as np

    if y.ndim == 2:
        check_cluster(path, True)
    client, dask_class = _on_cluster(address, path)
    try:
        parts = max(1, min(len(_workers(client)), len(x)))
        bounds = [(len(x) * i // parts, len(x) * (i + 1) // parts) for i in range(parts)]
        # Scattered, not embedded in the task graph: each worker gets its partition directly.
        xs = client.scatter([np.ascontiguousarray(x[a:b]) for a, b in bounds])
        ys = client.scatter([np.ascontiguousarray(y[a:b]) for a, b in bounds])
        dx = da.concatenate(
            [da.from_delayed(f, shape=(b - a, x.shape[1]), dtype=x.dtype) for f, (a, b) in zip(xs, bounds)]
        )
        dy = da.concatenate([da.from_delayed(f, shape=(b - a,), dtype=y.dtype) for f, (a, b) in zip(ys, bounds)])
        return _fit_twin(client, path, dask_class, estimator, dx, dy)[0]
    finally:
        client.close()


# Training where the workers read the data (`train --workers-read`): each partition is read by a
# worker straight from the source (a Parquet row group), so the rows never pass through this
# process. Functions the workers run travel by value (the workers cannot import this module).


def _label_text(value):
    """A target cell as pgml-cli's own readers spell it (labels are compared and printed so)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def _read_partition(part, source, job):
    """One partition as a DataFrame: the features as float64 (nulls NaN, booleans 1/0), `y` (the
    target, or the class index), `test` (a held-out row) and `labelled` (false where the target is
    missing: such rows are left out). Raises BadData naming the source, column and row."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    name = source["name"]
    features, target = job["features"], job["target"]
    if source["kind"] == "postgres":
        table, ids, row = _read_postgres(part, source, job)
    else:
        table, ids, row = _read_parquet(part, source, job)
    rows = table.num_rows
    out = {}
    for column in features:
        values = table.column(column)
        if not (_numeric(values.type) or pa.types.is_boolean(values.type) or pa.types.is_null(values.type)):
            raise BadData(f"{name}: column {column!r} is {values.type}; --workers-read takes number and boolean features")
        x = _floats(values)
        _check_magnitude(x, job, lambda i: f"{name}: column {column!r} {row(i)}")
        out[column] = x
    cells = table.column(target)
    if job["classes"] is None:
        if not (_numeric(cells.type) or pa.types.is_null(cells.type)):
            raise BadData(
                f"{name}: target column {target!r} is {cells.type}, not numbers (text: did you mean --task classification?)"
            )
        y = _floats(cells)
        missing = np.isnan(y)
        _check_magnitude(y, job, lambda i: f"{name}: {row(i)}, target column {target!r}")
    else:
        # Per distinct cell its class index; -1 missing (the row is left out), -2 not a class.
        distinct = pc.unique(cells)
        index = np.array(
            [-1 if c is None or c != c else job["classes"].get(_label_text(c), -2) for c in distinct.to_pylist()]
            + [-1]
        )
        y = index[pc.index_in(cells, value_set=distinct).fill_null(len(distinct)).to_numpy(zero_copy_only=False)]
        missing = y == -1
        unknown = np.flatnonzero(y == -2)
        if len(unknown):
            raise BadData(
                f"{name}: {row(unknown[0])}, target column {target!r}: a value the first pass did not see"
                " (did the data change?)"
            )
        y = y.astype(np.float64)
    sampling, test_rows = job["sampling"], job["test_rows"]
    if sampling == "first":
        test = ids < test_rows
    elif sampling == "last":
        test = ids >= source["rows"] - test_rows
    else:
        test = _uniform(job["seed"], ids) < test_rows / source["rows"]
    frame = pd.DataFrame(out, index=pd.RangeIndex(rows))
    frame["y"] = np.where(missing, np.nan, y)
    frame["test"] = test
    frame["labelled"] = ~missing
    return frame


def _read_parquet(part, source, job):
    """A row group of the wanted columns, each row's position in the file, and how a message
    names a row."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(source["path"]).read_row_groups(part["groups"], columns=job["features"] + [job["target"]])
    except (OSError, pa.ArrowException) as e:
        raise BadData(f"{source['name']}: cannot read row groups {part['groups'][0]} to {part['groups'][-1]}: {e}") from None
    first = part["offset"]
    return table, np.arange(first, first + table.num_rows, dtype=np.uint64), lambda i: f"row {first + i + 1}"


def _read_postgres(part, source, job):
    """A range of the key column: the features as float8, the target as float8 or text (the SQL
    casts them), each row's key, and how a message names a row."""
    import numpy as np
    import psycopg
    import pyarrow as pa

    try:
        with psycopg.connect(source["conninfo"], connect_timeout=10, autocommit=True) as connection:
            connection.read_only = True
            rows = connection.execute(part["sql"]).fetchall()
    except psycopg.Error as e:
        why = " ".join(str(e).split())
        raise BadData(f"{source['name']}: keys {part['low']} to {part['high']}: {why}") from None
    columns = list(zip(*rows)) if rows else [()] * (len(job["features"]) + 2)
    target_type = pa.float64() if job["classes"] is None else pa.string()
    arrays = [pa.array(c, type=pa.float64()) for c in columns[:-2]]
    arrays += [pa.array(columns[-2], type=target_type)]
    table = pa.table(arrays, names=job["features"] + [job["target"]])
    keys = np.asarray(columns[-1], dtype=np.int64)
    key = source["key"]
    return table, keys.astype(np.uint64), lambda i: f"row with {key} = {keys[i]}"


def _check_magnitude(values, job, where):
    """BadData for the first value a fit cannot use (as pgml-cli's own readers say it)."""
    import numpy as np

    bad = np.flatnonzero(np.abs(np.nan_to_num(values, nan=0.0, posinf=np.inf, neginf=np.inf)) > job["max_magnitude"])
    if len(bad):
        value = values[bad[0]]
        why = "is not a finite number" if np.isinf(value) else f"is too large (pgml-cli accepts magnitudes up to {job['max_magnitude']:g})"
        raise BadData(f"{where(bad[0])}: '{value}' {why}")


def _numeric(arrow_type):
    import pyarrow as pa

    return pa.types.is_integer(arrow_type) or pa.types.is_floating(arrow_type) or pa.types.is_decimal(arrow_type)


def _floats(values):
    """An Arrow column as float64, nulls NaN (booleans 1 and 0)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    # As pgml-cli's own readers: an integer beyond 2^53 becomes the nearest float64.
    return np.ascontiguousarray(pc.cast(values, pa.float64(), safe=False).to_numpy(zero_copy_only=False), dtype=np.float64)


def _uniform(seed, position):
    """A number in [0, 1) per row from the seed and the row's position (splitmix64): the same rows
    are held out however the file is partitioned and whoever reads it."""
    import numpy as np

    with np.errstate(over="ignore"):
        z = position + np.uint64(seed % 2**64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(2**53)


def _target_texts(source, part, target):
    """The distinct target cells of one partition, spelled as labels."""
    import pyarrow.parquet as pq

    cells = pq.ParquetFile(source["path"]).read_row_groups(part["groups"], columns=[target]).column(0)
    return {_label_text(c) for c in cells.unique().to_pylist() if c is not None and c == c}


class _Shipped:
    """A function of this module that a worker runs: pickled by value, with what it uses from
    here, since the workers cannot import this module (it lives inside the pgml-cli binary)."""

    def __init__(self, function):
        self.function = function

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)

    def __reduce__(self):
        import cloudpickle

        module = sys.modules[__name__]
        cloudpickle.register_pickle_by_value(module)
        try:
            return cloudpickle.loads, (cloudpickle.dumps(self.function),)
        finally:
            cloudpickle.unregister_pickle_by_value(module)


def cluster_labels(address, path, source, target, limit):
    """The distinct target cells of every partition, read by the workers (at most `limit`)."""
    client, _ = _on_cluster(address, path)
    try:
        parts = source["parts"]
        futures = client.map(_Shipped(_target_texts), [source] * len(parts), parts, [target] * len(parts), pure=False)
        labels = set()
        for future in futures:
            labels |= future.result()
            if len(labels) > limit:
                raise BadData(f"{source['name']}: target column {target!r} has more than {limit} distinct values")
        return sorted(labels)
    finally:
        client.close()


def fit_on_workers(path, params, seed, task, address, source, job):
    """Fits on the cluster at `address` with the rows its workers read from `source` (kind, name,
    rows, parts; a Parquet path or a PostgreSQL connection), as `job` says (features, target,
    classes: label -> class index or None, sampling, test_rows, seed, max_magnitude), and
    predicts the held-out rows there. Returns the Fitted model and a dict: rows_read, left_out
    (no target), train_rows, y_test, predicted (class indices or values) and proba (or None) for
    the held-out rows, and the data's fingerprint."""
    import hashlib

    import dask.dataframe as dd
    import numpy as np
    import pandas as pd

    estimator = build(path, params, seed, False)
    client, dask_class = _on_cluster(address, path)
    try:
        meta = pd.DataFrame({c: pd.Series(dtype="float64") for c in job["features"]})
        meta["y"] = pd.Series(dtype="float64")
        meta["test"] = pd.Series(dtype="bool")
        meta["labelled"] = pd.Series(dtype="bool")
        # Each partition placed on a worker by its position: which rows a worker holds, and so
        # the model, does not depend on which worker was free first (another worker takes over
        # if that one is lost).
        workers = sorted(_workers(client))
        reads = [
            client.submit(
                _Shipped(_read_partition),
                part,
                source,
                job,
                workers=[workers[i % len(workers)]],
                allow_other_workers=True,
                pure=False,
            )
            for i, part in enumerate(source["parts"])
        ]
        frame = client.persist(dd.from_delayed(reads, meta=meta, verify_meta=False))
        counts = np.asarray(client.compute(frame.map_partitions(_Shipped(_counts), meta=("n", "int64")), sync=True))
        counts = counts.reshape(-1, 3)
        rows_read, labelled, test_rows = (int(n) for n in counts.sum(axis=0))
        if labelled == 0:
            raise BadData(f"{source['name']}: has no rows with a target value ({rows_read} rows, every target missing)")
        if labelled == test_rows:
            raise BadData(f"{source['name']}: no rows are left to train on after holding out the test rows")
        digests = client.compute(frame.map_partitions(_Shipped(_digest), meta=("d", "object")), sync=True)
        # Only partitions that hold rows of each kind: lightgbm fails on an empty one.
        train_parts = [i for i, (_, n, t) in enumerate(counts) if n - t > 0]
        test_parts = [i for i, (_, _, t) in enumerate(counts) if t > 0]
        train = frame.partitions[train_parts]
        train = train[train["labelled"] & ~train["test"]]
        features = job["features"]
        if task == "classification":
            # Renumbered over the classes the train rows hold, as an in-process fit does.
            present = np.unique(client.compute(train["y"].unique(), sync=True)).astype(np.int64)
            lookup = {float(c): i for i, c in enumerate(present)}
            y_train = train["y"].map(lookup, meta=("y", "int64"))
        else:
            present = None
            y_train = train["y"]
        with _quiet_stdout():
            local, twin = _fit_twin(client, path, dask_class, estimator, train[features], y_train)
            result = {
                "rows_read": rows_read,
                "left_out": rows_read - labelled,
                "train_rows": labelled - test_rows,
                "y_test": np.zeros(0),
                "predicted": None,
                "proba": None,
                "fingerprint": "sha256:" + hashlib.sha256("".join(digests).encode()).hexdigest(),
            }
            if test_parts:
                held_out = frame.partitions[test_parts]
                held_out = held_out[held_out["labelled"] & held_out["test"]]
                result["y_test"] = np.ascontiguousarray(client.compute(held_out["y"], sync=True), dtype=np.float64)
                with client.as_current():
                    predicted = np.asarray(twin.predict(held_out[features]).compute()).reshape(-1)
                    if task == "classification":
                        predicted = present[predicted.astype(np.int64)]
                        proba = np.asarray(twin.predict_proba(held_out[features]).compute(), dtype=np.float64)
                        full = np.zeros((len(proba), len(set(job["classes"].values()))))
                        full[:, present] = proba
                        result["proba"] = full
                    result["predicted"] = np.ascontiguousarray(predicted, dtype=np.float64)
    finally:
        client.close()
    return Fitted(path, task, _Live(local), present, 1), result


def _counts(frame):
    """Rows, labelled rows and held-out labelled rows of one partition."""
    import pandas as pd

    labelled = frame["labelled"]
    return pd.Series([len(frame), int(labelled.sum()), int((labelled & frame["test"]).sum())])


def _digest(frame):
    """SHA-256 of one partition's features and targets as float64, for the data's fingerprint."""
    import hashlib

    import numpy as np
    import pandas as pd

    labelled = frame[frame["labelled"]]
    values = np.ascontiguousarray(labelled.drop(columns=["test", "labelled"]).to_numpy(dtype=np.float64))
    return pd.Series([hashlib.sha256(values.tobytes()).hexdigest()])


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
    def __init__(self, path, task, model, classes, n_targets):
        self.path = path
        self.task = task
        self.model = model
        self.classes = classes
        self.n_targets = n_targets

    def predict(self, x):
        """Regression: (n, targets) floats; classification: class indices; clustering: ints;
        decomposition: (n, components) floats."""
        import numpy as np

        with _quiet_stdout():
            if self.task == "decomposition":
                return np.ascontiguousarray(self.model.transform(x), dtype=np.float64)
            out = self.model.predict(x)
        if self.task == "regression":
            out = np.asarray(out, dtype=np.float64).reshape(len(x), -1)
            if out.shape[1] != self.n_targets:
                raise UnsafeModel(f"the model predicts {out.shape[1]} targets; its header names {self.n_targets}")
            return np.ascontiguousarray(out)
        if self.task == "classification":
            out = np.asarray(out).reshape(-1).astype(np.int64)
            if len(out) and (out.min() < 0 or out.max() >= len(self.classes)):
                raise UnsafeModel(f"the model predicts classes outside its {len(self.classes)}")
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
        p = np.asarray(p, dtype=np.float64)
        if p.shape != (len(x), len(self.classes)):
            raise UnsafeModel(f"the model gives {p.shape[-1]} probability columns for {len(self.classes)} classes")
        return np.ascontiguousarray(p), np.asarray(self.classes, dtype=np.int64)

    def resolved(self):
        estimator = getattr(self.model, "estimator", None)
        return resolved(estimator) if estimator is not None else {}


@contextlib.contextmanager
def _quiet_stdout():
    """Libraries that print progress to Python's stdout would corrupt pgml-cli's data output."""
    with contextlib.redirect_stdout(sys.stderr):
        yield


# --- persistence -------------------------------------------------------------------------------

# What a skops payload may expand to, 64 bytes per byte plus 1 MiB: more is refused as a zip bomb.
def _skops_expands_too_far(blob, expanded):
    return expanded > 64 * len(blob) + (1 << 20)


# Every (skops loader, type) that models written by this runtime contain, printed by
# python/skops_types.py over every scikit-learn class of the algorithm table and reviewed by hand:
# classes only (estimators and the trees, losses, links, kernels, neighbor indexes and numpy types
# their fitted state holds), and no function, method, partial or generic reduce node. A skops
# payload naming anything else is refused before skops builds anything.
SKOPS_TYPES = {
    "DictNode": {
        "builtins.dict",
    },
    "JsonNode": {
        "builtins.str",
    },
    "ListNode": {
        "builtins.list",
    },
    "LossNode": {
        "sklearn._loss._loss.CyAbsoluteError",
        "sklearn._loss._loss.CyExponentialLoss",
        "sklearn._loss._loss.CyHalfBinomialLoss",
        "sklearn._loss._loss.CyHalfGammaLoss",
        "sklearn._loss._loss.CyHalfMultinomialLoss",
        "sklearn._loss._loss.CyHalfPoissonLoss",
        "sklearn._loss._loss.CyHalfSquaredError",
        "sklearn._loss._loss.CyHuberLoss",
        "sklearn._loss._loss.CyPinballLoss",
        "sklearn.linear_model._sgd_fast.EpsilonInsensitive",
        "sklearn.linear_model._sgd_fast.Hinge",
        "sklearn.linear_model._sgd_fast.ModifiedHuber",
        "sklearn.linear_model._sgd_fast.SquaredEpsilonInsensitive",
        "sklearn.linear_model._sgd_fast.SquaredHinge",
    },
    "NdArrayNode": {
        "numpy.float64",
        "numpy.int64",
        "numpy.ndarray",
        "numpy.uint64",
    },
    "ObjectNode": {
        "sklearn._loss.link.HalfLogitLink",
        "sklearn._loss.link.IdentityLink",
        "sklearn._loss.link.Interval",
        "sklearn._loss.link.LogLink",
        "sklearn._loss.link.LogitLink",
        "sklearn._loss.link.MultinomialLogit",
        "sklearn._loss.loss.AbsoluteError",
        "sklearn._loss.loss.ExponentialLoss",
        "sklearn._loss.loss.HalfBinomialLoss",
        "sklearn._loss.loss.HalfGammaLoss",
        "sklearn._loss.loss.HalfMultinomialLoss",
        "sklearn._loss.loss.HalfPoissonLoss",
        "sklearn._loss.loss.HalfSquaredError",
        "sklearn._loss.loss.HuberLoss",
        "sklearn._loss.loss.PinballLoss",
        "sklearn.cluster._affinity_propagation.AffinityPropagation",
        "sklearn.cluster._kmeans.KMeans",
        "sklearn.cluster._kmeans.MiniBatchKMeans",
        "sklearn.cluster._mean_shift.MeanShift",
        "sklearn.decomposition._pca.PCA",
        "sklearn.dummy.DummyClassifier",
        "sklearn.dummy.DummyRegressor",
        "sklearn.ensemble._bagging.BaggingClassifier",
        "sklearn.ensemble._bagging.BaggingRegressor",
        "sklearn.ensemble._forest.ExtraTreesClassifier",
        "sklearn.ensemble._forest.ExtraTreesRegressor",
        "sklearn.ensemble._forest.RandomForestClassifier",
        "sklearn.ensemble._forest.RandomForestRegressor",
        "sklearn.ensemble._gb.GradientBoostingClassifier",
        "sklearn.ensemble._gb.GradientBoostingRegressor",
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
        "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingRegressor",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.ensemble._weight_boosting.AdaBoostClassifier",
        "sklearn.ensemble._weight_boosting.AdaBoostRegressor",
        "sklearn.gaussian_process._gpc.GaussianProcessClassifier",
        "sklearn.gaussian_process._gpc._BinaryGaussianProcessClassifierLaplace",
        "sklearn.gaussian_process._gpr.GaussianProcessRegressor",
        "sklearn.gaussian_process.kernels.ConstantKernel",
        "sklearn.gaussian_process.kernels.Product",
        "sklearn.gaussian_process.kernels.RBF",
        "sklearn.kernel_ridge.KernelRidge",
        "sklearn.linear_model._base.LinearRegression",
        "sklearn.linear_model._bayes.ARDRegression",
        "sklearn.linear_model._bayes.BayesianRidge",
        "sklearn.linear_model._coordinate_descent.ElasticNet",
        "sklearn.linear_model._coordinate_descent.Lasso",
        "sklearn.linear_model._huber.HuberRegressor",
        "sklearn.linear_model._least_angle.Lars",
        "sklearn.linear_model._least_angle.LassoLars",
        "sklearn.linear_model._logistic.LogisticRegression",
        "sklearn.linear_model._omp.OrthogonalMatchingPursuit",
        "sklearn.linear_model._passive_aggressive.PassiveAggressiveClassifier",
        "sklearn.linear_model._passive_aggressive.PassiveAggressiveRegressor",
        "sklearn.linear_model._perceptron.Perceptron",
        "sklearn.linear_model._quantile.QuantileRegressor",
        "sklearn.linear_model._ransac.RANSACRegressor",
        "sklearn.linear_model._ridge.Ridge",
        "sklearn.linear_model._ridge.RidgeClassifier",
        "sklearn.linear_model._stochastic_gradient.SGDClassifier",
        "sklearn.linear_model._stochastic_gradient.SGDRegressor",
        "sklearn.linear_model._theil_sen.TheilSenRegressor",
        "sklearn.metrics._dist_metrics.EuclideanDistance64",
        "sklearn.multiclass.OneVsRestClassifier",
        "sklearn.multioutput.MultiOutputRegressor",
        "sklearn.naive_bayes.GaussianNB",
        "sklearn.neighbors._ball_tree.BallTree",
        "sklearn.neighbors._classification.KNeighborsClassifier",
        "sklearn.neighbors._kd_tree.KDTree",
        "sklearn.neighbors._regression.KNeighborsRegressor",
        "sklearn.preprocessing._label.LabelBinarizer",
        "sklearn.preprocessing._label.LabelEncoder",
        "sklearn.svm._classes.LinearSVC",
        "sklearn.svm._classes.LinearSVR",
        "sklearn.svm._classes.NuSVC",
        "sklearn.svm._classes.NuSVR",
        "sklearn.svm._classes.SVC",
        "sklearn.svm._classes.SVR",
        "sklearn.tree._classes.DecisionTreeClassifier",
        "sklearn.tree._classes.DecisionTreeRegressor",
        "sklearn.tree._classes.ExtraTreeClassifier",
        "sklearn.tree._classes.ExtraTreeRegressor",
    },
    "RandomGeneratorNode": {
        "numpy.random._generator.Generator",
    },
    "RandomStateNode": {
        "numpy.random.mtrand.RandomState",
    },
    "TreeNode": {
        "sklearn.tree._tree.Tree",
    },
    "TupleNode": {
        "builtins.tuple",
    },
    "TypeNode": {
        "builtins.str",
    },
}


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
    import zipfile

    import skops.io

    # Deflated: a forest's node arrays shrink about 9x (2.06 MB -> 233 KB, 100 trees on
    # breast_cancer), and every predict reads and hashes the whole model file.
    blob = skops.io.dumps(estimator, compression=zipfile.ZIP_DEFLATED)
    return "skops", _within_expansion_bound(blob)


def _within_expansion_bound(blob):
    """`blob`, or where it deflated further than the loader's zip-bomb bound accepts (mostly-zero
    arrays: a 1,500-class tree's class counts deflate about 240x), `blob` with a stored member of
    zeros just large enough to meet the bound. Stored whole, that tree's zip took 53 MB; padded it
    takes 828 KB. skops reads only the members its schema names."""
    import zipfile

    expanded = _skops_expanded(blob)
    if not _skops_expands_too_far(blob, expanded):
        return blob
    # A stored member of p bytes adds p to both sides: 64 (len + p) + 1 MiB >= expanded + p.
    excess = expanded - 64 * len(blob) - (1 << 20)
    padded = io.BytesIO(blob)
    with zipfile.ZipFile(padded, "a", compression=zipfile.ZIP_STORED) as z:
        z.writestr("pgml-cli-padding", bytes(-(-excess // 63)))
    padded = padded.getvalue()
    assert not _skops_expands_too_far(padded, _skops_expanded(padded))
    return padded


def _skops_expanded(blob):
    """The bytes skops takes out of a skops zip, as the loader bounds them: each member once, and
    a member named by more than two nodes once more for each further node (skops reads it anew
    for every node naming it)."""
    import json
    import zipfile

    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        total = sum(i.file_size for i in z.infolist())
        sizes = {i.filename: i.file_size for i in z.infolist()}
        schema = json.loads(_skops_schema_text(z, len(blob)))
    return total + _skops_rereads(sizes, schema)


def _skops_rereads(sizes, schema):
    """The bytes of members read again by a third or later node naming them. A second is free:
    a kNN's points and its tree's data share one member, and files written before this count
    (deflated up to the bound) must still load."""
    import collections

    named = collections.Counter(_skops_files(schema))
    return sum(sizes.get(f, 0) * max(0, n - 2) for f, n in named.items())


def load(path, task, format, blobs, classes, n_features, n_targets, single_target, from_file):
    """A model from its payload, after checking it is the model the header describes: the
    expected top-level class (or booster), feature and class counts. Anything that does not
    read as such is UnsafeModel, never a crash or code from the file."""
    import numpy as np

    base = format.removesuffix("/per-target")
    expected = _expected_class(path, task, n_targets, single_target)
    n_classes = len(classes or [])
    per_blob = 1 if format.endswith("/per-target") else n_targets
    try:
        loaded = [
            _load_one(base, blob, path, task, expected, n_features, n_classes, per_blob, from_file) for blob in blobs
        ]
    except (MissingPackage, UnsafeModel, KeyboardInterrupt):
        raise
    except ImportError as e:
        raise MissingPackage(f"loading a {base} model needs a package that cannot be imported: {e}") from None
    except Exception as e:  # the libraries' own refusals of bytes they cannot read
        raise UnsafeModel(f"the {base} payload cannot be read: {type(e).__name__}: {e}") from None
    model = loaded[0] if len(loaded) == 1 and not format.endswith("/per-target") else _PerTarget(loaded)
    classes = None if classes is None else np.asarray(classes, dtype=np.int64)
    return Fitted(path, task, model, classes, n_targets)


def _expected_class(path, task, n_targets, single_target):
    """The class a skops payload must hold at its top: the table's, Birch's stand-in, or
    MultiOutputRegressor around the table's."""
    if _family(path) != "sklearn":
        return None
    if path == "sklearn.cluster.Birch":
        return "sklearn.neighbors.KNeighborsClassifier"
    if task == "regression" and single_target and n_targets > 1:
        return "sklearn.multioutput.MultiOutputRegressor"
    return path


def _load_one(format, blob, path, task, expected, n_features, n_classes, n_targets, from_file):
    if format == "skops":
        estimator = _load_skops(blob, expected, n_features, n_classes)
        if expected != path and task == "regression":
            inner = _import(path)
            parts = [estimator.estimator, *estimator.estimators_]
            if len(estimator.estimators_) != n_targets or any(type(e) is not inner for e in parts):
                raise UnsafeModel(f"the MultiOutputRegressor does not hold {n_targets} {path}")
        return _Live(estimator)
    if format == "xgboost-ubj":
        import xgboost

        _check_xgboost(blob, n_features, n_classes, n_targets)
        booster = xgboost.Booster()
        booster.load_model(bytearray(blob))
        return _Booster(booster, "xgboost", task)
    if format == "lightgbm-text":
        import lightgbm

        text = _check_lightgbm(blob, n_features, n_classes)
        return _Booster(lightgbm.Booster(model_str=text), "lightgbm", task)
    if format == "catboost-cbm":
        import catboost

        # "CBM1", the core's length, the core (a flatbuffer). Models of numeric features have
        # nothing after it.
        core = int.from_bytes(blob[4:8], "little") if len(blob) >= 8 else -1
        if bytes(blob[:4]) != b"CBM1" or 8 + core != len(blob):
            raise UnsafeModel(f"the catboost payload is not one whole CBM1 model ({len(blob)} bytes)")
        model = catboost.CatBoost()
        if from_file:
            _survives_in_child("catboost", lambda: catboost.CatBoost().load_model(blob=bytes(blob)))
        model.load_model(blob=bytes(blob))
        _check_counts("catboost", len(model.feature_names_), n_features)
        if n_classes and len(model.classes_) != n_classes:
            raise UnsafeModel(f"the catboost model has {len(model.classes_)} classes; its payload lists {n_classes}")
        return _Booster(model, "catboost", task)
    raise UnsafeModel(f"unknown Python model format '{format}'")


def _survives_in_child(library, load, seconds=60):
    """Runs `load` in a forked child first. CatBoost's loader crashes on some edited bytes and
    its flatbuffer core has no parser in Python, so a file's model is first loaded where a crash
    (or a hang) cannot take pgml-cli down; it costs a fork and a second load, a few milliseconds."""
    import time

    pid = os.fork()
    if pid == 0:
        try:
            load()
            os._exit(0)
        except BaseException:
            os._exit(1)
    deadline = time.monotonic() + seconds
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            raise UnsafeModel(f"{library} did not finish loading the model in {seconds} s")
        time.sleep(0.005)
    if os.WIFSIGNALED(status):
        raise UnsafeModel(f"the {library} payload is damaged: loading it killed a test process (signal {os.WTERMSIG(status)})")


def _type_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def _load_skops(blob, expected, n_features, n_classes):
    """skops, restricted to SKOPS_TYPES: the schema is audited here, before skops builds
    anything, so no type outside the list (function, method, reduce node...) is ever touched."""
    import json
    import zipfile

    import skops.io

    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        expanded = sum(i.file_size for i in z.infolist())
        if _skops_expands_too_far(blob, expanded):
            raise UnsafeModel(f"the skops payload would expand to {expanded} bytes from {len(blob)}")
        sizes = {i.filename: i.file_size for i in z.infolist()}
        schema = json.loads(_skops_schema_text(z, len(blob)))
    # Counted again for every further node naming a member: one 4 MiB member named by 2,000
    # nodes of a 56 KB file took 8.4 GB.
    expanded += _skops_rereads(sizes, schema)
    if _skops_expands_too_far(blob, expanded):
        raise UnsafeModel(f"the skops payload's nodes read {expanded} bytes from {len(blob)}")
    present = set(_skops_nodes(schema))
    refused = sorted({f"{t} ({loader})" for loader, t in present if t not in SKOPS_TYPES.get(loader, ())})
    if refused:
        raise UnsafeModel(f"the skops payload names types pgml-cli does not load, refused: {', '.join(refused)}")
    top = f"{schema['__module__']}.{schema['__class__']}"
    cls = _import(expected)
    if top != _type_name(cls):
        raise UnsafeModel(f"the skops payload holds a {top}, not the {expected} its header names")
    estimator = skops.io.loads(blob, trusted=sorted({t for _, t in present}))
    if type(estimator) is not cls:
        raise UnsafeModel(f"the skops payload built a {_type_name(type(estimator))}, not a {expected}")
    _check_estimator(estimator, n_features, n_classes)
    return estimator


def _skops_schema_text(z, blob_size):
    """schema.json's bytes, refused before parsing where parsing could cost far more memory than
    the file's size: more than 32x the payload plus 1 MiB (scikit-learn's own models reach 14x,
    300 extra-trees stumps) or more than one object or array per 32 bytes (theirs hold one per
    240-320; `[{},{},...]` made a 281 KB file take 697 MB)."""
    size = z.getinfo("schema.json").file_size
    if size > 32 * blob_size + (1 << 20):
        raise UnsafeModel(f"the skops schema takes {size} bytes of a {blob_size}-byte payload")
    text = z.read("schema.json")
    containers = text.count(b"{") + text.count(b"[")
    if containers > len(text) // 32 + 10_000:
        raise UnsafeModel(f"the skops schema holds {containers} objects and arrays in {len(text)} bytes")
    return text


def _skops_files(state):
    """Every zip member a skops schema's nodes name, once per naming node."""
    stack = [state]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "__loader__" in item and isinstance(item.get("file"), str):
                yield item["file"]
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _skops_nodes(state):
    """Every (loader, type) of a skops schema, however deep."""
    stack = [state]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "__loader__" in item:
                yield item["__loader__"], f"{item.get('__module__')}.{item.get('__class__')}"
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _check_counts(what, found, expected):
    if found != expected:
        raise UnsafeModel(f"the {what} model takes {found} features, but its header names {expected}")


def _check_estimator(estimator, n_features, n_classes):
    """The loaded estimator agrees with the header, and the index arrays that scikit-learn's
    compiled code follows without bounds checks (trees, neighbor indexes) stay in range."""
    import numpy as np

    _check_counts(type(estimator).__name__, getattr(estimator, "n_features_in_", n_features), n_features)
    classes = getattr(estimator, "classes_", None)
    if n_classes and classes is not None and len(classes) != n_classes:
        raise UnsafeModel(f"the model has {len(classes)} classes, but its payload lists {n_classes}")
    seen = set()
    stack = [estimator]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, np.ndarray):
            if item.dtype == object:
                stack.extend(item.ravel())
        elif type(item).__module__.startswith("sklearn."):
            _check_parts(item, n_features)
            stack.extend(getattr(item, "__dict__", {}).values())


def _check_parts(item, n_features):
    import numpy as np

    name = type(item).__name__
    features = getattr(item, "n_features_in_", None)
    if features is not None and not (isinstance(features, (int, np.integer)) and 0 < features <= n_features):
        raise UnsafeModel(f"a {name} in the model takes {features} features; the model has {n_features}")
    tree = getattr(item, "tree_", None)
    if tree is not None:
        _check_tree(tree, n_features if features is None else features)
    # An unfitted one (MultiOutputRegressor's template) has no stages, and predicts nothing.
    if name in ("GradientBoostingClassifier", "GradientBoostingRegressor") and hasattr(item, "estimators_"):
        classes = getattr(item, "classes_", None)
        per_stage = 1 if classes is None or len(classes) == 2 else len(classes)
        if np.shape(item.estimators_)[1:] != (per_stage,):
            raise UnsafeModel(f"the {name} has {np.shape(item.estimators_)} trees for {per_stage} per stage")
        # The compiled stage loop writes `per_stage` columns into the starting prediction, which
        # comes from `init_`: it must be as wide (a 1-wide prior overflowed the heap).
        init = item.init_
        width = 1 if classes is None else len(classes)
        init_ok = (
            init == "zero"
            if isinstance(init, str)
            else type(init).__name__ in ("DummyClassifier", "DummyRegressor")
            and (classes is None or np.shape(getattr(init, "class_prior_", ())) == (width,))
            and (classes is None or np.shape(getattr(init, "classes_", ())) == (width,))
        )
        if not init_ok or getattr(item, "n_trees_per_iteration_", per_stage) != per_stage:
            raise UnsafeModel(f"the {name}'s initial estimator does not fit its {width} outputs")
    estimators = getattr(item, "estimators_", None)
    if isinstance(estimators, (list, np.ndarray)):
        estimators = list(np.ravel(np.asarray(estimators, dtype=object)))
    if estimators is not None and len({id(e) for e in estimators}) != len(estimators):
        # A fitted ensemble never holds one estimator twice; a file that does can make predict
        # repeat one tree any number of times for the price of a reference.
        raise UnsafeModel(f"the {name} lists one estimator more than once")
    if hasattr(item, "_n_threads"):
        # Thread counts come from this machine, not from the file (-1 made OpenMP allocate TBs).
        import os

        item._n_threads = os.cpu_count() or 1
    if hasattr(item, "support_vectors_") and hasattr(item, "_n_support"):
        _check_libsvm(item, n_features if features is None else features)
    centers = getattr(item, "cluster_centers_", None)
    if centers is not None and (np.ndim(centers) != 2 or np.shape(centers)[1] != (features or n_features)):
        raise UnsafeModel(f"the {name}'s cluster centers have shape {np.shape(centers)}; the model has {n_features} features")
    for stage in getattr(item, "_predictors", None) or ():
        for predictor in stage:
            _check_predictor(predictor, n_features)
    if getattr(item, "_tree", None) is not None and hasattr(item, "_fit_X"):
        # Neighbor indexes are rebuilt from the stored points rather than trusted (same result).
        fit_x = np.asarray(item._fit_X, dtype=np.float64)
        if fit_x.ndim != 2 or fit_x.shape[1] != n_features:
            raise UnsafeModel(f"the {name}'s points have shape {fit_x.shape}; the model has {n_features} features")
        item._tree = type(item._tree)(
            fit_x, leaf_size=item.leaf_size, metric=item.effective_metric_, **item.effective_metric_params_
        )


def _check_libsvm(svm, n_features):
    """libsvm's predict indexes its arrays by the support vector counts it is given."""
    import numpy as np

    vectors = np.asarray(svm.support_vectors_)
    n = vectors.shape[0] if vectors.ndim == 2 else -1
    classes = getattr(svm, "classes_", None)
    k = 2 if classes is None else len(classes)
    pairs = k * (k - 1) // 2
    counts = np.asarray(svm._n_support)
    support = np.asarray(svm.support_)
    ok = (
        svm.kernel != "precomputed"  # indexes the query by support_: reads outside it
        and support.dtype.kind in "iu"
        and vectors.ndim == 2
        and vectors.shape[1] == n_features
        and np.shape(svm.support_) == (n,)
        and np.shape(svm._dual_coef_) == (k - 1, n)
        and np.shape(svm._intercept_) == (pairs,)
        and np.shape(svm._probA) in ((0,), (pairs,))
        and np.shape(svm._probB) == np.shape(svm._probA)
        and counts.shape == (k,)
        and (counts >= 0).all()
        and (classes is None or counts.sum() == n)
        and (counts <= n).all()
    )
    if not ok:
        raise UnsafeModel(f"the {type(svm).__name__}'s support vector arrays disagree with each other")


def _check_tree(tree, n_features):
    import numpy as np

    nodes = tree.__getstate__()["nodes"]
    if tree.n_features != n_features or tree.node_count != len(nodes) or len(nodes) == 0:
        raise UnsafeModel(
            f"a tree of the model has {len(nodes)} nodes over {tree.n_features} features; expected {n_features} features"
        )
    left, right, feature = (nodes[k].astype(np.int64) for k in ("left_child", "right_child", "feature"))
    _check_nodes(left, right, feature, left == -1, n_features)


def _check_predictor(predictor, n_features):
    import numpy as np

    nodes = predictor.nodes
    if len(nodes) == 0 or nodes["is_categorical"].any():
        raise UnsafeModel("a histogram gradient boosting tree is empty or has categorical splits")
    left, right, feature = (nodes[k].astype(np.int64) for k in ("left", "right", "feature_idx"))
    _check_nodes(left, right, feature, nodes["is_leaf"].astype(bool), n_features)


def _check_nodes(left, right, feature, leaf, n_features):
    """Inner nodes point to later nodes inside the array (so no cycles) and split on a feature
    the input has."""
    import numpy as np

    inner = ~leaf
    index = np.arange(len(left))[inner]
    bad = (
        (left[inner] <= index)
        | (left[inner] >= len(left))
        | (right[inner] <= index)
        | (right[inner] >= len(left))
        | (feature[inner] < 0)
        | (feature[inner] >= n_features)
    )
    if bad.any():
        raise UnsafeModel(f"a tree of the model has out-of-range children or features at node {int(index[bad][0])}")


def _check_lightgbm(blob, n_features, n_classes):
    """LightGBM's model text, checked line by line before LightGBM parses it (its parser trusts
    the tree sizes and child indices it reads). Returned without `tree_sizes` (LightGBM then finds
    each tree by its `Tree=` line rather than jumping by byte counts) and without what follows the
    trees (importances and training parameters, which prediction does not use)."""
    try:
        text = bytes(blob).decode("utf-8")
    except UnicodeDecodeError as e:
        raise UnsafeModel(f"the lightgbm model text is not UTF-8: {e}") from None
    lines = text.split("\n")
    if lines[0] != "tree":
        raise UnsafeModel("the lightgbm payload does not start with a model text's 'tree' line")
    if "end of trees" not in lines or not text.rstrip("\n").split("\n")[-1].startswith("pandas_categorical:"):
        raise UnsafeModel("the lightgbm model text is truncated (no 'end of trees' or 'pandas_categorical' line)")
    end = lines.index("end of trees")
    sections, current = [{}], None
    for number, line in enumerate(lines[1:end], start=2):
        if not line:
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise UnsafeModel(f"the lightgbm model text has an unexpected line {number}")
        if key == "Tree":
            if value != str(len(sections) - 1):
                raise UnsafeModel(f"the lightgbm model text has tree {value!r} at line {number}, expected {len(sections) - 1}")
            current = {}
            sections.append(current)
        elif key in (sections[-1] if current is None else current):
            raise UnsafeModel(f"the lightgbm model text repeats '{key}' at line {number}")
        else:
            (sections[-1] if current is None else current)[key] = value
    header, trees = sections[0], sections[1:]
    try:
        classes = int(header["num_class"])
        per_iteration = int(header["num_tree_per_iteration"])
        features = int(header["max_feature_idx"]) + 1
    except (KeyError, ValueError) as e:
        raise UnsafeModel(f"the lightgbm model text has no readable {e}") from None
    _check_counts("lightgbm", features, n_features)
    expected = n_classes if n_classes > 2 else 1
    if classes != expected or per_iteration != classes or len(trees) % per_iteration:
        raise UnsafeModel(
            f"the lightgbm model has {classes} classes and {len(trees)} trees by {per_iteration}; expected {expected} classes"
        )
    _check_lightgbm_objective(header.get("objective", ""), n_classes, classes)
    for key in ("feature_names", "feature_infos"):
        if len(header.get(key, "").split(" ")) != n_features:
            raise UnsafeModel(f"the lightgbm model text's {key} does not list {n_features} features")
    for i, tree in enumerate(trees):
        try:
            _check_lightgbm_tree(tree, n_features)
        except (KeyError, ValueError, OverflowError) as e:
            raise UnsafeModel(f"tree {i} of the lightgbm model text is damaged: {type(e).__name__}: {e}") from None
    return "\n".join(line for line in lines[: end + 1] if not line.startswith("tree_sizes=")) + "\n"


# The objectives LightGBM writes into model text, by task: prediction sizes its output buffers by
# the objective's own `num_class`, so it must agree with the header (a larger one overflowed them).
LIGHTGBM_OBJECTIVES = {
    "classification": {"binary", "multiclass", "multiclassova"},
    "regression": {"regression", "regression_l1", "huber", "fair", "poisson", "quantile", "mape", "gamma", "tweedie", "cross_entropy", "cross_entropy_lambda"},
}


def _check_lightgbm_objective(objective, n_classes, classes):
    name, *options = objective.split(" ")
    task = "classification" if n_classes >= 2 else "regression"
    if name not in LIGHTGBM_OBJECTIVES[task]:
        raise UnsafeModel(f"the lightgbm model's objective {name!r} is not a {task} objective")
    if task == "classification" and (name == "binary") != (n_classes == 2):
        raise UnsafeModel(f"the lightgbm model's objective {name!r} does not fit {n_classes} classes")
    for option in options:
        key, _, value = option.partition(":")
        if key == "num_class" and value != str(classes):
            raise UnsafeModel(f"the lightgbm model's objective says {value!r} classes where the model has {classes}")
        if key not in ("num_class", "sigmoid", "sqrt"):
            raise UnsafeModel(f"the lightgbm model's objective has an unknown option {key!r}")


def _check_lightgbm_tree(tree, n_features):
    import numpy as np

    leaves, categorical = int(tree["num_leaves"]), int(tree["num_cat"])
    if leaves < 1 or categorical < 0 or tree.get("is_linear", "0") != "0":
        raise ValueError(f"{leaves} leaves, {categorical} categorical splits, linear {tree.get('is_linear')}")

    def array(key, length, kind=float):
        values = np.array([kind(v) for v in tree[key].split(" ")] if length else [], dtype=kind)
        if len(values) != length:
            raise ValueError(f"{key} has {len(values)} values, not {length}")
        return values

    if not np.isfinite(float(tree["shrinkage"])) or not np.isfinite(array("leaf_value", leaves)).all():
        raise ValueError("non-finite shrinkage or leaf values")
    if leaves == 1:
        return
    inner = leaves - 1
    for key in ("split_gain", "threshold", "internal_value", "internal_weight", "internal_count"):
        array(key, inner)
    array("leaf_weight", leaves)
    array("leaf_count", leaves)
    feature = array("split_feature", inner, int)
    decision = array("decision_type", inner, int)
    left, right = array("left_child", inner, int), array("right_child", inner, int)
    children = np.concatenate([left, right])
    index = np.tile(np.arange(inner), 2)
    nodes, leafs = children[children >= 0], ~children[children < 0]
    if (
        ((children >= 0) & (children <= index)).any()
        or (nodes >= inner).any()
        or (leafs >= leaves).any()
        or len(set(nodes.tolist())) != len(nodes)
        or len(set(leafs.tolist())) != leaves
        or (feature < 0).any()
        or (feature >= n_features).any()
        or (decision < 0).any()
        or (decision > 15).any()
    ):
        raise ValueError("children, features or decision types out of range")
    is_categorical = (decision & 1).astype(bool)
    if categorical or is_categorical.any():
        boundaries = array("cat_boundaries", categorical + 1, int)
        words = len(tree["cat_threshold"].split(" "))
        threshold = np.array([float(v) for v in tree["threshold"].split(" ")])
        if (
            boundaries[0] != 0
            or (np.diff(boundaries) < 0).any()
            or boundaries[-1] != words
            or (threshold[is_categorical] < 0).any()
            or (threshold[is_categorical] >= categorical).any()
        ):
            raise ValueError("categorical splits out of range")


class _Ubjson:
    """The UBJSON subset xgboost writes (objects, arrays, strongly typed arrays, numbers,
    strings), decoded in Python so that xgboost only ever sees a model whose structure was checked."""

    SCALARS = {b"i": ">i1", b"U": ">u1", b"I": ">i2", b"l": ">i4", b"L": ">i8", b"d": ">f4", b"D": ">f8"}

    def __init__(self, data):
        self.data, self.at = memoryview(bytes(data)), 0

    def take(self, n):
        if n < 0 or self.at + n > len(self.data):
            raise ValueError(f"truncated at byte {self.at}")
        chunk = self.data[self.at : self.at + n]
        self.at += n
        return chunk

    def count(self):
        marker = self.take(1).tobytes()
        n = self.value(marker, 0) if marker in b"iUIlL" else None
        # Each counted element or byte takes at least one byte of what is left (typed containers
        # of T, F and Z, whose elements take none, are refused), so decoding stays linear in the
        # blob: a count of the whole blob's length per 9-byte container was quadratic.
        if n is None or n < 0 or n > len(self.data) - self.at:
            raise ValueError(f"bad length {n!r} at byte {self.at}")
        return n

    def value(self, marker, depth):
        import numpy as np

        if depth > 32:
            raise ValueError("nested too deeply")
        if marker in self.SCALARS:
            dtype = np.dtype(self.SCALARS[marker])
            number = np.frombuffer(self.take(dtype.itemsize), dtype)[0]
            return int(number) if dtype.kind in "iu" else float(number)
        if marker == b"S":
            return self.take(self.count()).tobytes().decode("utf-8")
        if marker in (b"T", b"F", b"Z"):
            return {b"T": True, b"F": False, b"Z": None}[marker]
        if marker == b"[":
            return self.container(depth, False)
        if marker == b"{":
            return self.container(depth, True)
        raise ValueError(f"unexpected marker {marker!r} at byte {self.at - 1}")

    def container(self, depth, keyed):
        import numpy as np

        kind = None
        if self.data[self.at : self.at + 1] == b"$":
            self.take(1)
            kind = self.take(1).tobytes()
            if kind in (b"T", b"F", b"Z", b"N"):
                raise ValueError(f"a typed container of {kind.decode()} at byte {self.at - 1}")
            if self.take(1).tobytes() != b"#":
                raise ValueError("a typed container without a count")
        if kind is not None or self.data[self.at : self.at + 1] == b"#":
            if kind is None:
                self.take(1)
            n = self.count()
            if not keyed and kind in self.SCALARS:
                dtype = np.dtype(self.SCALARS[kind])
                return np.frombuffer(self.take(n * dtype.itemsize), dtype).astype(dtype.newbyteorder("="))
            items = []
            for _ in range(n):
                key = self.take(self.count()).tobytes().decode("utf-8") if keyed else None
                items.append((key, self.value(kind or self.take(1).tobytes(), depth + 1)))
        else:
            items = []
            close = b"}" if keyed else b"]"
            while True:
                if self.data[self.at : self.at + 1] == close:
                    self.take(1)
                    break
                key = self.take(self.count()).tobytes().decode("utf-8") if keyed else None
                items.append((key, self.value(self.take(1).tobytes(), depth + 1)))
        return dict(items) if keyed else [v for _, v in items]


XGBOOST_OBJECTIVES = {
    "reg:squarederror", "reg:squaredlogerror", "reg:pseudohubererror", "reg:absoluteerror",
    "reg:quantileerror", "reg:logistic", "reg:gamma", "reg:tweedie", "count:poisson",
    "binary:logistic", "binary:logitraw", "binary:hinge", "multi:softmax", "multi:softprob",
}


def _check_xgboost(blob, n_features, n_classes, n_targets):
    """An xgboost UBJSON model whose trees are consistent (xgboost's loader and predictor trust
    array lengths and child indices): refused with UnsafeModel otherwise."""
    import numpy as np

    try:
        parser = _Ubjson(blob)
        model = parser.value(parser.take(1).tobytes(), 0)
        if parser.at != len(parser.data):
            raise ValueError(f"{len(parser.data) - parser.at} bytes after the model")
        learner = model["learner"]
        param = learner["learner_model_param"]
        features, classes, targets = (int(param[k]) for k in ("num_feature", "num_class", "num_target"))
        # One base score, or one per output ("[5E-1,5E-1,5E-1]" in xgboost 3); anything else
        # made prediction fail inside xgboost.
        scores = [float(v) for v in str(param["base_score"]).strip("[]").split(",")]
        if len(scores) not in (1, max(classes, targets, 1)) or not np.isfinite(scores).all():
            raise ValueError(f"base_score has {len(scores)} values for {max(classes, targets, 1)} outputs")
        objective = learner["objective"]["name"]
        booster = learner["gradient_booster"]
        if booster["name"] == "dart":
            booster = booster["gbtree"]
        # gblinear is refused too: the loaded booster could not predict in place anyway.
        if booster["name"] != "gbtree":
            raise ValueError(f"booster {booster['name']!r} is not a tree booster")
        trees_model = booster["model"]
        trees = trees_model["trees"]
        info = np.asarray(trees_model["tree_info"])
        if int(trees_model["gbtree_model_param"]["num_trees"]) != len(trees) or len(info) != len(trees):
            raise ValueError("tree counts disagree")
        if len(info) and (info.min() < 0 or info.max() >= max(classes, targets, 1)):
            raise ValueError("tree groups out of range")
        for i, tree in enumerate(trees):
            _check_xgboost_tree(tree, features, i)
    except UnsafeModel:
        raise
    except (ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError, AttributeError) as e:
        raise UnsafeModel(f"the xgboost model is damaged: {type(e).__name__}: {e}") from None
    _check_counts("xgboost", features, n_features)
    if objective not in XGBOOST_OBJECTIVES:
        raise UnsafeModel(f"the xgboost model has an unknown objective {objective!r}")
    if targets != n_targets or classes != (n_classes if n_classes > 2 else 0):
        raise UnsafeModel(
            f"the xgboost model has {classes} classes and {targets} targets; the header has {n_classes} and {n_targets}"
        )


def _check_xgboost_tree(tree, features, i):
    import numpy as np

    param = tree["tree_param"]
    n = int(param["num_nodes"])
    if n < 1 or int(param["num_feature"]) != features or int(param["size_leaf_vector"]) > 1:
        raise ValueError(f"tree {i} has {n} nodes over {param['num_feature']} features")
    keys = ("left_children", "right_children", "parents", "split_indices", "split_conditions", "split_type",
            "default_left", "base_weights", "loss_changes", "sum_hessian")
    arrays = {k: np.asarray(tree[k]) for k in keys}
    if any(a.shape != (n,) or a.dtype.kind not in "iuf" for a in arrays.values()):
        raise ValueError(f"tree {i} has arrays of other lengths than its {n} nodes")
    if len(tree["categories_nodes"]) or arrays["split_type"].any():
        raise ValueError(f"tree {i} has categorical splits")
    left, right = arrays["left_children"].astype(np.int64), arrays["right_children"].astype(np.int64)
    parents, feature = arrays["parents"].astype(np.int64), arrays["split_indices"].astype(np.int64)
    leaf = left == -1
    index = np.arange(n)
    inner = ~leaf
    if (
        (leaf != (right == -1)).any()
        or (left[inner] <= index[inner]).any()
        or (right[inner] <= index[inner]).any()
        or (left[inner] >= n).any()
        or (right[inner] >= n).any()
        or (feature[inner] < 0).any()
        or (feature[inner] >= features).any()
        or (parents[left[inner]] != index[inner]).any()
        or (parents[right[inner]] != index[inner]).any()
    ):
        raise ValueError(f"tree {i} has out-of-range children, parents or features")


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


# --- native tree form ----------------------------------------------------------------------------


class NotConverted(Exception):
    """A tree model that uses something the native form does not express."""


def native_trees(fitted):
    """pgml-cli's native form of a fitted tree ensemble (docs/model-format.md, `Ensemble` in
    src/algorithms/native/ensemble.rs) as a dict of flat numpy arrays, a string saying why the
    model has none, or None for a model that is not a tree ensemble. Converted here, from each
    library's documented dump, because the fitted objects are at hand at train time; Rust then
    checks the result and keeps it only if it predicts as the library does."""
    from sklearn.multioutput import MultiOutputRegressor

    estimator = fitted.model.estimator
    try:
        if isinstance(estimator, MultiOutputRegressor):
            parts = [_trees_of(e) for e in estimator.estimators_]
            if any(p is None for p in parts):
                return None
            return _pack(_per_target(parts))
        found = _trees_of(estimator)
        return None if found is None else _pack(found)
    except NotConverted as e:
        return str(e)


def _trees_of(estimator):
    """The ensemble as a dict with per-tree arrays, or None for a model that is not a tree ensemble."""
    name = type(estimator).__name__
    family = _family(type(estimator).__module__)
    if family == "xgboost":
        return _xgboost_trees(estimator)
    if family == "lightgbm":
        return _lightgbm_trees(estimator)
    if family == "sklearn" and name in (
        "DecisionTreeRegressor",
        "DecisionTreeClassifier",
        "RandomForestRegressor",
        "RandomForestClassifier",
        "ExtraTreesRegressor",
        "ExtraTreesClassifier",
    ):
        return _sklearn_forest(estimator)
    if family == "sklearn" and name in ("GradientBoostingRegressor", "GradientBoostingClassifier"):
        return _sklearn_boosting(estimator)
    if family == "sklearn" and name in ("HistGradientBoostingRegressor", "HistGradientBoostingClassifier"):
        return _sklearn_hist_boosting(estimator)
    if family == "sklearn" and name in ("BaggingRegressor", "BaggingClassifier"):
        return _sklearn_bagging(estimator)
    if family == "catboost":
        return _catboost_trees(estimator)
    if family == "sklearn" and name == "AdaBoostClassifier":
        return _sklearn_adaboost(estimator)
    if name == "AdaBoostRegressor":
        raise NotConverted("AdaBoostRegressor's weighted median of its trees is not converted")
    if name.startswith("AdaBoost"):
        raise NotConverted(f"{name} models are not converted to the native form yet")
    return None


def _tree(output, left, right, feature, threshold, missing, default_left, value):
    """One tree as arrays over its nodes (children -1 at leaves; `value` rows used at leaves)."""
    import numpy as np

    n = len(left)
    return {
        "output": output,
        "left": np.asarray(left, dtype=np.int64).reshape(n),
        "right": np.asarray(right, dtype=np.int64).reshape(n),
        "feature": np.asarray(feature, dtype=np.int64).reshape(n),
        "threshold": np.asarray(threshold, dtype=np.float64).reshape(n),
        "missing": np.asarray(missing, dtype=np.int64).reshape(n),
        "default_left": np.asarray(default_left, dtype=np.int64).reshape(n),
        "value": np.asarray(value, dtype=np.float64).reshape(n, -1),
    }


def _pack(ensemble):
    """Per-tree arrays concatenated, as Rust reads them."""
    import numpy as np

    trees = ensemble.pop("trees")
    if not trees:
        raise NotConverted("the model holds no trees")
    out = dict(ensemble)
    out["base"] = np.asarray(ensemble["base"], dtype=np.float64).reshape(-1)
    out["tree_nodes"] = np.asarray([len(t["left"]) for t in trees], dtype=np.int64)
    out["tree_output"] = np.asarray([t["output"] for t in trees], dtype=np.int64)
    for key in ("left", "right", "feature", "missing", "default_left", "threshold"):
        out[key] = np.ascontiguousarray(np.concatenate([t[key] for t in trees]))
    out["value"] = np.ascontiguousarray(np.concatenate([t["value"].reshape(-1) for t in trees]))
    return out


def _per_target(parts):
    """MultiOutputRegressor: one single-output ensemble per target, as one ensemble whose trees
    add to their target's output."""
    first = parts[0]
    same = ("compare", "precision", "combine", "link", "features")
    if any(p["outputs"] != 1 or p["link"] != "identity" or any(p[k] != first[k] for k in same) for p in parts):
        raise NotConverted("the per-target models do not share one native form")
    trees = []
    for target, part in enumerate(parts):
        for tree in part["trees"]:
            trees.append(dict(tree, output=target))
    return dict(
        first,
        outputs=len(parts),
        leaf_width=1,
        base=[b for p in parts for b in p["base"]],
        trees=trees,
    )


XGBOOST_LINKS = {
    "reg:squarederror": "identity",
    "reg:absoluteerror": "identity",
    "reg:pseudohubererror": "identity",
    "binary:logistic": "sigmoid",
    "multi:softprob": "softmax",
}


def _xgboost_trees(estimator):
    """From the booster's JSON model (doc/model.schema): trees as arrays, `x < split_condition`
    in float32, NaN to `default_left`, leaf values in `split_conditions`, one output per
    `tree_info` entry, float32 sums from the base margin."""
    import json

    import numpy as np

    model = json.loads(bytes(estimator.get_booster().save_raw(raw_format="json")))["learner"]
    booster = model["gradient_booster"]
    if booster["name"] != "gbtree":
        raise NotConverted(f"xgboost's {booster['name']} booster is not converted (gbtree only)")
    objective = model["objective"]["name"]
    link = XGBOOST_LINKS.get(objective)
    if link is None:
        raise NotConverted(f"xgboost's objective {objective} is not converted")
    params = model["learner_model_param"]
    outputs = max(int(params["num_class"]), int(params["num_target"]), 1)
    base = [float(b) for b in str(params["base_score"]).strip("[]").split(",")]
    base = np.asarray(base, dtype=np.float32)
    if len(base) == 1:
        base = np.repeat(base, outputs)
    if len(base) != outputs:
        raise NotConverted(f"xgboost's base_score has {len(base)} values for {outputs} outputs")
    if link == "sigmoid":
        # Stored as a probability for logistic objectives; the margin is its logit (float32).
        one = np.float32(1)
        base = (-np.log(one / base - one)).astype(np.float32)
    gbtree = booster["model"]
    tree_info = gbtree["tree_info"]
    trees = []
    for i, tree in enumerate(gbtree["trees"]):
        if int(tree["tree_param"].get("size_leaf_vector", "1")) > 1:
            raise NotConverted("xgboost's vector-leaf (multi_output_tree) trees are not converted")
        if any(tree.get("split_type", [])):
            raise NotConverted("xgboost's categorical splits are not converted")
        left = np.asarray(tree["left_children"], dtype=np.int64)
        conditions = np.asarray(tree["split_conditions"], dtype=np.float32).astype(np.float64)
        n = len(left)
        trees.append(
            _tree(
                int(tree_info[i]),
                left,
                tree["right_children"],
                np.where(left < 0, 0, np.asarray(tree["split_indices"], dtype=np.int64)),
                conditions,
                np.zeros(n),
                tree["default_left"],
                conditions,
            )
        )
    return {
        "features": int(params["num_feature"]),
        "outputs": outputs,
        "leaf_width": 1,
        "compare": "<f32",
        "precision": "f32",
        "combine": "sum",
        "link": link,
        "base": base.astype(np.float64),
        "trees": trees,
    }


LIGHTGBM_MISSING = {"NaN": 0, "Zero": 1, "None": 2}


def _lightgbm_trees(estimator):
    """From `dump_model()` (the nested JSON of src/io/tree.cpp): `x <= threshold` in float64,
    missing values by each split's `missing_type` and `default_left`, tree i adding to output
    i % num_tree_per_iteration, float64 sums (averaged for the rf boosting type)."""
    import numpy as np

    booster = estimator.booster_
    dump = booster.dump_model()
    objective = dump.get("objective", "").split()
    name = objective[0] if objective else ""
    options = dict(o.split(":", 1) for o in objective[1:] if ":" in o)
    if name in ("regression", "regression_l1", "huber", "fair", "quantile", "mape"):
        link = "identity"
    elif name == "binary" and float(options.get("sigmoid", "1")) == 1.0:
        link = "sigmoid"
    elif name == "multiclass":
        link = "softmax"
    else:
        raise NotConverted(f"lightgbm's objective {' '.join(objective)} is not converted")
    if "linear_tree" in booster.params and booster.params["linear_tree"]:
        raise NotConverted("lightgbm's linear trees are not converted")
    per_iteration = int(dump["num_tree_per_iteration"])
    trees = []
    for i, info in enumerate(dump["tree_info"]):
        nodes = [info["tree_structure"]]
        left, right, feature, threshold, missing, default_left, value = [], [], [], [], [], [], []
        at = 0
        while at < len(nodes):  # breadth first: children after their parent, no recursion
            node = nodes[at]
            if "split_index" in node:
                if node.get("decision_type") != "<=":
                    raise NotConverted("lightgbm's categorical splits are not converted")
                left.append(len(nodes))
                right.append(len(nodes) + 1)
                nodes += [node["left_child"], node["right_child"]]
                feature.append(node["split_feature"])
                threshold.append(float(node["threshold"]))
                missing.append(LIGHTGBM_MISSING[node["missing_type"]])
                default_left.append(bool(node["default_left"]))
                value.append(0.0)
            else:
                if "leaf_coeff" in node:
                    raise NotConverted("lightgbm's linear trees are not converted")
                left.append(-1)
                right.append(-1)
                feature.append(0)
                threshold.append(0.0)
                missing.append(0)
                default_left.append(False)
                value.append(float(node["leaf_value"]))
            at += 1
        trees.append(_tree(i % per_iteration, left, right, feature, threshold, missing, default_left, value))
    return {
        "features": int(dump["max_feature_idx"]) + 1,
        "outputs": per_iteration,
        "leaf_width": 1,
        "compare": "<=",
        "precision": "f64",
        "combine": "average" if dump.get("average_output") else "sum",
        "link": link,
        "base": np.zeros(per_iteration),
        "trees": trees,
    }


def _sklearn_tree(tree, output, values):
    """A fitted scikit-learn tree (`tree_` arrays): leaves have children -1; `values` per node."""
    import numpy as np

    t = tree.tree_
    left = np.asarray(t.children_left, dtype=np.int64)
    missing_left = getattr(t, "missing_go_to_left", np.zeros(len(left)))
    return _tree(
        output,
        left,
        t.children_right,
        np.where(left < 0, 0, t.feature),
        np.where(left < 0, 0.0, t.threshold),
        np.zeros(len(left)),
        missing_left,
        values,
    )


def _sklearn_forest(estimator):
    """Decision trees and forests: X cast to float32 then `x <= threshold` in float64; leaves
    hold `tree_.value` (class fractions or per-target means), averaged over the trees."""
    import numpy as np

    trees = getattr(estimator, "estimators_", [estimator])
    classifier = hasattr(estimator, "classes_")
    if classifier and getattr(estimator, "n_outputs_", 1) != 1:
        raise NotConverted("multi-output classification trees are not converted")
    converted = []
    for tree in trees:
        value = tree.tree_.value
        value = value[:, 0, :] if classifier else value[:, :, 0]
        converted.append(_sklearn_tree(tree, 0, np.ascontiguousarray(value, dtype=np.float64)))
    outputs = len(estimator.classes_) if classifier else estimator.n_outputs_
    return {
        "features": int(estimator.n_features_in_),
        "outputs": int(outputs),
        "leaf_width": int(outputs),
        "compare": "<=f32",
        "precision": "f64",
        "combine": "average",
        "link": "identity",
        "base": np.zeros(outputs),
        "trees": converted,
    }


def _sklearn_boosting(estimator):
    """GradientBoosting: the init estimator's raw prediction plus, stage by stage, learning_rate
    times each regression tree's value (per class for multiclass); sigmoid (binary) or softmax."""
    import numpy as np

    loss = getattr(estimator, "loss", "squared_error")
    classifier = hasattr(estimator, "classes_")
    stages = estimator.estimators_
    outputs = stages.shape[1]
    if classifier and loss != "log_loss":
        raise NotConverted(f"gradient boosting's {loss} loss is not converted")
    link = "identity" if not classifier else ("sigmoid" if outputs == 1 else "softmax")
    one_row = np.zeros((1, estimator.n_features_in_))
    # The init estimator (a DummyRegressor/Classifier prior, or zero) predicts a constant.
    base = np.asarray(estimator._raw_predict_init(one_row), dtype=np.float64).reshape(-1)
    trees = []
    for stage in stages:
        for k, tree in enumerate(stage):
            value = tree.tree_.value[:, 0, 0] * estimator.learning_rate
            trees.append(_sklearn_tree(tree, k, value))
    return {
        "features": int(estimator.n_features_in_),
        "outputs": int(outputs),
        "leaf_width": 1,
        "compare": "<=f32",
        "precision": "f64",
        "combine": "sum",
        "link": link,
        "base": base,
        "trees": trees,
    }


def _sklearn_hist_boosting(estimator):
    """HistGradientBoosting: `_baseline_prediction` plus each predictor's node values (the
    learning rate already in them), one predictor per class per iteration; `x <= num_threshold`
    in float64, NaN to `missing_go_to_left`; sigmoid (binary) or softmax."""
    import numpy as np

    classifier = hasattr(estimator, "classes_")
    loss = getattr(estimator, "loss", "")
    if classifier and loss != "log_loss" or not classifier and loss not in ("squared_error", "absolute_error", "quantile"):
        raise NotConverted(f"hist gradient boosting's {loss} loss is not converted")
    outputs = int(estimator.n_trees_per_iteration_)
    trees = []
    for predictors in estimator._predictors:
        for k, predictor in enumerate(predictors):
            nodes = predictor.nodes
            if nodes["is_categorical"].any():
                raise NotConverted("hist gradient boosting's categorical splits are not converted")
            leaf = nodes["is_leaf"].astype(bool)
            trees.append(
                _tree(
                    k,
                    np.where(leaf, -1, nodes["left"].astype(np.int64)),
                    np.where(leaf, -1, nodes["right"].astype(np.int64)),
                    np.where(leaf, 0, nodes["feature_idx"].astype(np.int64)),
                    np.where(leaf, 0.0, nodes["num_threshold"]),
                    np.zeros(len(nodes)),
                    nodes["missing_go_to_left"],
                    nodes["value"],
                )
            )
    return {
        "features": int(estimator.n_features_in_),
        "outputs": outputs,
        "leaf_width": 1,
        "compare": "<=",
        "precision": "f64",
        "combine": "sum",
        "link": "identity" if not classifier else ("sigmoid" if outputs == 1 else "softmax"),
        "base": np.asarray(estimator._baseline_prediction, dtype=np.float64).reshape(-1),
        "trees": trees,
    }


def _sklearn_bagging(estimator):
    """Bagging over decision trees: the trees' outputs averaged, each tree reading its own
    feature subset (`estimators_features_`, mapped back to the model's features); a tree that
    saw fewer classes adds to its own classes' columns only."""
    import numpy as np

    kinds = {type(e).__name__ for e in estimator.estimators_}
    if not kinds <= {"DecisionTreeRegressor", "DecisionTreeClassifier"}:
        return None
    classifier = hasattr(estimator, "classes_")
    outputs = len(estimator.classes_) if classifier else int(estimator.estimators_[0].n_outputs_)
    trees = []
    for tree, features in zip(estimator.estimators_, estimator.estimators_features_):
        converted = _sklearn_forest(tree)["trees"][0]
        converted["feature"] = np.asarray(features, dtype=np.int64)[converted["feature"]]
        if classifier:
            value = np.zeros((len(converted["value"]), outputs))
            value[:, np.asarray(tree.classes_, dtype=np.int64)] = converted["value"]
            converted["value"] = value
        trees.append(converted)
    return {
        "features": int(estimator.n_features_in_),
        "outputs": outputs,
        "leaf_width": outputs,
        "compare": "<=f32",
        "precision": "f64",
        "combine": "average",
        "link": "identity",
        "base": np.zeros(outputs),
        "trees": trees,
    }


CATBOOST_LINKS = {
    "RMSE": "identity",
    "MAE": "identity",
    "Quantile": "identity",
    "MultiRMSE": "identity",
    "Logloss": "sigmoid",
    "MultiClass": "softmax",
}


def _catboost_trees(estimator):
    """From `save_model(format="json")`: each oblivious tree (one split per level, the leaf
    index's bit k set by `float32(x) > border` at level k) expanded into a binary tree;
    `scale * sum + bias`; a NaN takes the side its feature's `nan_value_treatment` gives."""
    import json

    import numpy as np

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "model.json")
        estimator.save_model(path, format="json")
        with open(path) as f:
            model = json.load(f)
    loss = model.get("model_info", {}).get("params", {}).get("loss_function", {}).get("type", "")
    link = CATBOOST_LINKS.get(loss)
    if link is None:
        raise NotConverted(f"catboost's loss {loss or 'unknown'} is not converted")
    info = model["features_info"]
    if info.get("categorical_features") or info.get("text_features") or info.get("embedding_features"):
        raise NotConverted("catboost's categorical, text and embedding features are not converted")
    nan_left = {f["flat_feature_index"]: f.get("nan_value_treatment", "AsIs") != "AsTrue" for f in info["float_features"]}
    index = {f["feature_index"]: f["flat_feature_index"] for f in info["float_features"]}
    scale, bias = model["scale_and_bias"]
    bias = np.asarray(bias, dtype=np.float64).reshape(-1)
    outputs = len(bias)
    trees = []
    for tree in model["oblivious_trees"]:
        splits = tree["splits"]
        if any(s.get("split_type") != "FloatFeature" for s in splits):
            raise NotConverted("catboost's non-numeric splits are not converted")
        leaves = np.asarray(tree["leaf_values"], dtype=np.float64).reshape(-1, outputs) * scale
        # Breadth first: node (level, bits so far); right sets the level's bit of the leaf index.
        nodes, at = [(0, 0)], 0
        left, right, feature, threshold, default_left, value = [], [], [], [], [], []
        while at < len(nodes):
            level, bits = nodes[at]
            if level == len(splits):
                left.append(-1)
                right.append(-1)
                feature.append(0)
                threshold.append(0.0)
                default_left.append(False)
                value.append(leaves[bits])
            else:
                split = splits[level]
                flat = index[split["float_feature_index"]]
                left.append(len(nodes))
                right.append(len(nodes) + 1)
                nodes += [(level + 1, bits), (level + 1, bits | (1 << level))]
                feature.append(flat)
                threshold.append(float(np.float32(split["border"])))
                default_left.append(nan_left[flat])
                value.append(np.zeros(outputs))
            at += 1
        trees.append(_tree(0, left, right, feature, threshold, np.zeros(len(left)), default_left, value))
    return {
        "features": int(len(estimator.feature_names_)),
        "outputs": outputs,
        "leaf_width": outputs,
        "compare": "<=f32",
        "precision": "f64",
        "combine": "sum",
        "link": link,
        "base": bias,
        "trees": trees,
    }


def _sklearn_adaboost(estimator):
    """AdaBoostClassifier (SAMME) over decision trees: each tree votes `w` for the class its
    leaf predicts and `-w/(K-1)` for the others; the votes over the weight sum, divided by K-1,
    go through softmax (for two classes too: softmax([-d/2, d/2]) with d = pred1 - pred0 is
    softmax of the two votes)."""
    import numpy as np

    if any(type(e).__name__ != "DecisionTreeClassifier" for e in estimator.estimators_):
        return None
    k = len(estimator.classes_)
    total = estimator.estimator_weights_.sum()
    trees = []
    for tree, weight in zip(estimator.estimators_, estimator.estimator_weights_):
        converted = _sklearn_forest(tree)["trees"][0]
        voted = np.asarray(tree.classes_, dtype=np.int64)[np.argmax(converted["value"], axis=1)]
        votes = np.where(np.arange(k) == voted[:, None], weight, -1 / (k - 1) * weight)
        converted["value"] = votes / total / (k - 1)
        trees.append(converted)
    return {
        "features": int(estimator.n_features_in_),
        "outputs": k,
        "leaf_width": k,
        "compare": "<=f32",
        "precision": "f64",
        "combine": "sum",
        "link": "softmax",
        "base": np.zeros(k),
        "trees": trees,
    }
