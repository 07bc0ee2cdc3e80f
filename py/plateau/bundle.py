"""A MONAI bundle as a model of the grid (``models: [{bundle: DIR}]``).

For each job the bundle's own training workflow (``monai.bundle.ConfigWorkflow`` on
``configs/train.json``, model-zoo layout) runs on the job's cases: plateau overrides the training
data (``train#dataset#data``), the validation data (``validate#dataset#data``),
``train#trainer#max_epochs``, the seed and the output folders. After each epoch, and at the end on
plateau's held-out test cases, the trained ``network`` is scored with the bundle's own validation
preprocessing and inferer and plateau's metrics: its outputs (softmax over label values when it has
several channels, else a sigmoid) become the data set's label channels (``foreground`` or
``classes``), so a bundle's Dice is comparable with every other model of the grid.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from monai.data import DataLoader, Dataset
from monai.utils import set_determinism

from .data.cases import Case
from .data.volume import label_channels
from .evaluate import _nanmean, add_classes, class_rows
from .metrics import dice_from_counts, per_case


def data_dicts(cases: list[Case]) -> list[dict]:
    """Cases as a bundle's data list: file paths, as ``LoadImaged`` reads them."""
    if any(not c.images or c.mask is None for c in cases):
        raise ValueError("a bundle reads files: use a data set kind with files (datalist, decathlon, nnunet, …)")
    return [{"image": list(c.images) if len(c.images) > 1 else c.images[0], "label": c.mask} for c in cases]


def _channels(spec: dict, n_out: int) -> list[list[int]]:
    """For each plateau label channel, the label values (network output channels) it covers."""
    if spec.get("classes"):
        return [list(v) for v in spec["classes"].values()]
    fg = spec.get("foreground", "nonzero")
    return [list(range(1, n_out)) if fg == "nonzero" else list(fg)]


def _probabilities(logits: torch.Tensor, spec: dict) -> torch.Tensor:
    """``(N, C_plateau, ...)`` probabilities from the network's outputs."""
    if logits.shape[1] == 1:
        return torch.sigmoid(logits)
    soft = torch.softmax(logits, dim=1)
    return torch.stack([soft[:, [v for v in values if v < soft.shape[1]]].sum(1) for values in _channels(spec, soft.shape[1])], 1)


def score(network: torch.nn.Module, inferer, loader, spec: dict, device: torch.device, loss_fn=None,
          ids: list[str] | None = None, patients: list[str] | None = None, class_names: list[str] | None = None) -> dict:
    """The bundle network on ``loader`` (the bundle's preprocessing): its loss where given, and
    plateau's metrics on the data set's label channels, as ``evaluate`` returns them."""
    network.eval()
    rows, loss_sum, bce_sum, pixels, count = [], 0.0, 0.0, 0, 0
    by_class: dict[str, list[torch.Tensor]] = {"dice": [], "iou": []}
    counts = None
    with torch.inference_mode():
        for batch in loader:
            x, raw = batch["image"].to(device), batch["label"].to(device)
            logits = inferer(x, network).float()
            if loss_fn is not None:
                loss_sum += float(loss_fn(logits, raw)) * len(x)
            y = torch.from_numpy(np.stack([label_channels(np.asarray(r[0].cpu()).round().astype(np.int64), spec)
                                           for r in raw])).to(device)
            prob = _probabilities(logits, spec)
            bce_sum += float(F.binary_cross_entropy(prob.clamp(1e-7, 1 - 1e-7), y, reduction="sum"))
            pixels += y.numel()
            pred = (prob > 0.5).float()
            counts = add_classes(pred, y, by_class, counts)
            names = [ids[count + i] if ids else str(count + i) for i in range(len(x))]
            for i, row in enumerate(per_case(pred.cpu(), y.cpu(), names)):
                rows.append({**row, "patient": patients[count + i] if patients else row["case_id"],
                             "foreground": float(row["foreground"])})
            count += len(x)
    total = counts.sum(1) if counts is not None else torch.zeros(3)
    return {
        "loss": loss_sum / max(count, 1), "dice": _nanmean([r["dice"] for r in rows]),
        "iou": _nanmean([r["iou"] for r in rows]), "recall": _nanmean([r["recall"] for r in rows]),
        "precision": _nanmean([r["precision"] for r in rows]), "bce": bce_sum / max(pixels, 1),
        "global_dice": dice_from_counts(*(float(v) for v in total)), "cases": rows,
        "classes": class_rows(by_class, counts, class_names),
    }


