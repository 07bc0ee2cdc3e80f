"""A MONAI bundle (model-zoo layout, a train.json shaped like spleen_ct_segmentation's, a tiny
network) trained by its own ConfigWorkflow for each job of a grid, tested with plateau's metrics."""

import json
import sqlite3
import subprocess
from pathlib import Path

import nibabel as nib
import numpy as np
from monai.data import create_test_image_3d


REPO = Path(__file__).resolve().parents[2]

TRAIN = {
    "imports": ["$import glob", "$import os"],
    "bundle_root": ".",
    "ckpt_dir": "$@bundle_root + '/models'",
    "output_dir": "$@bundle_root + '/eval'",
    "dataset_dir": "/workspace/data/Task09_Spleen",
    "images": "$list(sorted(glob.glob(@dataset_dir + '/imagesTr/*.nii.gz')))",
    "labels": "$list(sorted(glob.glob(@dataset_dir + '/labelsTr/*.nii.gz')))",
    "val_interval": 1,
    "device": "$torch.device('cuda:0' if torch.cuda.is_available() else 'cpu')",
    "network_def": {"_target_": "UNet", "spatial_dims": 3, "in_channels": 1, "out_channels": 2,
                    "channels": [4, 8], "strides": [2], "num_res_units": 0},
    "network": "$@network_def.to(@device)",
    "loss": {"_target_": "DiceCELoss", "to_onehot_y": True, "softmax": True},
    "optimizer": {"_target_": "torch.optim.Adam", "params": "$@network.parameters()", "lr": 0.01},
    "train": {
        "deterministic_transforms": [
            {"_target_": "LoadImaged", "keys": ["image", "label"]},
            {"_target_": "EnsureChannelFirstd", "keys": ["image", "label"]},
            {"_target_": "ScaleIntensityd", "keys": "image"},
            {"_target_": "EnsureTyped", "keys": ["image", "label"]},
        ],
        "random_transforms": [{"_target_": "RandFlipd", "keys": ["image", "label"], "prob": 0.5, "spatial_axis": 0}],
        "preprocessing": {"_target_": "Compose",
                          "transforms": "$@train#deterministic_transforms + @train#random_transforms"},
        "dataset": {"_target_": "Dataset", "data": "$[{'image': i, 'label': l} for i, l in zip(@images, @labels)]",
                    "transform": "@train#preprocessing"},
        "dataloader": {"_target_": "DataLoader", "dataset": "@train#dataset", "batch_size": 2, "shuffle": True,
                       "num_workers": 0},
        "inferer": {"_target_": "SimpleInferer"},
        "postprocessing": {"_target_": "Compose", "transforms": [
            {"_target_": "Activationsd", "keys": "pred", "softmax": True},
            {"_target_": "AsDiscreted", "keys": ["pred", "label"], "argmax": [True, False], "to_onehot": 2}]},
        "handlers": [
            {"_target_": "ValidationHandler", "validator": "@validate#evaluator", "epoch_level": True,
             "interval": "@val_interval"},
            {"_target_": "StatsHandler", "tag_name": "train_loss",
             "output_transform": "$monai.handlers.from_engine(['loss'], first=True)"}],
        "trainer": {"_target_": "SupervisedTrainer", "max_epochs": 100, "device": "@device",
                    "train_data_loader": "@train#dataloader", "network": "@network", "loss_function": "@loss",
                    "optimizer": "@optimizer", "inferer": "@train#inferer", "postprocessing": "@train#postprocessing",
                    "train_handlers": "@train#handlers", "amp": False},
    },
    "validate": {
        "preprocessing": {"_target_": "Compose", "transforms": "%train#deterministic_transforms"},
        "dataset": {"_target_": "Dataset", "data": "$[{'image': i, 'label': l} for i, l in zip(@images, @labels)]",
                    "transform": "@validate#preprocessing"},
        "dataloader": {"_target_": "DataLoader", "dataset": "@validate#dataset", "batch_size": 1, "shuffle": False,
                       "num_workers": 0},
        "inferer": {"_target_": "SimpleInferer"},
        "postprocessing": "%train#postprocessing",
        "handlers": [{"_target_": "StatsHandler", "iteration_log": False},
                     {"_target_": "CheckpointSaver", "save_dir": "@ckpt_dir", "save_dict": {"model": "@network"},
                      "save_key_metric": True}],
        "key_metric": {"val_mean_dice": {"_target_": "MeanDice", "include_background": False,
                                         "output_transform": "$monai.handlers.from_engine(['pred', 'label'])"}},
        "evaluator": {"_target_": "SupervisedEvaluator", "device": "@device", "val_data_loader": "@validate#dataloader",
                      "network": "@network", "inferer": "@validate#inferer", "postprocessing": "@validate#postprocessing",
                      "key_val_metric": "@validate#key_metric", "val_handlers": "@validate#handlers", "amp": False},
    },
    "initialize": ["$monai.utils.set_determinism(seed=123)"],
    "run": ["$@train#trainer.run()"],
}


