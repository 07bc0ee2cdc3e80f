"""``plateau.Study``: an experiment driven from a user's own training loop.

    study = plateau.Study("experiments/mine.yaml")           # or a dict in the experiment schema
    for job in study.pending():
        parts = study.subsets(job)                            # the job's nested training subset, val, test
        ...                                                   # the user's own MONAI loop
        study.record(job, metrics={"dice": 0.83}, epochs=rows, cases=case_rows)

The grid, its job keys and the store are the control plane's: ``Study`` asks the ``plateau`` CLI
for the grid (``plateau record FILE --grid``) and hands results to it as Arrow tables built from
``schemas/tables.json`` (``plateau record FILE --job KEY --tables DIR``), the same contract a worker
answers with, so ``status``, ``forecast``, ``report`` and the dashboard see these runs like any other.
"""

from __future__ import annotations

import json
import math
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .data import Case, nested_subset, source, split_cases, train_count
from .data.dataset import CaseDataset
from .schemas import table_layout, validate_job
from .tables import build_table, to_ipc


class StudyError(RuntimeError):
    """The control plane refused a request (bad experiment, unknown job, a store in use); the
    message is its own one-sentence answer."""


@dataclass(frozen=True)
class StudyJob:
    """One job of the grid: ``spec`` is the job as a worker would get it (``schemas/job.json``)."""

    key: str
    spec: dict

    @property
    def model(self) -> str:
        return self.spec["model"]["name"]

    @property
    def fraction(self) -> float | None:
        return self.spec["fraction"]


@dataclass(frozen=True)
class Subsets:
    """The cases of one job: its nested training subset (``n_train`` cases of the training pool,
    the same for every model), the validation and the held-out test cases."""

    train: list[Case]
    val: list[Case]
    test: list[Case]
    dataset_spec: dict
    indices: dict[str, list[int]]
    all_cases: list[Case]

    @property
    def n_train(self) -> int:
        return len(self.train)

    def datalist(self, part: str) -> list[dict[str, Any]]:
        """MONAI data dicts of file paths for ``LoadImaged`` (``image`` is a list for multi-file
        cases); empty paths for generated (synthetic) data, whose cases have no files."""
        return [{"image": list(c.images) if len(c.images) > 1 else (c.images[0] if c.images else None),
                 "label": c.mask, "id": c.id, "patient": c.patient} for c in getattr(self, part)]

    def dataset(self, part: str) -> torch.utils.data.Dataset:
        """``{"image", "label", "index"}`` items of ``part`` as plateau loads them (resized, scaled,
        binary label), for a MONAI ``DataLoader``."""
        return _DictItems(CaseDataset(source(self.dataset_spec), self.dataset_spec, self.all_cases,
                                      np.asarray(self.indices[part])))


class _DictItems(torch.utils.data.Dataset):
    def __init__(self, base: CaseDataset):
        self.base = base

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, i: int) -> dict[str, Any]:
        image, label, index = self.base[i]
        return {"image": image, "label": label, "index": index}


def _cli() -> list[str]:
    """``$PLATEAU_CLI`` (a command line), else ``plateau`` on PATH, else the repository's bin/plateau."""
    if os.environ.get("PLATEAU_CLI"):
        return shlex.split(os.environ["PLATEAU_CLI"])
    found = shutil.which("plateau")
    if found:
        return [found]
    repo = Path(__file__).resolve().parents[2] / "bin" / "plateau"
    if repo.is_file():
        return ["bash", str(repo)]
    raise StudyError("the plateau CLI is not found: put it on PATH or set PLATEAU_CLI")


