"""bench/lcdb_curves.py: a curve's mean over seeds, and its single run (seed 0/0) beside the mean at the sizes the run has."""
import importlib.util
import io
import tarfile
from pathlib import Path

spec = importlib.util.spec_from_file_location("lcdb_curves", Path(__file__).parents[2] / "bench" / "lcdb_curves.py")
lcdb_curves = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lcdb_curves)

HEADER = "openmlid,learner,size_train,size_test,outer_seed,inner_seed,traintime,score_train,score_valid,score_test"


def sdist(tmp_path, rows):
    """A tar holding lcdb/database-f1.csv with these (openmlid, learner, n, outer, inner, score) rows, as the sdist does."""
    text = "\n".join([HEADER] + [f"{o},{lr},{n},100,{a},{b},0.1,1,0.5,{s}" for o, lr, n, a, b, s in rows]).encode()
    path = tmp_path / "lcdb.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("lcdb-0.1.0/lcdb/database-f1.csv")
        info.size = len(text)
        tar.addfile(info, io.BytesIO(text))
    return tarfile.open(path)


def test_single_runs_are_seed_0_beside_the_mean_at_the_sizes_the_run_has(tmp_path):
    rows = [
        (3, "svc", 16, 0, 0, 0.5), (3, "svc", 16, 0, 1, 0.7), (3, "svc", 16, 1, 0, 0.6),
        (3, "svc", 32, 0, 1, 0.8), (3, "svc", 32, 1, 1, 0.9),  # no seed 0/0 run at 32
        (3, "svc", 64, 0, 0, 0.85), (3, "svc", 64, 1, 0, 0.95), (3, "svc", 64, 2, 2, "nan"),
        (5, "knn", 16, 1, 1, 0.4),  # no seed 0/0 run at all
    ]
    with sdist(tmp_path, rows) as tar:
        means, runs = lcdb_curves.curves(tar, "f1")
    svc = next(c for c in means if c["openmlid"] == 3)
    assert svc["n"] == [16, 32, 64]
    assert svc["count"] == [3, 2, 2]  # the nan is dropped
    assert [round(v, 12) for v in svc["score"]] == [0.6, 0.85, 0.9]
    assert [(c["openmlid"], c["learner"]) for c in runs] == [(3, "svc")]
    run = runs[0]
    assert run["n"] == [16, 64]
    assert run["run"] == [0.5, 0.85]
    assert [round(v, 12) for v in run["mean"]] == [0.6, 0.9]
    assert run["count"] == [3, 2]
    assert abs(run["sd"][0] - 0.1) < 1e-12