def write_bundle(folder: Path) -> Path:
    (folder / "configs").mkdir(parents=True)
    (folder / "models").mkdir()
    (folder / "configs" / "metadata.json").write_text(json.dumps({
        "version": "0.1.0", "monai_version": "1.4.0", "name": "tiny spleen-like bundle",
        "task": "binary segmentation of synthetic spheres", "network_data_format": {
            "inputs": {"image": {"type": "image", "num_channels": 1, "spatial_shape": [16, 16, 16]}},
            "outputs": {"pred": {"type": "image", "num_channels": 2, "spatial_shape": [16, 16, 16]}}}}))
    (folder / "configs" / "train.json").write_text(json.dumps(TRAIN, indent=1))
    return folder


def write_volumes(folder: Path, n: int = 10) -> Path:
    (folder / "imagesTr").mkdir(parents=True)
    (folder / "labelsTr").mkdir()
    entries = []
    for k in range(n):
        image, seg = create_test_image_3d(16, 16, 16, num_objs=3, rad_max=4, rad_min=2, noise_max=0.2,
                                          num_seg_classes=1, random_state=np.random.RandomState(k))
        nib.save(nib.Nifti1Image(image.astype(np.float32), np.eye(4)), folder / "imagesTr" / f"s{k:02d}.nii.gz")
        nib.save(nib.Nifti1Image(seg.astype(np.uint8), np.eye(4)), folder / "labelsTr" / f"s{k:02d}.nii.gz")
        entries.append({"image": f"imagesTr/s{k:02d}.nii.gz", "label": f"labelsTr/s{k:02d}.nii.gz"})
    (folder / "dataset.json").write_text(json.dumps({"labels": {"0": "background", "1": "sphere"}, "training": entries}))
    return folder / "dataset.json"


