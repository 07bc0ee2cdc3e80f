"""Reference results for plateau's TypeScript statistics (ts/stats), computed with statsmodels.

Makes its own data sets from fixed seeds (numpy's legacy RandomState, whose stream never changes
between numpy versions), writes each as CSV next to a JSON of what statsmodels (patsy formulas)
gives for OLS, GLM, ANOVA, Tukey HSD and GAM on it, plus scipy's distribution values. The
TypeScript tests (test/ts/stats) read exactly these files; test/py/test_stats_golden.py re-runs
this script and fails when the checked-in files are stale.

    .venv/bin/python test/stats/golden.py [OUT_DIR]     (default: test/stats/golden)
"""

from __future__ import annotations

import functools
import json
import math
import os
import sys
import warnings
from pathlib import Path

# The reference is patsy's formula language: pin it even where formulaic is installed too.
os.environ["SM_FORMULA_ENGINE"] = "patsy"

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import patsy  # noqa: E402
import scipy  # noqa: E402
import statsmodels  # noqa: E402
import statsmodels.api as sm  # noqa: E402
import statsmodels.formula.api as smf  # noqa: E402
from numpy import exp, log, sqrt  # noqa: E402,F401  (formulas may say log(x), as plateau allows)
from scipy import stats  # noqa: E402
from statsmodels.gam.api import BSplines, GLMGam  # noqa: E402
from statsmodels.stats.anova import anova_lm  # noqa: E402
from statsmodels.stats.multicomp import pairwise_tukeyhsd  # noqa: E402
from statsmodels.stats.stattools import durbin_watson, jarque_bera, omni_normtest  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "golden"

# The second paper's model (sections 3.4 and 4.3), with patsy spelling.
PAPER_FORMULA = "DICE ~ ls + ls:Family + np.log(Dataset) + np.log(lr):ls:Family + np.log(reg)"
# Its log-link alternative: log(DICE) ~ ls + ls:Family + Dataset + lr:ls:Family + reg.
PAPER_GLM_FORMULA = "DICE ~ ls + ls:Family + Dataset + lr:ls:Family + reg"


# ---------------------------------------------------------------------------------------------
# Data sets


def paper_frame() -> pd.DataFrame:
    """1620 runs shaped like the paper's: 3 families x long/short x 6 sizes x 3 lr x 3 reg x 5 folds."""
    rs = np.random.RandomState(20201)
    models = {
        "VGG": {"long": "VGG19", "short": "VGG16"},
        "ResNet": {"long": "ResNet50", "short": "ResNet18"},
        "EfficientNet": {"long": "EfficientNet-B5", "short": "EfficientNet-B0"},
    }
    # Size at half the plateau, plateau height, best log10(lr), per (family, ls): made up, plausible.
    half = {("VGG", "long"): 900, ("VGG", "short"): 1000, ("ResNet", "long"): 700, ("ResNet", "short"): 550,
            ("EfficientNet", "long"): 260, ("EfficientNet", "short"): 380}
    top = {"VGG": 0.905, "ResNet": 0.915, "EfficientNet": 0.9}
    best_lr = {"VGG": -4.0, "ResNet": -3.0, "EfficientNet": -2.6}
    rows = []
    for family in ("VGG", "ResNet", "EfficientNet"):
        for ls in ("long", "short"):
            for size in (200, 400, 800, 2000, 4000, 10000):
                for lr in (1e-2, 1e-3, 1e-4):
                    for reg in (1e-2, 1e-4, 1e-6):
                        for fold in range(1, 6):
                            p = top[family] / (1 + (half[(family, ls)] / size) ** 1.6)
                            p -= 0.012 * (math.log10(lr) - best_lr[family]) ** 2
                            p -= 0.004 * (math.log10(reg) + 4) ** 2 / 4
                            spread = 0.015 + 0.09 * 4 * p * (1 - p) * (1 if size < 4000 else 0.4)
                            dice = p + rs.normal(0, spread)
                            rows.append({"Family": family, "ls": ls, "model": models[family][ls], "Dataset": size,
                                         "lr": lr, "reg": reg, "fold": fold,
                                         "DICE": round(float(min(0.985, max(0.01, dice))), 4)})
    return pd.DataFrame(rows)


def simple_frame() -> pd.DataFrame:
    rs = np.random.RandomState(7)
    n = 60
    x1 = rs.uniform(0, 10, n).round(3)
    x2 = rs.normal(5, 2, n).round(3)
    g = rs.choice(["north", "south", "east"], n)
    y = 2 + 0.8 * x1 - 0.5 * x2 + 0.05 * x1 * x2 - 0.03 * x1**2 + np.where(g == "south", 1.0, 0) + rs.normal(0, 1, n)
    return pd.DataFrame({"y": y.round(4), "x1": x1, "x2": x2, "g": g})