# What train_bundle reads from a bundle's config, or sets in it (the data, through their datasets)
NEEDS = ("network", "loss", "train#trainer", "train#dataset", "validate#dataset", "validate#inferer", "validate#preprocessing")


class BundleError(ValueError):
    """A bundle that cannot be built or read; one sentence naming its config file and the cause."""


def _cause(err: BaseException) -> BaseException:
    """The innermost cause: MONAI wraps a constructor's own error in a RuntimeError ("Failed to
    instantiate component ... set '_mode_=debug'") whose message says nothing of what went wrong."""
    seen = {id(err)}
    while err.__cause__ is not None and id(err.__cause__) not in seen:
        err = err.__cause__
        seen.add(id(err))
    return err


def failure(config: Path | str, err: BaseException, doing: str = "cannot be built") -> BundleError:
    """``err`` (raised while reading, building or running a bundle's config) as one sentence."""
    cause = _cause(err)
    text = next((line.strip() for line in str(cause).splitlines() if line.strip()), "")
    component = re.search(r"Failed to instantiate component '([^']+)'", str(err))
    what = f" ({component.group(1)})" if component and component.group(1) not in text else ""
    return BundleError(f"bundle config {config}{what} {doing}: {type(cause).__name__}" + (f": {text}" if text else ""))


def _on_path(root: Path):
    """The bundle's folder on ``sys.path``, as ``ConfigWorkflow.run`` puts it (for its ``scripts``)."""
    if str(root) not in sys.path:
        sys.path.insert(1, str(root))


def _target_problems(config: dict, where: str) -> list[str]:
    """Every plain ``_target_`` of the config (not an expression, reference or macro, not in a
    ``_disabled_`` component) that does not import or is given an argument it does not take,
    read from its signature without building anything: ``where`` and the component's id
    (``train#trainer``) name it."""
    from .targets import TargetError, _locate, _unknown_arguments

    problems: list[str] = []

    def walk(node, ids: list[str]) -> None:
        if isinstance(node, dict):
            target = node.get("_target_")
            if isinstance(target, str) and target and target[0] not in "$@%" and node.get("_disabled_") in (None, False, "false", "False"):
                at = f"{where} at {'#'.join(ids) or 'its top'}"
                try:
                    problems.extend(_unknown_arguments(_locate(target, at), node, target, at))
                except TargetError as err:
                    problems.append(str(err))
                except Exception as err:  # noqa: BLE001 - importing a module may fail in its own way
                    problems.append(f"{at}: {target} does not import ({type(err).__name__}: {err})")
            for k, v in node.items():
                walk(v, [*ids, str(k)])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, [*ids, str(i)])

    walk(config, [])
    return problems


def bundle_problems(model: dict, field: str) -> list[str]:
    """Why a bundle entry cannot train, one sentence each, checked before training (every job
    failed on its own with a KeyError or a FileNotFoundError before): its folder, its config file
    (JSON or YAML, as MONAI reads it), the parts of the config plateau uses, and every ``_target_``
    in it that does not import or takes no such argument (read from signatures, nothing built)."""
    from monai.bundle import ConfigParser

    root = Path(model["bundle"])
    if not root.is_dir():
        return [f"{field}: bundle {root}: no such folder"]
    config = root / model.get("config", "configs/train.json")
    if not config.is_file():
        return [f"{field}: bundle {root}: no config file {config.relative_to(root)}"]
    try:
        raw = ConfigParser.load_config_file(str(config))
        parser = ConfigParser(raw)
    except Exception as err:  # noqa: BLE001 - JSON and YAML parsers raise their own types
        return [f"{field}: {config}: cannot be read as a config ({type(err).__name__}: {str(err).splitlines()[0]})"]
    missing = [key for key in NEEDS if key not in parser]
    if missing:
        return [f"{field}: {config} has no {', '.join(missing)} (a training config in the model-zoo layout, like spleen_ct_segmentation's train.json, has them)"]
    _on_path(root)
    return _target_problems(raw, f"{field}: {config}")


