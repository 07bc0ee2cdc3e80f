"""Real learning curves for the forecast benchmark: LCDB 1.0 (Mohr, Viering et al. 2022).

The `lcdb` sdist on PyPI ships its databases as CSV (`lcdb/database-<metric>.csv`: one row per
data set x learner x training size x seed). This script fetches the sdist once (pip download, no
install: installing lcdb pulls openml), and writes one JSON file per metric with one curve per
(data set, learner): the sizes, the mean test score over seeds at each size, its sd and count.

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


def curves(tar: tarfile.TarFile, metric: str) -> list[dict]:
    member = next(m for m in tar.getmembers() if m.name.endswith(f"lcdb/database-{metric}.csv"))
    f = tar.extractfile(member)
    assert f is not None
    acc: dict[tuple[int, str], dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for row in csv.DictReader(line.decode() for line in f):
        v = row["score_test"]
        if v in ("", "nan"):
            continue
        x = float(v)
        if not math.isfinite(x):
            continue
        acc[(int(row["openmlid"]), row["learner"])][int(row["size_train"])].append(x)
    out = []
    for (oid, learner), by_n in sorted(acc.items()):
        ns = sorted(by_n)
        means = [sum(by_n[n]) / len(by_n[n]) for n in ns]
        sds = [
            math.sqrt(sum((x - m) ** 2 for x in by_n[n]) / (len(by_n[n]) - 1)) if len(by_n[n]) > 1 else None
            for n, m in zip(ns, means)
        ]
        out.append({"openmlid": oid, "learner": learner, "n": ns, "score": means, "sd": sds, "count": [len(by_n[n]) for n in ns]})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=".plateau/lcdb")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    with tarfile.open(sdist(a.out)) as tar:
        for metric in METRICS:
            path = os.path.join(a.out, f"curves-{metric}.json")
            if os.path.exists(path):
                continue
            cs = curves(tar, metric)
            with open(path, "w") as fh:
                json.dump({"source": os.path.basename(sdist(a.out)), "metric": metric, "curves": cs}, fh)
            print(f"{path}: {len(cs)} curves")


if __name__ == "__main__":
    main()
