"""Data sets (one Source per ``dataset.kind``), patient-grouped splits and nested training subsets."""

from .cases import Case, DataError, Source
from .sources import SOURCES, source
from .split import nested_subset, part_count, split_cases, split_indices, train_count

__all__ = ["Case", "DataError", "SOURCES", "Source", "nested_subset", "part_count", "source", "split_cases",
           "split_indices", "train_count"]
