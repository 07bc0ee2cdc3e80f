"""The checked-in statsmodels references (test/stats/golden) are what test/stats/golden.py computes now.

The TypeScript statistics are tested against those files; this re-runs the script into a temporary
folder and fails when the data sets differ in any byte or a reference number differs beyond what
another BLAS or scipy build could change (relative 1e-7), i.e. when the references are stale.
Regenerate with: .venv/bin/python test/stats/golden.py
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "test" / "stats" / "golden"
SCRIPT = ROOT / "test" / "stats" / "golden.py"


def differences(fresh, stored, path="") -> list[str]:
    """Where two reference documents disagree (numbers to rel 1e-7 / abs 1e-12)."""
    if isinstance(fresh, dict) and isinstance(stored, dict):
        if list(fresh) != list(stored):
            return [f"{path}: keys {list(fresh)} != {list(stored)}"]
        skip = inestimable(fresh) | inestimable(stored)
        out = []
        for k in fresh:
            if k == "meta":
                continue  # library versions
            if k in ("tvalues", "pvalues") and skip:
                fresh_k = {n: v for n, v in fresh[k].items() if n not in skip}
                stored_k = {n: v for n, v in stored[k].items() if n not in skip}
                out += differences(fresh_k, stored_k, f"{path}.{k}")
            elif k == "condition_number" and max(abs(fresh[k] or math.inf), abs(stored[k] or math.inf)) > 1e12:
                continue  # a rank-deficient design's condition number is rounding noise
            else:
                out += differences(fresh[k], stored[k], f"{path}.{k}")
        return out
    if isinstance(fresh, list) and isinstance(stored, list):
        if len(fresh) != len(stored):
            return [f"{path}: {len(fresh)} items != {len(stored)}"]
        return [d for i, (a, b) in enumerate(zip(fresh, stored)) for d in differences(a, b, f"{path}[{i}]")]
    if isinstance(fresh, bool) or isinstance(stored, bool) or not isinstance(fresh, (int, float)) or not isinstance(stored, (int, float)):
        return [] if fresh == stored else [f"{path}: {fresh!r} != {stored!r}"]
    return [] if math.isclose(fresh, stored, rel_tol=1e-7, abs_tol=1e-12) else [f"{path}: {fresh!r} != {stored!r}"]


def inestimable(doc) -> set[str]:
    """Coefficients of aliased columns: standard error at rounding level, t a ratio of rounding errors."""
    bse = doc.get("bse") if isinstance(doc, dict) else None
    if not isinstance(bse, dict) or "tvalues" not in doc:
        return set()
    scale = max((abs(v) for v in bse.values() if v is not None), default=0.0)
    return {n for n, v in bse.items() if v is not None and abs(v) <= 1e-9 * scale}


def test_checked_in_references_are_current(tmp_path):
    subprocess.run([sys.executable, str(SCRIPT), str(tmp_path)], check=True, cwd=ROOT)
    fresh = sorted(p.name for p in tmp_path.iterdir())
    assert fresh == sorted(p.name for p in GOLDEN.iterdir()), "files differ: regenerate with test/stats/golden.py"
    stale = []
    for name in fresh:
        if name.endswith(".csv"):
            if (tmp_path / name).read_bytes() != (GOLDEN / name).read_bytes():
                stale.append(f"{name}: data differ")
        else:
            a = json.loads((tmp_path / name).read_text())
            b = json.loads((GOLDEN / name).read_text())
            stale += [f"{name}{d}" for d in differences(a, b)]
    assert not stale, "stale references (regenerate with .venv/bin/python test/stats/golden.py):\n" + "\n".join(stale[:20])


def test_staleness_check_sees_a_changed_number(tmp_path):
    doc = json.loads((GOLDEN / "paper.json").read_text())
    changed = json.loads(json.dumps(doc))
    first = next(c for c in changed["cases"] if c["kind"] == "ols")
    name = next(iter(first["result"]["params"]))
    first["result"]["params"][name] *= 1 + 1e-6
    assert differences(changed, doc)
    assert not differences(doc, json.loads(json.dumps(doc)))
