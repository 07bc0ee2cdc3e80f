"""README "Your own MONAI pipeline": its YAML trained by the CLI, its Python loop recorded through
``plateau.Study``, both on a generated PNG data list, and both seen by ``plateau status``."""

import json
import os
import re
import subprocess
from pathlib import Path

import numpy as np
from monai.data import create_test_image_2d
from PIL import Image

REPO = Path(__file__).resolve().parents[2]


def section_blocks() -> dict[str, str]:
    text = (REPO / "README.md").read_text()
    section = text.split("## Your own MONAI pipeline", 1)[1].split("\n## ", 1)[0]
    return {lang: body for lang, body in re.findall(r"```(\w+)\n(.*?)```", section, flags=re.S)}


def write_cases(folder: Path, n: int = 16) -> None:
    (folder / "cases").mkdir(parents=True)
    entries = []
    for k in range(n):
        image, seg = create_test_image_2d(32, 32, num_objs=3, rad_max=6, noise_max=0.3, num_seg_classes=1,
                                          random_state=np.random.RandomState(k))
        Image.fromarray((image * 255).astype(np.uint8)).save(folder / "cases" / f"i{k}.png")
        Image.fromarray(seg.astype(np.uint8)).save(folder / "cases" / f"l{k}.png")
        entries.append({"image": f"i{k}.png", "label": f"l{k}.png", "subject": f"s{k}"})
    (folder / "cases" / "list.json").write_text(json.dumps({"training": entries}))


def plateau(*args: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(REPO / "bin" / "plateau"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_readme_examples_run(tmp_path, monkeypatch):
    blocks = section_blocks()
    assert set(blocks) >= {"yaml", "sh", "python"}
    write_cases(tmp_path)
    (tmp_path / "mine.yaml").write_text(blocks["yaml"])
    monkeypatch.setenv("PLATEAU_CACHE_DIR", str(tmp_path / "cache"))
    env = dict(os.environ)
    command = blocks["sh"].split()
    assert command[0] == "plateau"
    ran = plateau(*command[1:], "--workers", "1", cwd=tmp_path, env=env)
    assert ran.returncode == 0, ran.stderr
    status = json.loads(plateau("status", "--db", "store.db", "--json", cwd=tmp_path, env=env).stdout)
    assert status["jobs"]["done"] == 2 and {r["model"] for r in status["results"]} == {"SegResNet"}

    monkeypatch.chdir(tmp_path)
    exec(compile(blocks["python"], "README.md", "exec"), {})
    own = json.loads(plateau("status", "--db", "store-own.db", "--json", cwd=tmp_path, env=env).stdout)
    assert own["jobs"]["done"] == 2
    assert [r["n_train"] for r in own["results"]] == [4, 8]
