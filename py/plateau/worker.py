"""A worker: connects a DEALER to the control plane's ROUTER and trains one job at a time.

    python -m plateau.worker --connect tcp://127.0.0.1:5555 [--id NAME] [--threads N]
    python -m plateau.worker --keygen KEYS.json      # once, for a worker on another machine
    python -m plateau.worker --connect tcp://HOST:5555 --server-key KEY --key-file KEYS.json

Training runs on a thread of its own; the main thread owns the socket (ZeroMQ sockets are not
thread-safe), sends heartbeats, forwards progress, and exits when the broker says STOP or
falls silent.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import signal
import socket
import sys
import threading
import time
import traceback

import monai
import torch
import zmq

from .job_lines import JobLines, with_data_root
from .protocol import decode, encode
from .schemas import SchemaError, validate_job
from .tables import build_table, to_ipc
from .train import run_job


def _device() -> tuple[str, str | None]:
    """This worker's device. With GPUs, the one its slot falls on: the control plane gives its local
    workers slots 0, 1, ... (PLATEAU_WORKER_SLOT), so n workers share g GPUs round robin, at most
    ceil(n / g) small jobs to a GPU; a worker started by hand (no slot) takes GPU 0. The GPU is made
    current, so everything the job puts on "cuda" lands there."""
    if torch.cuda.is_available():
        try:
            slot = max(0, int(os.environ.get("PLATEAU_WORKER_SLOT", "0")))
        except ValueError:
            slot = 0
        i = slot % torch.cuda.device_count()
        torch.cuda.set_device(i)
        return f"cuda:{i}", torch.cuda.get_device_name(i)
    return "cpu", None


def _train(job: dict, events: queue.Queue, threads: int = 0, lines: JobLines | None = None) -> None:
    """Runs on the training thread; every outcome becomes one message on ``events``.

    ``threads`` comes with the job from the control plane, which fixes it per job and stores it, so a
    job's numbers do not depend on how many jobs happened to be pending when it ran."""
    key = job.get("key", "?")
    lines = lines or JobLines(key)
    lines.start(job)
    try:
        validate_job(job)
        if threads > 0:
            torch.set_num_threads(threads)
        result = run_job(job, on_epoch=lambda e: (lines.epoch(key, e), events.put(("PROGRESS", {"job": key, **e}, []))))
        tables = {"epochs": result.epochs, "metrics": [result.metrics], "cases": result.cases, "classes": result.classes}
        frames = [to_ipc(build_table(name, rows)) for name, rows in tables.items()]
        events.put(("RESULT", {"job": key, "tables": list(tables), "seconds": result.seconds}, frames))
        lines.done(job, result.metrics, result.seconds)
    except SchemaError as e:
        events.put(("FAILED", {"job": key, "error": str(e), "traceback": ""}, []))
        lines.failed(job, str(e))
    except Exception as e:  # noqa: BLE001 - any trainer error is reported, not fatal to the worker
        error = reason(e)
        events.put(("FAILED", {"job": key, "error": error, "traceback": traceback.format_exc()}, []))
        lines.failed(job, error)


def reason(e: BaseException) -> str:
    """A failed job's reason: plateau's own errors (a bundle that does not build, a target, a data
    set) are sentences already; any other keeps its type, which says what went wrong (a
    RuntimeError from torch, a MemoryError)."""
    own = type(e).__module__.split(".")[0] == "plateau"
    return str(e) if own and str(e) else f"{type(e).__name__}: {e}"


def keygen(path: str) -> str:
    """Writes a CURVE key pair for this worker (owner-only) and returns its public key, which goes
    into the broker's authorized-keys file."""
    public, secret = zmq.curve_keypair()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"publicKey": public.decode(), "secretKey": secret.decode()}, f)
    return public.decode()


