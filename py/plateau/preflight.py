"""A job tried on one case before a run stores or dispatches anything (``plateau run``'s check).

What would otherwise fail every job of a grid, one by one, after the experiment is stored: a
network ``_target_`` that does not build, pretrained weights that do not load into it, a transform
that fails on the data, a network that cannot take the data's shape. One case, on the CPU, in eval
mode, no gradient, no training: each model is built once and given one forward pass.

Every problem is one sentence that starts with the experiment's field (``models[0]._target_``,
``models[0].pretrained``, ``dataset.transforms.train[1]``, ``models[0]``).
"""

from __future__ import annotations

import re
from typing import Any

import torch
from monai.transforms import LazyTrait

from .data import nested_subset, source, split_cases, train_count
from .data.dataset import CaseDataset
from .data.transforms import compose
from .models import build_model, load_pretrained, one_line, size_multiple, target_network
from .schemas import validate_job
from .targets import TargetError


def _first_line(err: BaseException, limit: int = 300) -> str:
    """The error's own words on one line, without its type's name (the user reads a sentence)."""
    raw = str(err.args[0]) if isinstance(err, KeyError) and err.args else str(err)  # KeyError quotes its text
    # MONAI's optional-import error appends its advice and the whole original traceback: the first part says it
    raw = re.split(r"\s*(?:For details about installing the optional dependencies|Original traceback:)", raw)[0]
    return one_line(raw, limit) or type(err).__name__


def _sentence(err: TargetError) -> str:
    """A TargetError (written for a job's failure, with the cause's type) as the user's sentence."""
    return re.sub(r": \w+(Error|Exception): ", ": ", " ".join(str(err).split()))


class _Problem(Exception):
    """One sentence for the user; stops trying this job."""


def _one_case(job: dict) -> tuple[Any, torch.Tensor, torch.Tensor]:
    """The first case of the job's own training subset, loaded as the trainer loads it."""
    spec = job["dataset"]
    src = source(spec)
    try:
        cases = src.cases(spec)
        pool = split_cases(cases, job["split"], job["seed"], job.get("fold"))["train"]
        n = job["count"] if job.get("count") is not None else train_count(job["fraction"], len(pool))
        index = nested_subset(pool, min(n, len(pool)))[:1]
        image, label, i = CaseDataset(src, spec, cases, index)[0]
    except Exception as err:  # noqa: BLE001 - the data check names bad cases; this is what is left
        raise _Problem(f"dataset: cannot load one case to try the run on ({_first_line(err)})") from err
    return cases[i], image, label


