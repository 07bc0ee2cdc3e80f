"""A real worker process, preempted mid-job, hands its job back; and the lines it prints per job."""

import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from jobs import recv, tiny_job
from plateau.job_lines import JobLines, with_data_root




def test_data_root_replaces_the_data_sets_root_only():
    job = tiny_job(dataset={"kind": "image-folder", "root": "/control/kvasir", "images": "images", "masks": "masks"})
    mapped = with_data_root(job, "/scratch/kvasir")
    assert mapped["dataset"]["root"] == "/scratch/kvasir" and mapped["dataset"]["images"] == "images"
    assert job["dataset"]["root"] == "/control/kvasir" and mapped["key"] == job["key"]
    synthetic = tiny_job()
    assert with_data_root(synthetic, "/scratch/x") is synthetic  # generated from the spec: nothing to map
    assert with_data_root(job, None) is job


def test_job_lines_say_start_epochs_done_and_failed():
    out = io.StringIO()
    t = iter([0.0, 10.0, 13.5])
    lines = JobLines("w1", verbose=True, out=out, clock=lambda: next(t))
    job = tiny_job()
    lines.start(job)
    lines.epoch(job["key"], {"epoch": 1, "epochs": 2, "train_loss": 0.5, "val_loss": 0.25, "val_dice": 0.75})
    lines.done(job, {"dice": 0.81234}, 3.21)
    lines.start(job)
    lines.failed(job, "ValueError: no cases\nmore")
    said = out.getvalue().splitlines()
    assert said[0] == "plateau worker w1: start resunet-d2 100% [0123456789abcdef]"
    assert "epoch 1/2" in said[1] and "val_dice=0.7500" in said[1]
    assert said[2] == "plateau worker w1: done resunet-d2 100% dice=0.8123 3.2s [0123456789abcdef]"
    assert said[4].endswith("failed resunet-d2 100% after 3.5s [0123456789abcdef]: ValueError: no cases")
    quiet = io.StringIO()
    JobLines("w2", out=quiet).epoch("k", {"epoch": 1, "epochs": 2, "train_loss": 0, "val_loss": 0, "val_dice": 0})
    assert quiet.getvalue() == ""


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGUSR1])
def test_a_preempted_worker_hands_its_job_back_and_exits(router, sig):
    sock, endpoint = router
    proc = subprocess.Popen([sys.executable, "-m", "plateau.worker", "--connect", endpoint, "--id", "pre", "--threads", "1",
                             "--heartbeat", "0.2"], env={**os.environ}, stdout=subprocess.PIPE, text=True)
    try:
        ident, type_, _, _ = recv(sock)
        assert type_ == "READY"
        # Many epochs: the job is still training when the signal comes.
        job = tiny_job(training={**tiny_job()["training"], "epochs": 200})
        sock.send_multipart([ident, b"JOB", json.dumps(job).encode()])
        while recv(sock)[1] != "PROGRESS":
            pass
        proc.send_signal(sig)
        t0 = time.monotonic()
        while True:
            _, type_, header, _ = recv(sock)
            if type_ == "HANDBACK":
                break
            assert type_ in ("PROGRESS", "HEARTBEAT")
        assert header == {"job": job["key"], "reason": f"{signal.Signals(sig).name} on {os.uname().nodename}"}
        assert proc.wait(timeout=10) == 128 + sig
        assert time.monotonic() - t0 < 10
        out = proc.stdout.read()
        assert f"start resunet-d2 100% [{job['key']}]" in out and f"job [{job['key']}] handed back" in out
    finally:
        proc.kill()
        proc.wait()


def test_a_failed_job_s_reason_is_plateau_s_sentence_alone_or_names_a_foreign_error_s_type():
    """A bundle that did not build failed with 'BundleError: bundle config … cannot be built …'."""
    from plateau.bundle import BundleError
    from plateau.worker import reason

    assert reason(BundleError("bundle config b/train.json cannot be built: no network")) == "bundle config b/train.json cannot be built: no network"
    assert reason(RuntimeError("CUDA out of memory")) == "RuntimeError: CUDA out of memory"
    assert reason(ValueError("no cases")) == "ValueError: no cases"