def test_a_grid_trained_through_a_bundle(tmp_path):
    write_bundle(tmp_path / "tiny_bundle")
    write_volumes(tmp_path / "data")
    (tmp_path / "grid.yaml").write_text(json.dumps({
        "name": "bundle-grid", "dataset": {"kind": "datalist", "datalist": "data/dataset.json"},
        "split": {"train": 6, "val": 2, "test": 2}, "fractions": [0.5, 1], "models": [{"bundle": "tiny_bundle"}],
        "training": {"epochs": 2}}))
    db = tmp_path / "s.db"
    done = subprocess.run(["bash", str(REPO / "bin" / "plateau"), "run", str(tmp_path / "grid.yaml"), "--db", str(db),
                           "--workers", "1", "--json"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT j.model, j.family, j.n_train, m.dice, m.n_test, m.params, m.epochs_run FROM jobs j "
                           "JOIN metrics m ON m.job = j.key ORDER BY j.n_train").fetchall()
        epochs = con.execute("SELECT COUNT(*) FROM epochs").fetchone()[0]
        cases = con.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
        classes = con.execute("SELECT DISTINCT class FROM classes").fetchall()
    assert [r[:3] for r in rows] == [("tiny_bundle", "bundle", 3), ("tiny_bundle", "bundle", 6)]
    assert all(0.0 <= dice <= 1.0 and n_test == 2 and params > 0 and run == 2 for _, _, _, dice, n_test, params, run in rows)
    assert epochs == 4 and cases == 4 and classes == [("foreground",)]


def test_a_bundle_that_cannot_train_is_found_before_training(tmp_path):
    from plateau.bundle import bundle_problems

    root = write_bundle(tmp_path / "tiny_bundle")
    assert bundle_problems({"bundle": str(root)}, "models b") == []
    assert bundle_problems({"bundle": str(tmp_path / "none")}, "models b") == [f"models b: bundle {tmp_path / 'none'}: no such folder"]
    assert bundle_problems({"bundle": str(root), "config": "configs/x.json"}, "models b") == [f"models b: bundle {root}: no config file configs/x.json"]
    # a YAML config reads as the JSON one (PyYAML is a dependency: without it MONAI's parser refused it)
    import yaml

    (root / "configs" / "train.yaml").write_text(yaml.safe_dump(TRAIN))
    assert bundle_problems({"bundle": str(root), "config": "configs/train.yaml"}, "models b") == []
    (root / "configs" / "bad.json").write_text("nope{")
    assert "configs/bad.json: cannot be read as a config (JSONDecodeError" in bundle_problems({"bundle": str(root), "config": "configs/bad.json"}, "m")[0]
    # an inference config has no trainer, training data or loss
    (root / "configs" / "infer.json").write_text(json.dumps({"network": {"_target_": "UNet"}, "validate": {}}))
    [p] = bundle_problems({"bundle": str(root), "config": "configs/infer.json"}, "m")
    assert "configs/infer.json has no loss, train#trainer, train#dataset, validate#dataset, validate#inferer, validate#preprocessing" in p


def _with_network(root: Path, name: str, **network) -> str:
    """A copy of TRAIN under configs/NAME with the network's arguments changed; its config path."""
    import copy

    config = copy.deepcopy(TRAIN)
    config["network_def"].update(network)
    (root / "configs" / name).write_text(json.dumps(config, indent=1))
    return f"configs/{name}"


def test_a_bundle_network_that_does_not_import_or_takes_no_such_argument_is_found_before_training(tmp_path):
    from plateau.bundle import bundle_problems

    root = write_bundle(tmp_path / "tiny_bundle")
    config = _with_network(root, "nonet.json", _target_="NoSuchNet")
    assert bundle_problems({"bundle": str(root), "config": config}, "models b") == [
        f"models b: {root / config} at network_def: NoSuchNet is not an importable class or function"]
    config = _with_network(root, "typo.json", chanels=[4, 8])
    assert bundle_problems({"bundle": str(root), "config": config}, "models b") == [
        f"models b: {root / config} at network_def: UNet takes no argument 'chanels' (did you mean 'channels'?)"]
    # a component switched off is not built, so it is not checked either
    import copy

    off = copy.deepcopy(TRAIN)
    off["unused"] = {"_target_": "NoSuchHandler", "_disabled_": True}
    (root / "configs" / "off.json").write_text(json.dumps(off))
    assert bundle_problems({"bundle": str(root), "config": "configs/off.json"}, "models b") == []


def test_a_bundle_that_cannot_be_built_fails_its_job_with_one_sentence_naming_the_config_and_the_cause(tmp_path):
    """MONAI raises RuntimeError("Failed to instantiate component ... set '_mode_=debug' ...") with the
    constructor's error as its __cause__: the job's reason named neither the file nor the cause."""
    import pytest
    import torch

    from plateau.bundle import BundleError, bundle_problems, train_bundle
    from plateau.data.cases import Case

    root = write_bundle(tmp_path / "tiny_bundle")
    write_volumes(tmp_path / "data", 4)
    cases = [Case(id=f"s{k}", patient=f"s{k}", images=(str(tmp_path / "data" / "imagesTr" / f"s{k:02d}.nii.gz"),),
                  mask=str(tmp_path / "data" / "labelsTr" / f"s{k:02d}.nii.gz")) for k in range(4)]
    # arguments its signature takes, values its constructor refuses: only building finds it
    config = _with_network(root, "short.json", channels=[4], strides=[])
    assert bundle_problems({"bundle": str(root), "config": config}, "models b") == []
    job = {"model": {"bundle": str(root), "config": config}, "dataset": {"kind": "datalist", "foreground": "nonzero"},
           "training": {"epochs": 1}, "seed": 0}
    with pytest.raises(BundleError) as raised:
        train_bundle(job, cases[:2], cases[2:3], cases[3:], torch.device("cpu"))
    reason = str(raised.value)
    assert reason == (f"bundle config {root / config} (monai.networks.nets.unet.UNet) cannot be built: "
                      "ValueError: the length of `channels` should be no less than 2.")
    assert "\n" not in reason


def test_plateau_models_measures_a_bundle_network_and_names_one_that_cannot_be_built(tmp_path):
    """`plateau models` refused every bundle entry ("model.family 'bundle' is not known to this
    trainer"), though `plateau run` trains them: it now measures the network the bundle's config builds."""
    root = write_bundle(tmp_path / "tiny_bundle")
    write_volumes(tmp_path / "data", 4)
    config = _with_network(root, "short.json", channels=[4], strides=[])
    grid = {"name": "bundle-models", "dataset": {"kind": "datalist", "datalist": "data/dataset.json"},
            "split": {"train": 2, "val": 1, "test": 1}, "fractions": [1], "models": [{"bundle": "tiny_bundle"}],
            "training": {"epochs": 1}}
    (tmp_path / "grid.yaml").write_text(json.dumps(grid))
    models = lambda: subprocess.run(["bash", str(REPO / "bin" / "plateau"), "models", str(tmp_path / "grid.yaml"),  # noqa: E731
                                     "--threads", "1", "--json"], capture_output=True, text=True, timeout=300)
    done = models()
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    from monai.networks.nets import UNet

    unet = UNet(**{k: v for k, v in TRAIN["network_def"].items() if k != "_target_"})  # the network the config builds
    [row] = answer["models"]
    assert answer["input_shape"] == [1, 16, 16, 16]
    assert row["model"] == "tiny_bundle" and row["params"] == sum(p.numel() for p in unet.parameters()) and row["flops"] > 0
    grid["models"] = [{"bundle": "tiny_bundle", "config": config}]
    (tmp_path / "grid.yaml").write_text(json.dumps(grid))
    done = models()
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip() == (f"plateau: {tmp_path / 'grid.yaml'}: models: bundle config {root / config} "
                                   "(monai.networks.nets.unet.UNet) cannot build its network: ValueError: the length of "
                                   "`channels` should be no less than 2.")