def _curve(sock: zmq.Socket, server_key: str, key_file: str) -> None:
    """Encrypt, and authenticate to the broker with this worker's key pair (see ts/dispatch/curve.ts)."""
    with open(key_file) as f:
        keys = json.load(f)
    sock.curve_serverkey = server_key.encode()
    sock.curve_publickey = keys["publicKey"].encode()
    sock.curve_secretkey = keys["secretKey"].encode()


def _is_curve_key(text: str) -> bool:
    from zmq.utils import z85

    try:
        return len(text) == 40 and len(z85.decode(text)) == 32
    except (ValueError, KeyError, IndexError):
        return False


def curve_problem(server_key: str, key_file: str) -> str | None:
    """Why these CURVE settings cannot work, as one sentence, or None (so ZeroMQ never says only 'Invalid argument')."""
    if not _is_curve_key(server_key):
        return "--server-key: not a CURVE public key (40 Z85 characters, as the run printed it)"
    try:
        with open(key_file) as f:
            keys = json.load(f)
    except OSError as e:
        return f"--key-file {key_file}: cannot be read ({e.strerror})"
    except ValueError:
        keys = None
    if not isinstance(keys, dict) or not all(isinstance(keys.get(k), str) and _is_curve_key(keys[k]) for k in ("publicKey", "secretKey")):
        return f"--key-file {key_file}: not a CURVE key pair (JSON with a publicKey and a secretKey, as --keygen writes it)"
    return None


REFUSED = "the broker refused this worker's key"
# Handshake outcomes that mean this worker is not admitted: the ZAP handler said no to its key
# (AUTH), or the two sides speak different mechanisms (PROTOCOL: no CURVE here, CURVE there).
_NOT_ADMITTED = zmq.EVENT_HANDSHAKE_FAILED_AUTH | zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL


def _refusal(monitor: zmq.Socket) -> str | None:
    """Why the broker would not admit this worker, if the socket monitor has said so."""
    from zmq.utils.monitor import recv_monitor_message

    while monitor.poll(0):
        event = recv_monitor_message(monitor)
        if event["event"] == zmq.EVENT_HANDSHAKE_FAILED_AUTH:
            return f"{REFUSED} (ZAP status {event['value']}): ask for its public key to be added to --authorized-keys"
        if event["event"] == zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL:
            return f"{REFUSED} (it expects CURVE: pass --server-key and --key-file)"
    return None


