"""Objects built by import path, as MONAI bundle configs write them.

``{"_target_": "monai.networks.nets.SegResNet", "spatial_dims": 2, ...}``: every key but
``_target_`` is an argument. Dotted paths, MONAI's short component names and nested ``_target_``
entries are resolved by ``monai.bundle.ConfigParser``; ``module:function`` (the user's own code
on ``PYTHONPATH``) is imported here first, since ConfigParser only reads dotted paths.
"""

from __future__ import annotations

import copy
import importlib
from typing import Any

from monai.bundle import ConfigParser


class TargetError(ValueError):
    """A ``_target_`` that cannot be imported or built; the message names the field and the target."""


def _import_user(path: str, field: str) -> Any:
    module_name, _, attr = path.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as err:
        raise TargetError(f"{field}: cannot import {path} ({err}); is its folder on PYTHONPATH?") from err
    return obj


def _with_user_targets(node: Any, field: str) -> Any:
    """The config with every ``module:function`` target replaced by the object itself (ConfigParser
    instantiates a non-string ``_target_`` as it is)."""
    if isinstance(node, dict):
        out = {k: _with_user_targets(v, field) for k, v in node.items()}
        target = out.get("_target_")
        if isinstance(target, str) and ":" in target:
            out["_target_"] = _import_user(target, field)
        return out
    if isinstance(node, list):
        return [_with_user_targets(v, field) for v in node]
    return node


def build(spec: dict, field: str, **kwargs: Any) -> Any:
    """Instantiates ``spec``; ``kwargs`` are further arguments that override the spec's own (an
    optimizer's ``params``, the training's ``lr``). Raises TargetError naming ``field``."""
    config = _with_user_targets(copy.deepcopy(spec), field)
    if kwargs:
        config["_mode_"] = "callable"  # a partial, called below with the arguments only we have
    try:
        obj = ConfigParser({"obj": config}).get_parsed_content("obj")
        return obj(**kwargs) if kwargs else obj
    except TargetError:
        raise
    except Exception as err:  # noqa: BLE001 - import or constructor errors of user code, any type
        cause = err.__cause__ or err
        raise TargetError(f"{field}: cannot build {spec.get('_target_')}: {type(cause).__name__}: {cause}") from err


def _locate(path: str, field: str) -> Any:
    """The class or function a ``_target_`` names, without calling it."""
    if ":" in path:
        return _import_user(path, field)
    import pydoc

    from monai.bundle.config_item import ComponentLocator

    module = ComponentLocator().get_component_module_name(path)  # MONAI short names: RandFlipd, UNet
    if isinstance(module, list):
        module = module[0]
    obj = pydoc.locate(f"{module}.{path}" if module else path)
    if obj is None:
        raise TargetError(f"{field}: {path} is not an importable class or function")
    return obj


def _unknown_arguments(obj: Any, node: dict, target: str, where: str) -> list[str]:
    """Keys of ``node`` that ``obj`` takes no argument for (none where it takes ``**kwargs``), with
    the nearest name it does take; ConfigParser's own keys (``_mode_``, ``_requires_``…) aside."""
    import difflib
    import inspect

    try:
        params = inspect.signature(obj).parameters
    except (TypeError, ValueError):  # builtins and some C types have no signature to read
        return []
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return []
    named = [n for n, p in params.items() if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)]
    out = []
    for key in node:
        if key.startswith("_") and key.endswith("_") or key in named:
            continue
        near = difflib.get_close_matches(key, named, n=1)
        out.append(f"{where}: {target} takes no argument '{key}'" + (f" (did you mean '{near[0]}'?)" if near else ""))
    return out


def unresolved(spec: Any, field: str) -> list[str]:
    """Every ``_target_`` in ``spec`` (nested ones too) that does not import, or is given an argument
    it does not take, one sentence each: checked before training, so a typo stops the run (exit 2)
    rather than failing every job."""
    problems: list[str] = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            target = node.get("_target_")
            if isinstance(target, str):
                try:
                    problems.extend(_unknown_arguments(_locate(target, where), node, target, where))
                except TargetError as err:
                    problems.append(str(err))
            for k, v in node.items():
                walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]")

    walk(spec, field)
    return problems


def short_name(path: str) -> str:
    """``monai.networks.nets.SegResNet`` → ``SegResNet``; ``mynets:build`` → ``build``."""
    return path.replace(":", ".").rsplit(".", 1)[-1]
