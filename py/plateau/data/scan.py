"""What a full check learns from one case: its problems, its original size and the loaded pair."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .cases import Case, DataError


@dataclass
class Scan:
    """``problems`` are (path, text); ``size`` is the original spatial size (None if unreadable);
    ``pair`` is ``load``'s output when the case is fine."""

    problems: list[tuple[str, str]]
    size: tuple[int, ...] | None = None
    pair: tuple[np.ndarray, np.ndarray] | None = None


def failure(err: Exception) -> str:
    """A one-line reason a file did not open."""
    lines = str(err).strip().splitlines()
    return f"does not open ({type(err).__name__}{': ' + lines[0] if lines else ''})"


def check_of(scan: Callable) -> Callable[[dict, Case], list[str]]:
    """``Source.check`` from a scan function: the problems as "path: text" lines."""
    return lambda spec, case: [f"{path}: {text}" for path, text in scan(spec, case).problems]


def load_of(scan: Callable) -> Callable[[dict, Case], tuple[np.ndarray, np.ndarray]]:
    """``Source.load`` from a scan function: the loaded pair, or a DataError naming the bad files."""

    def load(spec: dict, case: Case) -> tuple[np.ndarray, np.ndarray]:
        result = scan(spec, case)
        if result.pair is None:
            raise DataError(spec["root"], result.problems)
        return result.pair

    return load
