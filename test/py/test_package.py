"""plateau works after a plain pip install outside the repository: the contract (schemas/) ships
as package data, and ``py.typed`` marks the package as typed."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

from jobs import tiny_job

REPO = Path(__file__).resolve().parents[2]


def test_installed_package_validates_jobs_outside_the_repo(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(REPO / "pyproject.toml", src)
    shutil.copytree(REPO / "py", src / "py", symlinks=False, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "-q",
                    "--target", str(site), str(src)], check=True, capture_output=True, timeout=300)
    assert (site / "plateau" / "py.typed").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import json, sys, plateau, plateau.schemas as s\n"
        "assert plateau.__file__.startswith(sys.argv[1]), plateau.__file__\n"
        "s.validate_job(json.loads(sys.argv[2]))\n"
        "print(len(s.table_layout('metrics')), plateau.Study.__name__)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", script, str(site), json.dumps(tiny_job())], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(len(json.loads((REPO / "schemas" / "tables.json").read_text())["tables"]["metrics"])), "Study"]
