"""py/constraints.txt pins what the tests run with: regenerated from this .venv by
scripts/pin-python.sh, it must come out as committed. A dependency added to pyproject.toml without
re-pinning, or a pin the set-up did not honour, fails here."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PINS = REPO / "py" / "constraints.txt"


def pins(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        spec, _, marker = line.partition(";")
        name, _, version = spec.strip().partition("==")
        out[name.lower().replace("_", "-")] = (version, marker.strip())
    return out


def test_constraints_match_the_venv_the_tests_run_in(tmp_path):
    if Path(sys.prefix).resolve() != (REPO / ".venv").resolve():
        pytest.skip("runs in the project's .venv (the one scripts/setup.sh builds from the pins)")
    committed = pins(PINS.read_text())
    markers = {m for _, m in committed.values()}
    here = f'python_version == "{sys.version_info[0]}.{sys.version_info[1]}"'
    if markers != {here}:
        pytest.skip(f"the pins are for {markers}, this is Python {sys.version_info[0]}.{sys.version_info[1]}")
    fresh = tmp_path / "constraints.txt"
    subprocess.run(["bash", str(REPO / "scripts" / "pin-python.sh"), str(fresh)], check=True, capture_output=True, timeout=120)
    regenerated = pins(fresh.read_text())
    for name in ("monai", "numpy", "pyzmq", "pyarrow", "statsmodels"):
        assert name in committed, f"{name} is not pinned"
    assert "torch" not in committed, "torch is pinned by scripts/setup.sh (PLATEAU_TORCH), not here"
    added = sorted(set(regenerated) - set(committed))
    gone = sorted(set(committed) - set(regenerated))
    moved = sorted(f"{n} {committed[n][0]} -> {regenerated[n][0]}" for n in set(committed) & set(regenerated) if committed[n] != regenerated[n])
    assert not (added or gone or moved), (
        f"py/constraints.txt differs from the .venv (run scripts/pin-python.sh): unpinned {added}, not installed {gone}, other versions {moved}"
    )
