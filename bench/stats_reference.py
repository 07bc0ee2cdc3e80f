"""statsmodels' time for the work bench/stats.ts times: OLS of the paper's formula (patsy design
included), type-2 ANOVA of it, and Tukey HSD of DICE by model, on the 1620-row golden table.
Prints one JSON line: {"median_ms": ..., "reps": ..., "versions": {...}}.
    .venv/bin/python bench/stats_reference.py CSV FORMULA REPS
"""

import json
import os
import statistics
import sys
import time
import warnings

os.environ["SM_FORMULA_ENGINE"] = "patsy"

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import scipy  # noqa: E402
import statsmodels  # noqa: E402
import statsmodels.formula.api as smf  # noqa: E402
from statsmodels.stats.anova import anova_lm  # noqa: E402
from statsmodels.stats.multicomp import pairwise_tukeyhsd  # noqa: E402


def work(df, formula):
    fit = smf.ols(formula, df).fit()
    table = anova_lm(fit, typ=2)
    hsd = pairwise_tukeyhsd(df["DICE"], df["model"])
    return fit.params, table, hsd.pvalues


def main(csv, formula, reps):
    df = pd.read_csv(csv)
    warnings.simplefilter("ignore")
    for _ in range(3):
        work(df, formula)
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        work(df, formula)
        times.append((time.perf_counter() - t) * 1000)
    versions = {"statsmodels": statsmodels.__version__, "scipy": scipy.__version__, "numpy": np.__version__}
    print(json.dumps({"median_ms": statistics.median(times), "reps": reps, "versions": versions}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