def serve(endpoint: str, ident: str, heartbeat: float = 1.0, timeout: float = 30.0,
          server_key: str | None = None, key_file: str | None = None, data_root: str | None = None,
          verbose: bool = False) -> int:
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    if server_key:
        _curve(sock, server_key, key_file)
    sock.setsockopt(zmq.IDENTITY, ident.encode())
    sock.setsockopt(zmq.LINGER, 2000)
    monitor = sock.get_monitor_socket(_NOT_ADMITTED)
    sock.connect(endpoint)
    device, gpu = _device()

    def send(frames: list[bytes]) -> None:
        # Never block: a broker that is gone or never admitted us must not keep the worker past --timeout.
        try:
            sock.send_multipart(frames, flags=zmq.NOBLOCK)
        except zmq.Again:
            pass

    send(encode("READY", {
        "worker": ident, "host": socket.gethostname(), "pid": os.getpid(), "device": device,
        "torch": torch.__version__, "monai": monai.__version__, "gpu": gpu, "threads": torch.get_num_threads(),
    }))
    events: queue.Queue = queue.Queue()
    trainer: threading.Thread | None = None
    current: str | None = None
    lines = JobLines(ident, verbose)
    last_sent = last_heard = time.monotonic()
    admitted = False
    try:
        while True:
            if sock.poll(int(heartbeat * 250)):
                frames = sock.recv_multipart()
                type_, header = decode(frames)
                last_heard = time.monotonic()
                admitted = True
                if type_ == "STOP":
                    return 0
                if type_ == "JOB":
                    if trainer and trainer.is_alive():
                        send(encode("FAILED", {"job": header.get("key", "?"), "error": "worker busy", "traceback": ""}))
                    else:
                        run = json.loads(frames[2]) if len(frames) > 2 and frames[2] else {}
                        current = header.get("key")
                        job = with_data_root(header, data_root)
                        trainer = threading.Thread(target=_train, args=(job, events, int(run.get("threads") or 0), lines), daemon=True)
                        trainer.start()
            if not admitted and (why := _refusal(monitor)):
                print(f"plateau worker {ident}: {why}", file=sys.stderr)
                return 3
            while not events.empty():
                type_, header, payload = events.get()
                send(encode(type_, header, payload))
                last_sent = time.monotonic()
            now = time.monotonic()
            if now - last_sent >= heartbeat:
                send(encode("HEARTBEAT", {}))
                last_sent = now
            if now - last_heard > timeout:
                said = "never answered (is --connect right?)" if not admitted else f"silent for {timeout:.0f} s"
                print(f"plateau worker {ident}: broker {said}, exiting", file=sys.stderr)
                return 1
    except SystemExit as e:
        # Slurm preempts the worker or its time limit is near (SIGTERM, SIGUSR1; Ctrl-C too): hand the
        # job back at once, so it is queued again without counting a try, then leave.
        job = current if trainer and trainer.is_alive() else None
        why = signal.Signals(e.code - 128).name if isinstance(e.code, int) and e.code > 128 else "stopped"
        send(encode("HANDBACK", {"job": job, "reason": f"{why} on {socket.gethostname()}"}))
        lines.left(job, why)
        monitor.close(linger=0)
        sock.close(linger=2000)
        ctx.term()  # waits (up to the linger) until HANDBACK is on the wire
        # Leave now: tearing the interpreter down under a training thread inside torch aborts the process.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(e.code if isinstance(e.code, int) else 1)
    finally:
        monitor.close(linger=0)
        sock.close(linger=0)


def _joined_values(argv: list[str]) -> list[str]:
    """``--server-key -abc…`` as ``--server-key=-abc…``: Z85 keys may begin with '-', which argparse
    would take for an option."""
    out: list[str] = []
    it = iter(argv)
    for a in it:
        if a in ("--server-key", "--connect", "--id"):
            out.append(f"{a}={next(it, '')}")
        else:
            out.append(a)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m plateau.worker", description=__doc__.split("\n\n")[0])
    ap.add_argument("--connect", help="broker endpoint, e.g. tcp://127.0.0.1:5555")
    ap.add_argument("--server-key", help="the broker's CURVE public key (printed by `plateau run --bind`)")
    ap.add_argument("--key-file", help="this worker's CURVE key pair (made with --keygen)")
    ap.add_argument("--keygen", metavar="FILE", help="write a new key pair to FILE, print its public key, exit")
    ap.add_argument("--id", default=f"{socket.gethostname()}-{os.getpid()}", help="worker identity")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--heartbeat", type=float, default=1.0, help="seconds between heartbeats")
    ap.add_argument("--timeout", type=float, default=30.0, help="exit after this long without word from the broker")
    ap.add_argument("--data-root", help="this machine's copy of the experiment's data set (replaces the job's dataset.root)")
    ap.add_argument("-v", "--verbose", action="store_true", help="a line per epoch too")
    args = ap.parse_args(_joined_values(sys.argv[1:] if argv is None else argv))

    def leave(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1):
        signal.signal(s, leave)
    if args.keygen:
        print(keygen(args.keygen))
        return 0
    if not args.connect:
        ap.error("--connect is required")
    if bool(args.server_key) != bool(args.key_file):
        ap.error("--server-key and --key-file go together (CURVE needs both)")
    if args.server_key and (problem := curve_problem(args.server_key, args.key_file)):
        ap.error(problem)
    if args.data_root and not os.path.isdir(args.data_root):
        ap.error(f"--data-root {args.data_root}: not a folder")
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    return serve(args.connect, args.id, args.heartbeat, args.timeout, args.server_key, args.key_file,
                 args.data_root, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