def bundle_network(model: dict, device: torch.device | str = "cpu") -> torch.nn.Module:
    """The bundle's ``network`` as its config builds it (on ``device``), untrained: what
    ``plateau models`` measures. Raises BundleError naming the config file."""
    from monai.bundle import ConfigParser

    root = Path(model["bundle"])
    config = root / model.get("config", "configs/train.json")
    _on_path(root)
    try:
        parser = ConfigParser(ConfigParser.load_config_file(str(config)))
        parser["bundle_root"] = str(root)
        parser["device"] = torch.device(device)
        network = parser.get_parsed_content("network")
    except Exception as err:  # noqa: BLE001 - MONAI and the user's constructors raise any type
        raise failure(config, err, "cannot build its network") from err
    if not isinstance(network, torch.nn.Module):
        raise BundleError(f"bundle config {config}: its network is a {type(network).__name__}, not a torch.nn.Module")
    return network


def train_bundle(job: dict, train: list[Case], val: list[Case], test: list[Case], device: torch.device,
                 on_epoch: Callable[[dict], None] | None = None) -> tuple[list[dict], dict, torch.nn.Module]:
    """Runs the bundle's training workflow on the job's cases; returns the epoch rows, the test
    scores and the trained network."""
    from monai.bundle import ConfigWorkflow
    from ignite.engine import Events

    model, spec, epochs = job["model"], job["dataset"], job["training"]["epochs"]
    root = Path(model["bundle"])
    config = root / model.get("config", "configs/train.json")
    meta = root / "configs" / "metadata.json"
    out = Path(tempfile.mkdtemp(prefix="plateau-bundle-"))
    set_determinism(seed=job["seed"])
    _on_path(root)  # its scripts import while the parts below are built, before ConfigWorkflow.run adds it
    train_data, val_data = data_dicts(train), data_dicts(val)
    # A config that cannot be read or built fails here, every job alike: one sentence naming the file
    # and the real cause (MONAI's own message names neither: "Failed to instantiate component ...").
    try:
        workflow = ConfigWorkflow(
            config_file=str(config), meta_file=str(meta) if meta.is_file() else None, workflow_type="train",
            logging_file=False, **{"bundle_root": str(root), "train#dataset#data": train_data,
                                   "validate#dataset#data": val_data, "train#trainer#max_epochs": epochs,
                                   "device": device, "output_dir": str(out / "eval"), "ckpt_dir": str(out / "models")})
        workflow.initialize()
        set_determinism(seed=job["seed"])  # after the bundle's own initialize, which may seed it otherwise
        parse = workflow.parser.get_parsed_content
        network, trainer = parse("network"), parse("train#trainer")
        inferer, preprocess, loss_fn = parse("validate#inferer"), parse("validate#preprocessing"), parse("loss")
    except Exception as err:  # noqa: BLE001 - MONAI and the user's constructors raise any type
        raise failure(config, err) from err
    val_loader = DataLoader(Dataset(val_data, transform=preprocess), batch_size=1)
    rows: list[dict] = []
    losses: list[float] = []
    t0 = [time.perf_counter()]

    @trainer.on(Events.ITERATION_COMPLETED)
    def _loss(engine) -> None:
        output = engine.state.output
        first = output[0] if isinstance(output, list) else output
        losses.append(float(first["loss"]))

    @trainer.on(Events.EPOCH_COMPLETED)
    def _epoch(engine) -> None:
        v = score(network, inferer, val_loader, spec, device, loss_fn)
        row = {"epoch": engine.state.epoch, "train_loss": float(np.mean(losses)) if losses else float("nan"),
               "val_loss": v["loss"], "val_dice": v["dice"], "seconds": time.perf_counter() - t0[0]}
        rows.append(row)
        losses.clear()
        t0[0] = time.perf_counter()
        if on_epoch:
            on_epoch({**row, "epochs": epochs})
        network.train()

    try:
        workflow.run()
        workflow.finalize()
    except Exception as err:  # noqa: BLE001 - MONAI wraps a transform's or a handler's error in its own
        raise failure(config, err, "failed while training") from err
    test_loader = DataLoader(Dataset(data_dicts(test), transform=preprocess), batch_size=1)
    result = score(network, inferer, test_loader, spec, device, loss_fn, ids=[c.id for c in test],
                   patients=[c.patient for c in test], class_names=list(spec.get("classes") or {}) or None)
    return rows, result, network
