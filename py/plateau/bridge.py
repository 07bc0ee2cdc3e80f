"""Short in-process calls from the control plane (through pythonia): JSON string in, JSON string out.

Errors the user can act on come back as ``{"error": message}`` rather than a Python traceback.
"""

from __future__ import annotations

import json
import os
import sys
import time

from .data import DataError, source
from .schemas import validate_bridge_argument


def _answer(fn):
    """JSON in, JSON out. The argument is checked against ``schemas/bridge.json`` first: one outside
    it is the control plane's bug, raised (not answered as the user's error); the answer is held to
    the same file on the other side (ts/bridge/inprocess.ts)."""
    def call(arg_json: str) -> str:
        arg = json.loads(arg_json)
        validate_bridge_argument(fn.__name__, arg)
        try:
            return json.dumps(fn(arg))
        except (DataError, ValueError, FileNotFoundError) as e:
            return json.dumps({"error": str(e)})
    call.__name__ = fn.__name__
    return call


def _input_shape(spec: dict) -> tuple[int, ...]:
    """(channels, *spatial) of one case as the trainer sees it: from the data when it is there,
    else from the spec where the spec fixes it."""
    src = source(spec)
    try:
        cases = src.cases(spec)
    except (DataError, FileNotFoundError, OSError):
        cases = []
    if cases:
        return tuple(src.load(spec, cases[0])[0].shape)
    kind = spec["kind"]
    if kind == "image-folder":
        return (spec["channels"], *spec["size"])
    if kind == "brats2020":
        return (len(spec["modalities"]), *spec["crop"])
    raise ValueError(f"{spec.get('root', kind)}: no cases found, so the input shape of {kind} data is unknown")


def _terminal_progress(label: str):
    """``progress(done, total)`` drawing one line on stderr when it is a terminal (pythonia shares the
    CLI's), at most five times a second, with counts and the time left; None elsewhere, where the
    CLI says before and after what it waits for."""
    if not sys.stderr.isatty():
        return None
    start, last = time.monotonic(), [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.2:
            return
        last[0] = now
        left = (now - start) / done * (total - done) if done else 0.0
        end = "\n" if done >= total else ""
        sys.stderr.write(f"\r{label} {done}/{total} ({100 * done // max(total, 1)}%), {left:.0f} s left\x1b[K{end}")
        sys.stderr.flush()

    return progress


@_answer
def check_dataset(arg: dict) -> dict:
    """``{"dataset": spec, "progress": true}``: the summary; ``progress`` draws a count on a terminal."""
    from .data.check import check_dataset as check

    return check(arg["dataset"], _terminal_progress("checking cases") if arg.get("progress") else None)


def _target_problems(targets: dict) -> list[str]:
    from .targets import unresolved

    def problems(field: str, spec: object) -> list[str]:
        if isinstance(spec, dict) and "bundle" in spec and "_target_" not in spec:
            from .bundle import bundle_problems

            return bundle_problems(spec, field)
        return unresolved(spec, field)

    return [p for field, spec in targets.items() for p in problems(field, spec)]


@_answer
def check_targets(arg: dict) -> dict:
    """``{field: spec}`` → ``{"problems": [...]}``: every ``_target_`` that does not import or takes
    no such argument, and every bundle (``{"bundle": DIR, "config": FILE}``) that cannot train."""
    return {"problems": _target_problems(arg)}


@_answer
def check_run(arg: dict) -> dict:
    """``plateau run``'s check before anything is stored: ``{"targets": {field: spec}, "jobs":
    [{"field": "models[0]", "job": JOB}]}`` (a job as ``schemas/job.json``, one per model) →
    ``{"problems": [...]}``. The targets as ``check_targets`` checks them (nothing built); when they
    all resolve, each job tried on one case (``plateau.preflight``: its transforms, its network and
    pretrained weights, one forward pass on the CPU, no training)."""
    problems = _target_problems(arg.get("targets") or {})
    if problems or not arg.get("jobs"):
        return {"problems": problems}
    import torch

    from .preflight import try_job

    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))  # tiny work; leave the cores to others
    found = [p for j in arg["jobs"] if (p := try_job(j["job"], j["field"]))]
    return {"problems": list(dict.fromkeys(found))}


@_answer
def model_costs(arg: dict) -> dict:
    """Parameters, FLOPs and throughput of each model at the data set's input size, before training."""
    from .complexity import RUNS, model_cost
    from .models import build_model

    import torch

    # As many threads as one of `plateau run`'s default two workers gets: the cost a job will see,
    # and on a busy machine far steadier than every core (threads waiting on each other).
    threads = int(arg.get("threads") or max(1, (os.cpu_count() or 1) // 2))
    torch.set_num_threads(threads)
    spec = arg["dataset"]
    shape = _input_shape(spec)
    rows = []
    progress = _terminal_progress("timing models") if arg.get("progress") else None
    for m in arg["models"]:
        if m["family"] == "bundle":  # the network its config builds (its own sizes), untrained
            from .bundle import bundle_network

            net = bundle_network(m)
        else:
            net = build_model(m, spatial_dims=len(shape) - 1, in_channels=shape[0])
        try:
            cost = model_cost(net, shape, runs=arg.get("runs", RUNS), seconds=1.0)
        except RuntimeError as e:
            # torch's own words for a network that cannot take this input (sizes that do not match)
            raise ValueError(f"{m['name']} does not run on one case of shape {list(shape)} (channels first): {str(e).splitlines()[0]}") from e
        rows.append({"model": m["name"], **cost})
        if progress:
            progress(len(rows), len(arg["models"]))
    return {"input_shape": list(shape), "threads": threads, "models": rows}
