"""What a worker prints while it trains (one line per job; epochs with ``-v``), and the mapping of
a job's data set onto the worker's own copy (``--data-root``).

A worker on another machine is watched by whoever started it: these lines say what it is doing
without opening the control plane's store.
"""

from __future__ import annotations

import sys
import time
from typing import Callable, TextIO


def with_data_root(job: dict, data_root: str | None) -> dict:
    """The job with its data set's ``root`` replaced by this machine's copy of the data.

    Synthetic data sets have no root; they are generated from the spec and need no mapping."""
    if not data_root or "root" not in job.get("dataset", {}):
        return job
    return {**job, "dataset": {**job["dataset"], "root": data_root}}


def _what(job: dict) -> str:
    model = job.get("model", {})
    name = model.get("name") or model.get("family", "?")
    subset = f"{job['count']} images" if job.get("count") is not None else f"{100 * (job.get('fraction') or 0):g}%"
    fold = f" fold {job['fold']}" if job.get("fold") is not None else ""
    return f"{name} {subset}{fold}"


class JobLines:
    """Prints ``start``/``done``/``failed`` lines for each job (and ``epoch`` lines when verbose)."""

    def __init__(self, ident: str, verbose: bool = False, out: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ident, self.verbose, self.out, self.clock = ident, verbose, out, clock
        self.started: dict[str, float] = {}

    def _say(self, line: str) -> None:
        print(f"plateau worker {self.ident}: {line}", file=self.out or sys.stdout, flush=True)

    def start(self, job: dict) -> None:
        self.started[job.get("key", "?")] = self.clock()
        self._say(f"start {_what(job)} [{job.get('key', '?')}]")

    def epoch(self, key: str, e: dict) -> None:
        if self.verbose:
            self._say(f"  epoch {e['epoch']}/{e['epochs']} train_loss={e['train_loss']:.4f} "
                      f"val_loss={e['val_loss']:.4f} val_dice={e['val_dice']:.4f} [{key}]")

    def done(self, job: dict, metrics: dict, seconds: float) -> None:
        self.started.pop(job.get("key", "?"), None)
        self._say(f"done {_what(job)} dice={metrics['dice']:.4f} {seconds:.1f}s [{job.get('key', '?')}]")

    def failed(self, job: dict, error: str) -> None:
        t0 = self.started.pop(job.get("key", "?"), None)
        took = f" after {self.clock() - t0:.1f}s" if t0 is not None else ""
        self._say(f"failed {_what(job)}{took} [{job.get('key', '?')}]: {error.splitlines()[0] if error else '?'}")

    def left(self, key: str | None, reason: str) -> None:
        self._say(f"leaving ({reason}){f'; job [{key}] handed back' if key else ''}")
