"""A tiny job as the control plane would send it (shape checked against schemas/job.json)."""

import json


def tiny_job(**over):
    job = {
        "key": "0123456789abcdef",
        "experiment": "pytest",
        "dataset": {"kind": "synthetic-2d", "count": 24, "size": 32, "objects": 3, "radius_max": 6, "noise": 0.3, "seed": 0},
        "split": {"train": 12, "val": 6, "test": 6},
        "fold": None,
        "fraction": 1.0,
        "count": None,
        "n_train": 12,
        "model": {"name": "resunet-d2", "family": "resunet", "depth": 2, "channels": 4, "res_units": 1},
        "training": {"loss": "bce", "optimizer": "adam", "lr": 0.01, "weight_decay": 0, "epochs": 2, "batch_size": 4,
                     "amp": True},
        "repeat": 0,
        "seed": 0,
    }
    job.update(over)
    return job


def recv(sock):
    """One message from a worker, as the broker reads it: identity, type, header, payload frames."""
    ident, type_, header, *payload = sock.recv_multipart()
    return ident, type_.decode(), json.loads(header), payload
