"""Real learning curves for the forecast benchmark: LCDB 1.0 (Mohr, Viering et al. 2022).

The `lcdb` sdist on PyPI ships its databases as CSV (`lcdb/database-<metric>.csv`: one row per
data set x learner x training size x seed). This script fetches the sdist once (pip download, no
install: installing lcdb pulls openml), and writes one JSON file per metric with one curve per
(data set, learner): the sizes, the mean test score over seeds at each size, its sd and count; and
one more per metric with each curve's single run (outer and inner seed 0, the one run a usual grid
has) beside the mean (with its sd and count), for bench/singlerun.ts.

    python bench/lcdb_curves.py [--out .plateau/lcdb]      # f1, auc, accuracy
"""
from __future__ import annotations

import argparse
import csv
import glob
import json
import math
import os
import subprocess
import sys
import tarfile
from collections import defaultdict

METRICS = ("f1", "auc", "accuracy")


def sdist(cache: str) -> str:
    found = glob.glob(os.path.join(cache, "lcdb-*.tar.gz"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:", "lcdb", "-d", cache], check=True)
        found = glob.glob(os.path.join(cache, "lcdb-*.tar.gz"))
    return sorted(found)[-1]


def curves(tar: tarfile.TarFile, metric: str) -> tuple[list[dict], list[dict]]:
    """The mean curves, and the single runs (seed 0/0) beside the means at their sizes."""
    member = next(m for m in tar.getmembers() if m.name.endswith(f"lcdb/database-{metric}.csv"))
    f = tar.extractfile(member)
    assert f is not None
    acc: dict[tuple[int, str], dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    run: dict[tuple[int, str], dict[int, float]] = defaultdict(dict)
    for row in csv.DictReader(line.decode() for line in f):
        v = row["score_test"]
        if v in ("", "nan"):
            continue
        x = float(v)
        if not math.isfinite(x):
            continue
        acc[(int(row["openmlid"]), row["learner"])][int(row["size_train"])].append(x)
        if row["outer_seed"] == "0" and row["inner_seed"] == "0":
            run[(int(row["openmlid"]), row["learner"])][int(row["size_train"])] = x
    out, runs = [], []
    for (oid, learner), by_n in sorted(acc.items()):
        ns = sorted(by_n)
        means = [sum(by_n[n]) / len(by_n[n]) for n in ns]
        sds = [
            math.sqrt(sum((x - m) ** 2 for x in by_n[n]) / (len(by_n[n]) - 1)) if len(by_n[n]) > 1 else None
            for n, m in zip(ns, means)
        ]
        out.append({"openmlid": oid, "learner": learner, "n": ns, "score": means, "sd": sds, "count": [len(by_n[n]) for n in ns]})
        one = run.get((oid, learner), {})
        at = [i for i, n in enumerate(ns) if n in one]
        if at:
            runs.append({"openmlid": oid, "learner": learner, "n": [ns[i] for i in at], "run": [one[ns[i]] for i in at], "mean": [means[i] for i in at], "sd": [sds[i] for i in at], "count": [len(by_n[ns[i]]) for i in at]})
    return out, runs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=".plateau/lcdb")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    with tarfile.open(sdist(a.out)) as tar:
        for metric in METRICS:
            paths = {kind: os.path.join(a.out, f"{kind}-{metric}.json") for kind in ("curves", "runs")}
            if all(os.path.exists(p) for p in paths.values()):
                continue
            for kind, cs in zip(paths, curves(tar, metric)):
                with open(paths[kind], "w") as fh:
                    json.dump({"source": os.path.basename(sdist(a.out)), "metric": metric, "curves": cs}, fh)
                print(f"{paths[kind]}: {len(cs)} curves")


if __name__ == "__main__":
    main()
