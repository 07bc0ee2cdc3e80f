"""pandas' time to read a CSV into a DataFrame, for bench/stats.ts's CSV ratio.
Prints one JSON line: {"median_ms": ..., "reps": ..., "pandas": ...}.
    .venv/bin/python bench/csv_reference.py CSV REPS
"""

import json
import statistics
import sys
import time

import pandas as pd


def main(csv, reps):
    for _ in range(3):
        pd.read_csv(csv)
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        pd.read_csv(csv)
        times.append((time.perf_counter() - t) * 1000)
    print(json.dumps({"median_ms": statistics.median(times), "reps": reps, "pandas": pd.__version__}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
