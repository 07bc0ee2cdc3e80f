"""A simulated worker for scale benchmarks (bench/scale.ts): it speaks the worker protocol and
answers each JOB at once with a valid RESULT whose numbers follow a saturating curve of the job's
training-set size — no torch, no data, so dozens start in a second and the control plane's own
cost per result is what a benchmark sees.

    python -m plateau.simulate --connect tcp://127.0.0.1:5555 --server-key KEY --key-file KEYS.json [--id NAME]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import sys
import time

import zmq

from .protocol import decode, encode
from .tables import build_table, to_ipc


def simulated_tables(job: dict) -> dict[str, list[dict]]:
    """Epochs, metrics and cases of a job as a real trainer would report them (a curve in n_train)."""
    split = job.get("split", {})
    test = split.get("test") if isinstance(split.get("test"), int) and split.get("test", 0) >= 1 else 1
    n_train = job.get("n_train") or 1
    epochs = job["training"]["epochs"]
    dice = 0.9 - 0.5 * math.exp(-n_train / 50) - 0.01 * (job.get("repeat") or 0)
    rows = [{"epoch": e, "train_loss": 1.0 / e, "val_loss": 1.1 / e, "val_dice": dice * e / epochs, "seconds": 0.0}
            for e in range(1, epochs + 1)]
    metrics = {"dice": dice, "iou": dice / (2 - dice), "recall": dice, "precision": dice, "bce": 1 - dice,
               "global_dice": dice, "n_train": n_train, "n_val": split.get("val") if isinstance(split.get("val"), int) else 0,
               "n_test": test, "epochs_run": epochs, "best_epoch": epochs, "train_seconds": 0.0, "params": 1000,
               "flops": 1e6, "throughput": 1e3, "device": "simulated"}
    cases = [{"case_id": f"sim-{i:05d}", "patient": f"sim-{i:05d}", "dice": dice, "iou": dice / (2 - dice),
              "recall": dice, "precision": dice, "foreground": 100.0} for i in range(min(test, 8))]
    return {"epochs": rows, "metrics": [metrics], "cases": cases}


def serve(endpoint: str, ident: str, server_key: str, key_file: str, timeout: float = 30.0) -> int:
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    with open(key_file) as f:
        keys = json.load(f)
    sock.curve_serverkey = server_key.encode()
    sock.curve_publickey = keys["publicKey"].encode()
    sock.curve_secretkey = keys["secretKey"].encode()
    sock.setsockopt(zmq.IDENTITY, ident.encode())
    sock.connect(endpoint)
    sock.send_multipart(encode("READY", {"worker": ident, "host": socket.gethostname(), "pid": os.getpid(),
                                         "device": "simulated", "torch": "-", "monai": "-", "gpu": None, "threads": 1}))
    last_sent = last_heard = time.monotonic()
    try:
        while True:
            if sock.poll(250):
                type_, header = decode(sock.recv_multipart())
                last_heard = time.monotonic()
                if type_ == "STOP":
                    return 0
                if type_ == "JOB":
                    tables = simulated_tables(header)
                    frames = [to_ipc(build_table(name, rows)) for name, rows in tables.items()]
                    sock.send_multipart(encode("RESULT", {"job": header["key"], "tables": list(tables), "seconds": 0.0}, frames))
                    last_sent = time.monotonic()
            now = time.monotonic()
            if now - last_sent >= 1.0:
                sock.send_multipart(encode("HEARTBEAT", {}))
                last_sent = now
            if now - last_heard > timeout:
                print(f"plateau simulate {ident}: broker silent for {timeout:.0f} s, exiting", file=sys.stderr)
                return 1
    finally:
        sock.close(linger=1000)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m plateau.simulate", description=__doc__.split("\n\n")[0])
    ap.add_argument("--connect", required=True)
    ap.add_argument("--server-key", required=True)
    ap.add_argument("--key-file", required=True)
    ap.add_argument("--id", default=f"sim-{socket.gethostname()}-{os.getpid()}")
    args = ap.parse_args([a for a in (sys.argv[1:] if argv is None else argv)])
    return serve(args.connect, args.id, args.server_key, args.key_file)


if __name__ == "__main__":
    sys.exit(main())
