import os
from pathlib import Path

import pytest
import zmq

# The worker reads the contract from the repo's schemas/ folder.
os.environ.setdefault("PLATEAU_SCHEMAS", str(Path(__file__).resolve().parents[2] / "schemas"))


@pytest.fixture()
def router():
    """A broker-side ROUTER on a random loopback port (60 s receive timeout), for worker tests."""
    sock = zmq.Context.instance().socket(zmq.ROUTER)
    port = sock.bind_to_random_port("tcp://127.0.0.1")
    sock.setsockopt(zmq.RCVTIMEO, 60_000)
    yield sock, f"tcp://127.0.0.1:{port}"
    sock.close(linger=0)
