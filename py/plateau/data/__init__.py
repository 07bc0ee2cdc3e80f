"""Data sets (one loader per ``dataset.kind``), splits and nested training fractions."""

from .load import load_dataset
from .split import nested_subset, split_indices

__all__ = ["load_dataset", "nested_subset", "split_indices"]
