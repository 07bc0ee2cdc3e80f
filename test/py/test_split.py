import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plateau.data import nested_subset, split_indices


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(10, 300), data=st.data())
def test_splits_disjoint_and_subsets_nested(seed, n, data):
    test = data.draw(st.integers(1, n // 3))
    val = data.draw(st.integers(1, n // 3))
    train = data.draw(st.integers(1, n - test - val))
    parts = split_indices(n, {"train": train, "val": val, "test": test}, seed)
    assert len(parts["train"]) == train and len(parts["val"]) == val and len(parts["test"]) == test
    all_idx = np.concatenate([parts["train"], parts["val"], parts["test"]])
    assert len(set(all_idx.tolist())) == len(all_idx)
    sizes = sorted(data.draw(st.lists(st.integers(1, train), min_size=2, max_size=6)))
    subsets = [set(nested_subset(parts["train"], k).tolist()) for k in sizes]
    for small, large in zip(subsets, subsets[1:]):
        assert small <= large


def test_same_seed_same_split_other_seed_other_split():
    spec = {"train": 50, "val": 10, "test": 10}
    a, b, c = split_indices(100, spec, 7), split_indices(100, spec, 7), split_indices(100, spec, 8)
    assert all((a[k] == b[k]).all() for k in a)
    assert not (a["train"] == c["train"]).all()


def test_split_larger_than_data():
    with pytest.raises(ValueError, match="needs 70 cases but the data set has 60"):
        split_indices(60, {"train": 50, "val": 10, "test": 10}, 0)