class Study:
    """An experiment (a YAML/JSON file, or a dict in the same schema) whose jobs a user trains in
    their own loop and records in the store ``db`` (default: the CLI's, ``.plateau/plateau.db``).
    ``merge=True`` records even where the store holds the experiment's name with other settings
    (otherwise ``record`` raises StudyError saying what changed)."""

    def __init__(self, experiment: str | os.PathLike[str] | Mapping[str, Any], db: str | os.PathLike[str] | None = None,
                 merge: bool = False):
        self.merge = merge
        if isinstance(experiment, Mapping):
            # The CLI reads files: the dict goes to one (JSON is YAML) named after the experiment,
            # its relative paths made absolute here (a file's resolve against its own folder).
            folder = Path(tempfile.mkdtemp(prefix="plateau-study-"))
            self.file = folder / f"{experiment.get('name', 'study')}.json"
            self.file.write_text(json.dumps(_absolute_paths(dict(experiment))))
        else:
            self.file = Path(experiment)
        self.db = None if db is None else Path(db)
        answer = json.loads(self._call("--grid"))
        self.experiment: dict = answer["experiment"]
        self._jobs = [StudyJob(j["key"], j) for j in answer["jobs"]]

    @property
    def name(self) -> str:
        return self.experiment["name"]

    def _call(self, *args: str) -> str:
        cmd = [*_cli(), "record", str(self.file), *args, *(["--db", str(self.db)] if self.db else [])]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise StudyError(done.stderr.strip().removeprefix("plateau: ") or f"{' '.join(cmd)} exited {done.returncode}")
        return done.stdout

    def jobs(self) -> list[StudyJob]:
        """Every job of the grid, smallest subsets first."""
        return list(self._jobs)

    def job(self, key: str) -> StudyJob:
        for j in self._jobs:
            if j.key == key:
                return j
        raise KeyError(f"job {key} is not in the grid of {self.name!r}")

    def subsets(self, job: StudyJob) -> Subsets:
        """The job's cases: the data set listed, split by patient with the job's seed and fold, and
        the nested training subset the trainer would use."""
        spec = job.spec["dataset"]
        cases = source(spec).cases(spec)
        parts = split_cases(cases, job.spec["split"], job.spec["seed"], job.spec.get("fold"))
        pool = parts["train"]
        n = job.spec["count"] if job.spec.get("count") is not None else train_count(job.spec["fraction"], len(pool))
        if n > len(pool):
            raise StudyError(f"job {job.key}: {n} training cases asked, the training pool has {len(pool)}")
        idx = {"train": [int(i) for i in nested_subset(pool, n)], "val": [int(i) for i in parts["val"]],
               "test": [int(i) for i in parts["test"]]}
        pick = lambda part: [cases[i] for i in idx[part]]  # noqa: E731
        return Subsets(pick("train"), pick("val"), pick("test"), spec, idx, cases)

    def record(self, job: StudyJob, metrics: Mapping[str, Any], epochs: Sequence[Mapping[str, Any]] | int = (),
               cases: Sequence[Mapping[str, Any]] = (), seconds: float | None = None,
               subsets: Subsets | None = None, classes: Sequence[Mapping[str, Any]] = ()) -> bool:
        """Stores one job's result: ``metrics`` needs ``dice`` (the other columns of the metrics table
        are filled in: sizes from the job's subsets, missing scores as unknown); ``epochs`` is the
        epoch rows (``epoch``, ``train_loss``, ``val_loss``, ``val_dice``, ``seconds``) or their number;
        ``cases`` the per-case rows (``case_id``, ``patient``, ``dice`` …); ``classes`` the per-class
        rows (``class``, ``dice``, ``iou``, ``global_dice``; ``evaluate(...)["classes"]`` gives them).
        Returns False when the job was stored already (a result is never overwritten)."""
        validate_job(job.spec)
        if "dice" not in metrics:
            raise ValueError("record: metrics needs 'dice' (the test Dice the curves are drawn from)")
        parts = subsets or self.subsets(job)
        epoch_rows = [] if isinstance(epochs, int) else [_row("epochs", e) for e in epochs]
        run = epochs if isinstance(epochs, int) else len(epoch_rows)
        best = min(epoch_rows, key=lambda r: r["val_loss"])["epoch"] if epoch_rows else run
        filled = {"n_train": parts.n_train, "n_val": len(parts.val), "n_test": len(parts.test), "epochs_run": run,
                  "best_epoch": best, "train_seconds": seconds,
                  # costs the loop did not measure are unknown (null in the store, '–' in views), never 0
                  "params": None, "flops": None, "throughput": None, "device": "own-loop", **metrics}
        tables = {"epochs": epoch_rows, "metrics": [_row("metrics", filled)], "cases": [_row("cases", c) for c in cases],
                  "classes": [_row("classes", c) for c in classes]}
        with tempfile.TemporaryDirectory(prefix="plateau-record-") as folder:
            for name, rows in tables.items():
                Path(folder, f"{name}.arrow").write_bytes(to_ipc(build_table(name, rows)))
            answer = json.loads(self._call("--job", job.key, "--tables", folder,
                                           *(["--seconds", str(seconds)] if seconds is not None else []),
                                           *(["--merge"] if self.merge else [])))
        return bool(answer["stored"])

    def pending(self) -> list[StudyJob]:
        """Jobs of the grid not stored yet (the store asked afresh)."""
        done = set(json.loads(self._call("--grid"))["done"])
        return [j for j in self._jobs if j.key not in done]


def _absolute_paths(exp: dict) -> dict:
    """``dataset.root`` / ``dataset.datalist`` / ``models[].pretrained`` against the working directory."""
    out = dict(exp)
    if isinstance(out.get("dataset"), Mapping):
        out["dataset"] = {k: (os.path.abspath(v) if k in ("root", "datalist") and isinstance(v, str) else v)
                          for k, v in out["dataset"].items()}
    out["models"] = [{**m, "pretrained": os.path.abspath(m["pretrained"])} if isinstance(m, Mapping) and
                     isinstance(m.get("pretrained"), str) else m for m in out.get("models", [])]
    return out


def _row(table: str, given: Mapping[str, Any]) -> dict[str, Any]:
    """A row with exactly the table's columns: unknown ones refused, missing ones null (nullable)
    or NaN (stored as unknown)."""
    layout = table_layout(table)
    names = {c["name"] for c in layout}
    extra = set(given) - names
    if extra:
        raise ValueError(f"record: {table} has no column(s) {sorted(extra)}; its columns are {sorted(names)}")
    out: dict[str, Any] = {}
    for c in layout:
        v = given.get(c["name"])
        if v is None and not c.get("nullable"):
            v = math.nan if c["type"] == "float64" else None
            if v is None:
                raise ValueError(f"record: {table} row lacks {c['name']!r}")
        out[c["name"]] = int(v) if c["type"] == "int32" and v is not None else v
    return out