def factorial_frame() -> pd.DataFrame:
    """Unbalanced two-way layout with an integer-coded factor (dose) and a string one."""
    rs = np.random.RandomState(11)
    rows = []
    effect = {"ctrl": 0.0, "drugA": 1.2, "drugB": 0.4}
    for treatment in ("ctrl", "drugA", "drugB"):
        for dose in (1, 2, 5):
            for _ in range(rs.randint(6, 14)):
                sex = "F" if rs.uniform() < 0.5 else "M"
                y = 10 + effect[treatment] + 0.3 * dose + (0.5 * dose if treatment == "drugA" else 0)
                y += (0.6 if sex == "M" else 0) + rs.normal(0, 1.1)
                rows.append({"treatment": treatment, "dose": dose, "sex": sex, "y": round(float(y), 4)})
    return pd.DataFrame(rows)


def rankdef_frame() -> pd.DataFrame:
    """Collinear columns (x3 = x1 + x2) and an empty interaction cell (a=q with b=t never occurs)."""
    rs = np.random.RandomState(5)
    n = 48
    x1 = rs.randint(0, 20, n)
    x2 = rs.randint(0, 20, n)
    a = np.array(["p", "q"] * (n // 2))
    b = np.array(["r", "s", "t"] * (n // 3))
    b = np.where((a == "q") & (b == "t"), "s", b)
    y = 1 + 0.5 * x1 - 0.2 * x2 + np.where(a == "q", 1.5, 0) + np.where(b == "t", -1, 0) + rs.normal(0, 1, n)
    return pd.DataFrame({"y": y.round(4), "x1": x1, "x2": x2, "x3": x1 + x2, "a": a, "b": b})


def illcond_frame() -> pd.DataFrame:
    """A cubic in x far from 0 plus a column on another scale: cond(X) is about 1e8, so the normal
    equations (cond(X)^2 = 1e16) would lose every digit, where an SVD or QR keeps about eight."""
    rs = np.random.RandomState(3)
    n = 80
    x = np.sort(rs.uniform(10, 20, n)).round(4)
    big = (rs.uniform(0, 1, n) * 1e6).round(2)
    y = 3 + 0.2 * x - 0.05 * (x - 15) ** 2 + 0.01 * (x - 15) ** 3 + 2e-7 * big + rs.normal(0, 0.3, n)
    return pd.DataFrame({"y": y.round(5), "x": x, "big": big})


def growth_frame() -> pd.DataFrame:
    """A positive response with a multiplicative mean: the case for a log link."""
    rs = np.random.RandomState(19)
    rows = []
    for depth in (3, 4, 5):
        for n_train in (50, 100, 200, 400, 800):
            for lr in (1e-3, 3e-3, 1e-2):
                for seed in range(2):
                    mu = math.exp(-2.2 + 0.28 * math.log(n_train) + 0.06 * (depth - 4) - 12 * lr)
                    rows.append({"depth": depth, "n_train": n_train, "lr": lr, "seed": seed,
                                 "dice": round(float(mu + rs.normal(0, 0.02)), 5)})
    return pd.DataFrame(rows)


def smooth_frame() -> pd.DataFrame:
    rs = np.random.RandomState(23)
    n = 200
    x = rs.uniform(0, 1, n).round(5)
    w = rs.uniform(-2, 2, n).round(5)
    z = rs.normal(0, 1, n).round(4)
    g = rs.choice(["a", "b"], n)
    y = np.sin(2 * np.pi * x) + 0.3 * w**2 + 0.5 * z + np.where(g == "b", 0.3, 0) + rs.normal(0, 0.3, n)
    return pd.DataFrame({"y": y.round(5), "x": x, "w": w, "z": z, "g": g})


def missing_frame() -> pd.DataFrame:
    """Gaps in numeric and string columns: patsy drops the rows a formula needs and finds missing."""
    rs = np.random.RandomState(29)
    n = 40
    x = rs.normal(0, 1, n).round(4)
    u = rs.normal(0, 1, n).round(4)
    g = rs.choice(["lo", "mid", "hi"], n).astype(object)
    y = 1 + 2 * x + np.where(g == "hi", 1, 0) + rs.normal(0, 0.5, n)
    y = y.round(4)
    x[[3, 17]] = np.nan
    u[[5, 6, 30]] = np.nan
    g[[9, 25]] = None
    y = y.astype(float)
    y[[12]] = np.nan
    return pd.DataFrame({"y": y, "x": x, "u": u, "g": g})


def aliased_frame() -> pd.DataFrame:
    """The audit's shape: site x dose x flag, unbalanced, with the C x 4 cell empty (an aliased
    interaction column), plus x3 = x1 + x2 (a fully aliased numeric term)."""
    rs = np.random.RandomState(3)
    rows = []
    for site in ("A", "B", "C"):
        for dose in (1, 2, 4):
            if site == "C" and dose == 4:
                continue
            for _ in range(rs.randint(4, 11)):
                flag = rs.uniform() < 0.5
                x1, x2 = int(rs.randint(0, 20)), int(rs.randint(0, 20))
                y = 5 + {"A": 0, "B": 0.7, "C": -0.4}[site] + 0.5 * dose + (0.8 if flag else 0) + 0.05 * x1
                rows.append({"site": site, "dose": dose, "flag": "yes" if flag else "no", "x1": x1, "x2": x2,
                             "x3": x1 + x2, "y": round(float(y + rs.normal(0, 1)), 4)})
    return pd.DataFrame(rows)


def groups_frame() -> pd.DataFrame:
    """Ten unbalanced groups (5 to 40 rows) whose means lie far apart: Tukey p-values down to 1e-40."""
    rs = np.random.RandomState(31)
    rows = []
    for g in range(10):
        for _ in range(int(rs.randint(5, 41))):
            rows.append({"g": f"g{g:02d}", "x": round(float(rs.uniform(0, 1)), 4),
                         "y": round(float(0.7 * g + rs.normal(0, 1)), 4)})
    return pd.DataFrame(rows)


def formulas_frame() -> pd.DataFrame:
    """For patsy's other codings and transforms: a 4-level factor, an integer dose, two numbers,
    and a response whose mean is positive but whose values are not (a log link starts below 0)."""
    rs = np.random.RandomState(37)
    n = 120
    g = rs.choice(["a", "b", "c", "d"], n)
    dose = rs.choice([1, 2, 5], n)
    x = rs.uniform(0, 100, n).round(2)
    z = rs.normal(0, 1, n).round(3)
    effect = {"a": 0.0, "b": 0.5, "c": 1.1, "d": 0.2}
    y = 2 + np.array([effect[v] for v in g]) + 0.3 * dose + 0.02 * x + 0.4 * z + rs.normal(0, 0.8, n)
    mean = np.exp(-0.2 + 0.015 * x + np.where(g == "c", 0.4, 0))
    return pd.DataFrame({"g": g, "dose": dose, "x": x, "z": z, "y": y.round(4),
                         "yneg": (mean + rs.normal(0, 1.5, n)).round(4)})


# ---------------------------------------------------------------------------------------------
# What statsmodels says


def num(v):
    """JSON number, or null for NaN/inf (JSON has neither)."""
    v = float(v)
    return v if math.isfinite(v) else None


def keyed(names, values):
    return {n: num(v) for n, v in zip(names, values)}


def design_case(df, formula):
    y, X = patsy.dmatrices(formula, df, return_type="dataframe", NA_action="drop")
    return {
        "kind": "design",
        "formula": formula,
        "result": {
            "lhs": list(y.columns),
            "column_names": list(X.design_info.column_names),
            "term_names": list(X.design_info.term_names),
            "nobs": int(X.shape[0]),
            "column_sums": [num(v) for v in X.sum(axis=0)],
            "column_sumsq": [num(v) for v in (X**2).sum(axis=0)],
            "lhs_sum": num(y.iloc[:, 0].sum()),
        },
    }


def ols_case(df, formula):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = smf.ols(formula, df).fit()
    names = list(res.model.exog_names)
    ci = np.asarray(res.conf_int())
    # The residual diagnostics of statsmodels' summary.
    omni, omni_p = omni_normtest(res.wresid)
    jb, jb_p, skew, kurtosis = jarque_bera(res.wresid)
    return {
        "kind": "ols",
        "formula": formula,
        "result": {
            "params": keyed(names, res.params),
            "bse": keyed(names, res.bse),
            "tvalues": keyed(names, res.tvalues),
            "pvalues": keyed(names, res.pvalues),
            "conf_int": {n: [num(lo), num(hi)] for n, (lo, hi) in zip(names, ci)},
            "rsquared": num(res.rsquared),
            "rsquared_adj": num(res.rsquared_adj),
            "fvalue": num(res.fvalue),
            "f_pvalue": num(res.f_pvalue),
            "llf": num(res.llf),
            "aic": num(res.aic),
            "bic": num(res.bic),
            "df_model": num(res.df_model),
            "df_resid": num(res.df_resid),
            "nobs": num(res.nobs),
            "ssr": num(res.ssr),
            "scale": num(res.scale),
            "rank": int(res.model.rank),
            "k_constant": int(res.k_constant),
            "condition_number": num(np.linalg.cond(res.model.exog)),
            "omnibus": num(omni),
            "omnibus_pvalue": num(omni_p),
            "skew": num(skew),
            "kurtosis": num(kurtosis),
            "durbin_watson": num(durbin_watson(res.wresid)),
            "jarque_bera": num(jb),
            "jarque_bera_pvalue": num(jb_p),
        },
    }


def anova_case(df, formula, typ):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = smf.ols(formula, df).fit()
        table = anova_lm(res, typ=typ)
    total = float(table["sum_sq"].sum())
    rows = []
    for term, r in table.iterrows():
        resid = term == "Residual"
        rows.append({
            "term": term,
            "sum_sq": num(r["sum_sq"]),
            "df": num(r["df"]),
            "F": num(r["F"]),
            "PR(>F)": num(r["PR(>F)"]),
            # Effect sizes are not in statsmodels: SS / (SS + SS_resid), and the share of the table's SS.
            "eta_sq_partial": None if resid else num(r["sum_sq"] / (r["sum_sq"] + res.ssr)),
            "eta_sq": num(r["sum_sq"] / total),
        })
    return {"kind": "anova", "formula": formula, "typ": typ, "result": {"rows": rows}}


def anova_rr_case(df, formula, typ):
    """ANOVA on designs that may be rank-deficient, each row the model comparison it stands for.

    statsmodels' anova_lm works on rounding noise there: type 1 counts every column of an aliased
    term and adds the noise of its Householder step; type 2 takes the last r columns of a QR of a
    rank-deficient L1 V L2', which may keep part of that block's column space. Here type 1 is the
    sequence of nested least-squares fits (SS = decrease in SSR, df = increase in rank), and types
    2 and 3 are statsmodels' f_test on L1 projected with the complement of L1 V L2' from an SVD
    (F on the rank f_test reports, df and SS as anova_lm counts them); type 2's F is checked
    against the nested comparison it equals
    wherever the term itself is not aliased with the other terms.
    On a full-rank design all three are checked against anova_lm itself.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = smf.ols(formula, df).fit()
        X, y = res.model.exog, res.model.endog
        info = patsy.dmatrices(formula, df, return_type="dataframe", NA_action="drop")[1].design_info
        assert list(info.column_names) == list(res.model.exog_names)
        scale, p = res.scale, X.shape[1]

        def ssr_rank(cols):
            if not cols:
                return float(y @ y), 0
            Xk = X[:, cols]
            beta = np.linalg.lstsq(Xk, y, rcond=None)[0]
            return float(((y - Xk @ beta) ** 2).sum()), int(np.linalg.matrix_rank(Xk))

        def row(term, ss, dfv, F, pv):
            return {"term": term, "sum_sq": ss, "df": dfv, "F": F, "PR(>F)": pv}

        rows = []
        terms = info.terms
        if typ == 1:
            prev = ssr_rank([])
            for term in terms:
                cur = ssr_rank(list(range(info.slice(term).stop)))
                dfv = cur[1] - prev[1]
                ss = prev[0] - cur[0] if dfv else 0.0
                F = ss / dfv / scale if dfv else math.nan
                if term.factors:
                    rows.append(row(term.name(), ss, dfv, F, stats.f.sf(F, dfv, res.df_resid) if dfv else math.nan))
                prev = cur
        else:
            tested = terms if typ == 3 else [t for t in terms if t.factors]
            for term in tested:
                L1 = list(range(info.slice(term).start, info.slice(term).stop))
                L2 = []
                if typ == 2:
                    for t in tested:
                        if set(term.factors) < set(t.factors):
                            L1 += list(range(info.slice(t).start, info.slice(t).stop))
                            L2 += list(range(info.slice(t).start, info.slice(t).stop))
                E = np.eye(p)
                L12 = E[L1]
                if L2:
                    LVL = E[L1] @ res.cov_params().values @ E[L2].T
                    U, sv, _ = np.linalg.svd(LVL, full_matrices=True)
                    rk = int((sv > sv.max() * max(LVL.shape) * np.finfo(float).eps).sum())
                    L12 = U[:, rk:].T @ E[L1]
                f = res.f_test(L12)
                F, J = float(np.squeeze(f.fvalue)), int(f.df_num)
                # anova_lm's convention: df and SS count the term's restrictions, F divides by J.
                r = len(L1) - len(L2)
                rows.append(row(term.name(), F * r * scale, r, F, float(f.pvalue)))
                if typ == 2:
                    # The same number from two nested fits: without the terms containing this one,
                    # and without this term too; F on the full model's scale.
                    others = [t for t in terms if not set(term.factors) <= set(t.factors)]
                    bigger = [j for t in others + [term] for j in range(info.slice(t).start, info.slice(t).stop)]
                    smaller = [j for t in others for j in range(info.slice(t).start, info.slice(t).stop)]
                    (s0, r0), (s1, r1) = ssr_rank(smaller), ssr_rank(bigger)
                    # (Only where the term is not aliased with the terms kept: x1 next to x3 = x1 + x2
                    # adds no rank, while f_test still tests the minimum-norm coefficient.)
                    if r1 - r0 == len(range(info.slice(term).start, info.slice(term).stop)):
                        assert r1 - r0 == J and math.isclose(s0 - s1, F * J * scale, rel_tol=1e-7), (term.name(), s0 - s1, F * J * scale)
        rows.append(row("Residual", res.ssr, res.df_resid, math.nan, math.nan))
        if res.model.rank == p:
            table = anova_lm(res, typ=typ)
            assert np.allclose(table["sum_sq"].values, [r["sum_sq"] for r in rows], rtol=1e-7)
    total = sum(r["sum_sq"] for r in rows)
    for r in rows:
        resid = r["term"] == "Residual"
        r["eta_sq_partial"] = None if resid else num(r["sum_sq"] / (r["sum_sq"] + res.ssr))
        r["eta_sq"] = num(r["sum_sq"] / total)
        for k in ("sum_sq", "df", "F", "PR(>F)"):
            r[k] = num(r[k])
    return {"kind": "anova", "formula": formula, "typ": typ, "reference": "model comparison", "result": {"rows": rows}}


def glm_case(df, formula, link):
    links = {"log": sm.families.links.Log(), "identity": sm.families.links.Identity()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = smf.glm(formula, df, family=sm.families.Gaussian(links[link])).fit()
    names = list(res.model.exog_names)
    ci = np.asarray(res.conf_int())
    return {
        "kind": "glm",
        "formula": formula,
        "link": link,
        "result": {
            "params": keyed(names, res.params),
            "bse": keyed(names, res.bse),
            "tvalues": keyed(names, res.tvalues),
            "pvalues": keyed(names, res.pvalues),
            "conf_int": {n: [num(lo), num(hi)] for n, (lo, hi) in zip(names, ci)},
            "deviance": num(res.deviance),
            "pearson_chi2": num(res.pearson_chi2),
            "scale": num(res.scale),
            "llf": num(res.llf),
            "aic": num(res.aic),
            "bic": num(res.bic_llf),
            "pseudo_rsquared_cs": num(res.pseudo_rsquared(kind="cs")),
            "df_model": num(res.df_model),
            "df_resid": num(res.df_resid),
            "nobs": num(res.nobs),
            "iterations": int(res.fit_history["iteration"]),
        },
    }


def label(v) -> str:
    """Group labels as Python prints them (ints as 5, floats as 0.001 or 1e-05)."""
    return str(v.item() if hasattr(v, "item") else v)


@functools.lru_cache(maxsize=None)
def srange_tail(q, k, df):
    """P(Q > q) for the studentized range, from the upper tail directly: E_s[P(R > q s)] with
    P(R > w) = k ∫ φ(z) Q(z + w) Σ_j Q(z)^j D^(k-2-j) dz, D = P(z < Z < z + w), every term
    positive, so it keeps its relative precision where scipy's 1 - cdf is noise. Both integrals
    by 48-point Gauss-Legendre on panels around their peaks (numpy, all nodes at once)."""
    from scipy import special

    x, w = np.polynomial.legendre.leggauss(48)

    def nodes(pts):
        a, b = np.array(pts[:-1]), np.array(pts[1:])
        return (((b - a)[:, None] * x + (a + b)[:, None]) / 2).ravel(), (((b - a) / 2)[:, None] * w).ravel()

    width = 1 / math.sqrt(2 * max(df - 1, 0.5))
    centres = [0.5 * math.log(max(df - 1, 0.5) / df), 0.5 * math.log(max(df - 1, 0.5) / (df + q * q / 2))]
    lo, hi = min(centres) - 60 * width - 80 / df, max(centres) + 12 * width
    u, wu = nodes(sorted({lo, hi, *[c + m * width for c in centres for m in (-12, -8, -4, -2, 0, 2, 4, 8) if lo < c + m * width < hi]}))
    rng = q * np.exp(u)[:, None]
    t, wt = nodes([-10, -6, -3, -1.5, 0, 1.5, 3, 6, 10])
    z = -rng / 2 + t
    with np.errstate(under="ignore"):
        qz, qzw = special.ndtr(-z), special.ndtr(-z - rng)
        d = np.where(z >= 0, qz - qzw, np.where(z + rng <= 0, special.ndtr(z + rng) - special.ndtr(z), 1 - qzw - special.ndtr(z)))
        total = sum(qz**j * d ** (k - 2 - j) for j in range(k - 1))
        range_sf = k * (np.exp(-z * z / 2) / math.sqrt(2 * math.pi) * qzw * total) @ wt
        logg = (df / 2) * math.log(df / 2) - special.gammaln(df / 2) + math.log(2) + df * u - df * np.exp(2 * u) / 2
        return float(np.exp(logg) * np.minimum(range_sf, 1) @ wu)


def tukey_case(df, value, group, alpha=0.05):
    d = df[[value, group]].dropna()
    res = pairwise_tukeyhsd(d[value], d[group], alpha=alpha)
    k = len(res.groupsunique)
    i1, i2 = np.triu_indices(k, 1)
    rows = []
    for j, (a, b) in enumerate(zip(i1, i2)):
        # scipy's sf is 1 - cdf, good to about 1e-10 absolute only: small p-values from the tail itself.
        p_adj = res.pvalues[j] if res.pvalues[j] >= 1e-4 else srange_tail(abs(res.meandiffs[j]) / res.std_pairs[j], k, float(np.atleast_1d(res.df_total)[0]))
        rows.append({
            "group1": label(res.groupsunique[a]),
            "group2": label(res.groupsunique[b]),
            "meandiff": num(res.meandiffs[j]),
            "p-adj": num(p_adj),
            "lower": num(res.confint[j, 0]),
            "upper": num(res.confint[j, 1]),
            "reject": bool(res.reject[j]),
        })
    return {"kind": "tukey", "value": value, "group": group, "alpha": alpha,
            "result": {"rows": rows, "q_crit": num(res.q_crit), "df": num(np.atleast_1d(res.df_total)[0])}}


def gam_case(df, formula, smooth, dfs, degree, alpha):
    # Smooth variables may be expressions (np.log(Dataset)); their names become the column prefixes.
    x = pd.DataFrame({s: eval(s, {"np": np, "log": log, "exp": exp, "sqrt": sqrt}, dict(df)) for s in smooth})
    bs = BSplines(x, df=dfs, degree=degree)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = GLMGam.from_formula(formula, data=df, smoother=bs, alpha=alpha).fit()
    names = list(res.model.exog_names)
    return {
        "kind": "gam",
        "formula": formula,
        "smooth": smooth,
        "df": dfs,
        "degree": degree,
        "alpha": alpha,
        "result": {
            "params": keyed(names, res.params),
            "bse": keyed(names, res.bse),
            "tvalues": keyed(names, res.tvalues),
            "pvalues": keyed(names, res.pvalues),
            "edf": keyed(names, res.edf),
            "edf_total": num(res.edf.sum()),
            "fittedvalues": [num(v) for v in res.fittedvalues],
            "scale": num(res.scale),
            "deviance": num(res.deviance),
            "llf": num(res.llf),
            "aic": num(res.aic),
            "gcv": num(res.gcv),
            "df_resid": num(res.df_resid),
            "nobs": num(res.nobs),
        },
    }


def distributions() -> dict:
    """scipy's values at points the models above reach, for the distribution functions' own tests."""
    out = {"t_two_sided": [], "t_ppf": [], "f_sf": [], "norm_two_sided": [], "norm_ppf": [],
           "srange_sf": [], "srange_ppf": []}
    for df in (1, 2, 3, 7.5, 10, 57, 1606, 100000):
        for t in (0.0, 0.05, 0.7, 1.96, 3.3, 8, 25, 60):
            out["t_two_sided"].append([t, df, float(2 * stats.t.sf(t, df))])
        for q in (0.6, 0.9, 0.975, 0.995, 0.9995):
            out["t_ppf"].append([q, df, float(stats.t.ppf(q, df))])
    for d1, d2 in ((1, 1), (1, 12), (2, 1606), (5, 40), (12, 1606), (30, 7)):
        for f in (0.01, 0.5, 1.0, 2.5, 9, 80, 6000):
            out["f_sf"].append([f, d1, d2, float(stats.f.sf(f, d1, d2))])
    for z in (0.0, 0.3, 1.0, 1.96, 4, 8.5, 17, 30):
        out["norm_two_sided"].append([z, float(2 * stats.norm.sf(z))])
    for q in (0.5, 0.8, 0.95, 0.975, 0.999, 0.999999):
        out["norm_ppf"].append([q, float(stats.norm.ppf(q))])
    for k in (2, 3, 6, 15):
        for df in (4, 20, 177, 1614):
            for q in (0.5, 2.0, 3.3, 4.5, 6.5):
                out["srange_sf"].append([q, k, df, float(stats.studentized_range.sf(q, k, df))])
            # scipy's quantile is slow (~0.1 s): a few points suffice.
            for p in (0.95, 0.99) if df == 20 else (0.95,):
                out["srange_ppf"].append([p, k, df, float(stats.studentized_range.ppf(p, k, df))])
    # The upper tail where 1 - cdf cancels: 3 to 12 means, values from 1e-5 down to 1e-40; at
    # (3.3, 3, 20) it must also agree with scipy, whose 1 - cdf is exact enough there.
    out["srange_sf_tail"] = []
    for q, k, df in ((3.3, 3, 20), (10, 5, 30), (20, 5, 30), (8, 10, 100), (12, 8, 60), (25, 12, 200),
                     (30, 10, 1000), (6.5, 15, 1614)):
        out["srange_sf_tail"].append([q, k, df, srange_tail(q, k, df)])
    assert math.isclose(out["srange_sf_tail"][0][3], stats.studentized_range.sf(3.3, 3, 20), rel_tol=1e-9)
    return out


def cases() -> dict[str, tuple[pd.DataFrame, list]]:
    P = PAPER_FORMULA
    return {
        "paper": (paper_frame(), [
            ("design", P),
            ("ols", P),
            ("anova", P, 1), ("anova", P, 2), ("anova", P, 3),
            ("glm", PAPER_GLM_FORMULA, "log"),
            ("glm", P, "log"),
            ("tukey", "DICE", "model"),
            ("tukey", "DICE", "Family"),
            ("tukey", "DICE", "Dataset"),
            ("gam", "DICE ~ ls + ls:Family + np.log(lr)", ["np.log(Dataset)"], [5], [3], [1.0]),
        ]),
        "simple": (simple_frame(), [
            ("design", "y ~ x1 + x2 + x1:x2 + I(x1**2)"),
            ("design", "y ~ x1*g - 1"),
            ("design", "np.log(y + 20) ~ (x1 + x2 + g)**2"),
            ("design", "y ~ g:x1 + x1"),
            ("design", "y ~ x1:g + g:x2 - 1"),
            ("design", "y ~ (x1 + g)**2 - x1"),
            ("design", "y ~ g + x1 - 1 + 1"),
            ("design", "y ~ 0 + g:x1"),
            ("design", "y ~ Q('x1') + np.exp(x2/10) + I(-x1 + 3*x2**2) + np.log10(x1 + 1):g"),
            ("ols", "y ~ 1"),
            ("ols", "y ~ x1 + x2 + x1:x2 + I(x1**2)"),
            ("ols", "y ~ x1*g"),
            ("ols", "y ~ 0 + g + x1"),
            ("ols", "np.log(y + 20) ~ log(x1 + 1) + np.sqrt(x2 ** 2) + I(x1 * x2 / 10 - 1)"),
            ("anova", "y ~ x1*g", 1), ("anova", "y ~ x1*g", 2), ("anova", "y ~ x1*g", 3),
            ("glm", "y ~ x1 + x2 + g", "identity"),
            ("tukey", "y", "g"),
        ]),
        "factorial": (factorial_frame(), [
            ("design", "y ~ C(dose) * treatment"),
            ("design", "y ~ treatment / sex"),
            ("design", "y ~ C(dose, Treatment(5)) + C(treatment, Treatment(reference='drugB'))"),
            ("ols", "y ~ C(dose) * treatment"),
            ("ols", "y ~ treatment / sex"),
            ("ols", "y ~ C(dose, Treatment(5)) + C(treatment, Treatment(reference='drugB')) + sex"),
            ("anova", "y ~ C(dose) * treatment", 1), ("anova", "y ~ C(dose) * treatment", 2),
            ("anova", "y ~ C(dose) * treatment", 3),
            ("anova", "y ~ C(dose) + treatment + sex", 2),
            ("tukey", "y", "treatment"),
            ("tukey", "y", "dose"),
        ]),
        "rankdef": (rankdef_frame(), [
            ("design", "y ~ a*b"),
            ("ols", "y ~ x1 + x2 + x3"),
            ("ols", "y ~ a*b"),
            ("ols", "y ~ a*b + x1 + x2 + x3"),
            ("anova", "y ~ x1 + x2 + x3", 3),
        ]),
        "illcond": (illcond_frame(), [
            ("ols", "y ~ x + I(x**2) + I(x**3) + big"),
            ("anova", "y ~ x + I(x**2) + I(x**3) + big", 1),
            ("anova", "y ~ x + I(x**2) + I(x**3) + big", 2),
            ("glm", "y ~ x + I(x**2) + big", "log"),
        ]),
        "growth": (growth_frame(), [
            ("design", "dice ~ np.log(n_train) + C(depth) + lr"),
            ("glm", "dice ~ np.log(n_train) + C(depth) + lr", "log"),
            ("glm", "dice ~ n_train + C(depth):lr", "log"),
            ("ols", "np.log(dice) ~ np.log(n_train) + C(depth) + lr"),
            ("anova", "np.log(dice) ~ np.log(n_train) * C(depth) + C(lr)", 2),
            ("tukey", "dice", "lr"),
        ]),
        "smooth": (smooth_frame(), [
            ("gam", "y ~ g + z", ["x"], [10], [3], [0.0005]),
            ("gam", "y ~ g + z", ["x", "w"], [8, 6], [3, 2], [0.002, 0.5]),
            ("gam", "y ~ z", ["x"], [12], [3], [0.0]),
            ("ols", "y ~ g + z + x + w"),
        ]),
        "aliased": (aliased_frame(), [
            ("design", "y ~ (site + C(dose) + flag)**2"),
            ("ols", "y ~ (site + C(dose) + flag)**2"),
            ("anova_rr", "y ~ (site + C(dose) + flag)**2", 1),
            ("anova_rr", "y ~ (site + C(dose) + flag)**2", 2),
            ("anova_rr", "y ~ (site + C(dose) + flag)**2", 3),
            ("anova_rr", "y ~ x1 + x2 + x3 + site", 1),
            ("anova_rr", "y ~ x1 + x2 + x3 + site", 2),
            ("anova_rr", "y ~ site * C(dose) + x1", 2),
            ("anova_rr", "y ~ flag + site * C(dose)", 1),
        ]),
        "groups": (groups_frame(), [
            ("ols", "y ~ C(g) + x"),
            ("anova_rr", "y ~ C(g) * x", 1),
            ("anova_rr", "y ~ C(g) * x", 2),
            ("anova_rr", "y ~ C(g) * x", 3),
            ("tukey", "y", "g"),
        ]),
        "formulas": (formulas_frame(), [
            ("design", "y ~ C(g, Sum) + C(dose, Helmert)"),
            ("design", "y ~ C(g, Poly) + C(dose, Diff) + x"),
            ("design", "y ~ C(g, Sum):C(dose, Helmert)"),
            ("design", "y ~ C(g, Poly):x + C(dose, Diff):z"),
            ("design", "y ~ C(g, Diff) * x"),
            ("design", "y ~ C(dose, levels=[5, 1, 2]) + C(g, Treatment('c'), levels=['d', 'c', 'b', 'a'])"),
            ("design", "y ~ C(g, Sum(omit='b')) + C(dose, contrast=Sum)"),
            ("design", "y ~ I(x > 50) + I((x > 20) & (z < 0)) + center(x) + standardize(z)"),
            ("design", "y ~ scale(x, ddof=1) + center(z):g + standardize(x, rescale=False)"),
            ("ols", "y ~ C(g, Sum) + C(dose, Helmert) + x"),
            ("ols", "y ~ C(g, Poly) * center(x)"),
            ("ols", "y ~ I(x > 50) + I(x <= 20) + standardize(z) + C(dose, levels=[5, 1, 2])"),
            ("anova", "y ~ C(g, Sum) * C(dose, Sum)", 3),
            ("anova", "y ~ C(g, Helmert) + C(dose, Diff) + x", 2),
            ("glm", "yneg ~ x + g", "log"),
            ("design", "y ~ bs(x, df=4) + bs(z, df=6, degree=2, include_intercept=True) - 1"),
            ("design", "y ~ bs(x, knots=[20, 50, 80], degree=1) + bs(z, 5, lower_bound=-4, upper_bound=4):g"),
            ("ols", "y ~ bs(x, df=5) + C(g, Sum)"),
            ("design", "y ~ cr(x, df=5) - 1 + cr(z, knots=[-1, 0, 1], constraints='center')"),
            ("design", "y ~ cr(x, 4, lower_bound=-1, upper_bound=101, constraints='center'):g"),
            ("ols", "y ~ cr(x, df=4, constraints='center') + g"),
        ]),
        "missing": (missing_frame(), [
            ("design", "y ~ x + g"),
            ("ols", "y ~ x + g"),
            ("ols", "y ~ x + u"),
            ("tukey", "y", "g"),
        ]),
    }


def run_case(df, spec):
    kind, *args = spec
    return {"design": design_case, "ols": ols_case, "anova": anova_case, "anova_rr": anova_rr_case, "glm": glm_case,
            "tukey": tukey_case, "gam": gam_case}[kind](df, *args)


def main(out: Path = DEFAULT_OUT) -> None:
    out.mkdir(parents=True, exist_ok=True)
    meta = {"statsmodels": statsmodels.__version__, "patsy": patsy.__version__, "scipy": scipy.__version__,
            "numpy": np.__version__, "pandas": pd.__version__}
    for name, (frame, specs) in cases().items():
        csv = out / f"{name}.csv"
        frame.to_csv(csv, index=False)
        # Fit on what the CSV holds, exactly as the TypeScript side will read it.
        df = pd.read_csv(csv)
        doc = {"meta": meta, "dataset": name, "csv": csv.name, "rows": int(len(df)),
               "cases": [run_case(df, s) for s in specs]}
        (out / f"{name}.json").write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n")
    (out / "distributions.json").write_text(
        json.dumps({"meta": meta, **distributions()}, indent=1, allow_nan=False) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
