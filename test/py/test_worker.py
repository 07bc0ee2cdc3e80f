"""A real worker process against a real ZeroMQ ROUTER played by the test."""

import json
import os
import subprocess
import sys

import pytest
import torch

from jobs import recv, tiny_job
from plateau.schemas import SchemaError, validate_job
from plateau.tables import from_ipc
from plateau.train import run_job


def test_job_validation_names_the_field():
    validate_job(tiny_job())
    with pytest.raises(SchemaError, match=r"model\.depth"):
        validate_job(tiny_job(model={**tiny_job()["model"], "depth": 1}))
    with pytest.raises(SchemaError, match=r"n_train"):
        validate_job({k: v for k, v in tiny_job().items() if k != "n_train"})


def test_run_job_is_deterministic_under_a_seed():
    a, b = run_job(tiny_job()), run_job(tiny_job())
    assert a.metrics["dice"] == b.metrics["dice"]
    assert [e["train_loss"] for e in a.epochs] == [e["train_loss"] for e in b.epochs]




def start_worker(endpoint):
    return subprocess.Popen([sys.executable, "-m", "plateau.worker", "--connect", endpoint, "--id", "pyw", "--threads", "1",
                             "--heartbeat", "0.2"], env={**os.environ})


def test_worker_speaks_the_protocol(router):
    sock, endpoint = router
    proc = start_worker(endpoint)
    try:
        ident, type_, ready, _ = recv(sock)
        device = "cuda:0" if torch.cuda.is_available() else "cpu"
        assert (ident, type_) == (b"pyw", "READY") and ready["device"] == device and ready["pid"] == proc.pid
        sock.send_multipart([ident, b"JOB", json.dumps(tiny_job()).encode()])
        seen = []
        while True:
            _, type_, header, payload = recv(sock)
            seen.append(type_)
            if type_ == "RESULT":
                break
        assert seen.count("PROGRESS") == 2
        assert header["tables"] == ["epochs", "metrics", "cases", "classes"] and len(payload) == 4
        epochs, metrics, cases, classes = (from_ipc(p).to_pylist() for p in payload)
        assert [c["class"] for c in classes] == ["foreground"] and classes[0]["dice"] == metrics[0]["dice"]
        assert len(cases) == 6 and {c["case_id"] for c in cases} <= {f"synthetic-{i:05d}" for i in range(24)}
        assert [e["epoch"] for e in epochs] == [1, 2]
        assert 0 <= metrics[0]["dice"] <= 1 and metrics[0]["n_test"] == 6

        bad = tiny_job(key="fedcba9876543210", split={"train": 12, "val": 6})
        sock.send_multipart([ident, b"JOB", json.dumps(bad).encode()])
        while True:
            _, type_, header, _ = recv(sock)
            if type_ == "FAILED":
                break
        assert header["job"] == "fedcba9876543210" and "split" in header["error"]

        sock.send_multipart([ident, b"STOP", b"{}"])
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()


def test_a_job_runs_with_the_thread_count_sent_with_it():
    import queue

    from plateau.worker import _train

    before = torch.get_num_threads()
    try:
        want = 1 if before != 1 else 2
        events: queue.Queue = queue.Queue()
        _train(tiny_job(), events, threads=want)
        assert events.get()[0] in ("PROGRESS", "RESULT")
        assert torch.get_num_threads() == want
    finally:
        torch.set_num_threads(before)


def test_a_key_beginning_with_a_dash_is_taken_either_way():
    from plateau.worker import _joined_values

    assert _joined_values(["--server-key", "-abc", "--key-file", "k.json"]) == ["--server-key=-abc", "--key-file", "k.json"]
    assert _joined_values(["--server-key=-abc"]) == ["--server-key=-abc"]


def test_bad_curve_settings_are_one_sentence_not_a_zmq_error(tmp_path):
    from plateau.worker import curve_problem, keygen

    good = tmp_path / "keys.json"
    public = keygen(str(good))
    assert curve_problem(public, str(good)) is None
    assert curve_problem("abc", str(good)).startswith("--server-key:")
    (tmp_path / "bad.json").write_text("not json")
    assert "not a CURVE key pair" in curve_problem(public, str(tmp_path / "bad.json"))
    (tmp_path / "short.json").write_text(json.dumps({"publicKey": public, "secretKey": public[:35]}))
    assert "not a CURVE key pair" in curve_problem(public, str(tmp_path / "short.json"))
    assert "cannot be read" in curve_problem(public, str(tmp_path / "missing.json"))
    # through the command line: argparse's exit 2 and the sentence, no traceback
    r = subprocess.run([sys.executable, "-m", "plateau.worker", "--connect", "tcp://127.0.0.1:9", f"--server-key={public}",
                        "--key-file", str(tmp_path / "bad.json")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "not a CURVE key pair" in r.stderr and "Traceback" not in r.stderr


def test_a_worker_starts_without_monai_s_nvimagecodec_notice(tmp_path):
    # MONAI 1.6's DICOM reader announced on every start that nvImageCodec is missing (plateau reads DICOM with pydicom)
    r = subprocess.run([sys.executable, "-m", "plateau.worker", "--keygen", str(tmp_path / "k.json")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0
    assert r.stderr == ""