def _transformed(job: dict, role: str, case: Any, image: torch.Tensor, label: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``dataset.transforms[role]`` applied one by one, as the trainer's chain applies them, so the
    transform that fails is named by its index."""
    specs = (job["dataset"].get("transforms") or {}).get(role) or []
    item: Any = {"image": image, "label": label}
    # built and seeded as the trainer builds them (TargetError names the field), applied one by one
    chain = compose(specs, f"dataset.transforms.{role}", job["seed"])
    for i, (s, t) in enumerate(zip(specs, chain.transforms)):
        field = f"dataset.transforms.{role}[{i}]"
        try:
            # a transform written with lazy: true only records its change when called alone; the
            # trainer's Compose applies it, so it is applied here too (or the network is tried on data it never sees)
            item = t(item, lazy=False) if isinstance(t, LazyTrait) else t(item)
        except Exception as err:  # noqa: BLE001 - any transform's own error
            raise _Problem(f"{field}: {s.get('_target_')} fails on case {case.id} (image {list(image.shape)}, channels first): "
                           f"{_first_line(err)}") from err
        if isinstance(item, list):  # a cropping transform with num_samples > 1: the first sample
            item = item[0]
        if not isinstance(item, dict) or "image" not in item or "label" not in item:
            raise _Problem(f"{field}: {s.get('_target_')} does not give back a dict with 'image' and 'label' (got {type(item).__name__})")
    as_tensor = lambda t: t.as_tensor() if hasattr(t, "as_tensor") else torch.as_tensor(t)  # noqa: E731
    return as_tensor(item["image"]).float(), as_tensor(item["label"]).float()


def _network(job: dict, field: str, in_channels: int, out_channels: int, spatial_dims: int) -> torch.nn.Module:
    m = job["model"]
    if m["family"] == "target":  # a TargetError names its field; try_job makes it the sentence
        net = target_network(m, f"{field}._target_")
        if m.get("pretrained"):
            load_pretrained(net, m["pretrained"], f"{field}.pretrained")
        return net
    try:
        return build_model(m, spatial_dims=spatial_dims, in_channels=in_channels, out_channels=out_channels)
    except Exception as err:  # noqa: BLE001
        raise _Problem(f"{field}: {m['name']} cannot be built for this data ({_first_line(err)})") from err


def _forward(net: torch.nn.Module, x: torch.Tensor, y: torch.Tensor, who: str, out_channels: int, activation: str,
             batch: int, training: bool, after: str) -> None:
    """One forward pass without gradients on ``batch`` copies of the case ``x``, in training or
    evaluation mode; a _Problem if the network cannot take it or answers in another shape than the
    loss needs for the label ``y``."""
    mode = " in training mode" if training else ""
    cases = f"a batch of {batch} case(s)" if training else "one case"
    net.train(training)
    try:
        with torch.no_grad():
            out = net(x.unsqueeze(0).expand(batch, *x.shape).contiguous())
    except Exception as err:  # noqa: BLE001 - torch's words for a network that cannot take this input
        raise _Problem(f"{who} does not run{mode} on {cases} of shape {list(x.shape)} (channels first{after}): {_first_line(err)}") from err
    want = [out_channels, *y.shape[1:]]
    if isinstance(out, torch.Tensor) and list(out.shape[1:]) != want:
        why = (" (a network that returns several outputs while training, such as deep supervision, is not trained by plateau's loop: turn it off)"
               if training else f" ({out_channels} output channel(s): {'a background and ' if activation == 'softmax' else ''}one per label channel)")
        raise _Problem(f"{who} gives an output of shape {list(out.shape[1:])}{mode} for one case of shape {list(x.shape)}, "
                       f"where training needs {want}{why}")


def try_job(job: dict, field: str) -> str | None:
    """Why ``job`` would fail before training its first batch, or None: its case loaded and
    transformed (train and eval chains), its network built (and its pretrained weights loaded), and
    one forward pass on the CPU. ``field`` is the model's entry in the experiment (``models[0]``)."""
    validate_job(job)
    if job["model"]["family"] == "bundle":
        return None  # a bundle's own workflow builds its network and data (checked by bundle_problems)
    try:
        case, raw_image, raw_label = _one_case(job)
        shapes = {role: _transformed(job, role, case, raw_image, raw_label) for role in ("train", "eval")}
        image, label = shapes["train"]
        name = job["model"]["name"]
        multiple = size_multiple(job["model"])
        for role, (x, _) in shapes.items():
            if any(side % multiple for side in x.shape[1:]):
                raise _Problem(f"{field}: {name} needs spatial sizes that are multiples of {multiple}; the data set gives "
                               f"{'x'.join(map(str, x.shape[1:]))} (after the {role} transforms): set dataset.size (or crop) to multiples of {multiple}")
        activation = job["training"].get("activation", "sigmoid")
        out_channels = label.shape[0] + (activation == "softmax")
        spatial_dims = len(image.shape) - 1
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(job["seed"])
            net = _network(job, field, image.shape[0], out_channels, spatial_dims)
        tried: set[tuple[int, ...]] = set()
        for role, (x, y) in shapes.items():
            if tuple(x.shape) not in tried:
                tried.add(tuple(x.shape))
                after = f", after the {role} transforms" if (job["dataset"].get("transforms") or {}).get(role) else ""
                _forward(net, x, y, f"{field}: {name}", out_channels, activation, batch=1, training=False, after=after)
        # Some networks answer otherwise while training (DynUNet's deep supervision stacks its heads'
        # outputs): one more pass in training mode, on a batch as the trainer makes one (at most 2),
        # without gradients, so the loss's shape check is met here and not in every job.
        batch = max(1, min(2, int(job["training"].get("batch_size") or 2)))
        _forward(net, image, label, f"{field}: {name}", out_channels, activation, batch=batch, training=True, after="")
    except _Problem as p:
        return str(p)
    except TargetError as err:
        return _sentence(err)
    return None
