"""The simulated worker (bench/scale.ts) answers a JOB with tables a real trainer could have sent."""

from jobs import tiny_job
from plateau.simulate import simulated_tables
from plateau.tables import build_table, from_ipc, to_ipc


def test_simulated_results_fit_the_table_layouts_and_the_job():
    job = tiny_job(n_train=12, training={**tiny_job()["training"], "epochs": 3})
    tables = simulated_tables(job)
    back = {name: from_ipc(to_ipc(build_table(name, rows))).to_pylist() for name, rows in tables.items()}
    m = back["metrics"][0]
    assert len(back["epochs"]) == 3 and m["epochs_run"] == 3
    assert m["n_train"] == 12 and m["n_test"] == 6 and len(back["cases"]) <= m["n_test"]
    assert 0 < m["dice"] < 1 and 0 < m["iou"] < m["dice"]
    # more data, a higher Dice: the replayed curve saturates in n_train like a learning curve
    assert simulated_tables(tiny_job(n_train=200))["metrics"][0]["dice"] > m["dice"]
