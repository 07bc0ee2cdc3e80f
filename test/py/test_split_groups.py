"""Patient-grouped splits: no patient crosses train / validation / test; subsets nest; folds partition."""

from hypothesis import given, settings
from hypothesis import strategies as st

from plateau.data import Case, nested_subset, split_cases


def cases_with_patients(draw_sizes):
    cases = []
    for p, k in enumerate(draw_sizes):
        cases += [Case(id=f"p{p}_s{j}", patient=f"p{p}") for j in range(k)]
    return cases


def patients_of(cases, idx):
    return {cases[i].patient for i in idx}


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), sizes=st.lists(st.integers(1, 6), min_size=12, max_size=60))
def test_fixed_split_never_leaks_a_patient(seed, sizes):
    cases = cases_with_patients(sizes)
    n = len(cases)
    parts = split_cases(cases, {"train": 0.6, "val": 0.15, "test": 0.2}, seed)
    tr, va, te = (patients_of(cases, parts[k]) for k in ("train", "val", "test"))
    assert not (tr & va) and not (tr & te) and not (va & te)
    assert len(parts["test"]) >= round(0.2 * n)


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), sizes=st.lists(st.integers(1, 5), min_size=15, max_size=50), data=st.data())
def test_folds_partition_development_and_subsets_nest(seed, sizes, data):
    cases = cases_with_patients(sizes)
    split = {"holdout": 0.2, "folds": 5}
    folds = [split_cases(cases, split, seed, f) for f in range(5)]
    test = set(folds[0]["test"].tolist())
    assert all(set(f["test"].tolist()) == test for f in folds), "the holdout is the same for every fold"
    vals = [set(f["val"].tolist()) for f in folds]
    assert sum(map(len, vals)) == len(cases) - len(test) and len(set().union(*vals)) == len(cases) - len(test)
    for f in folds:
        tr, va, te = (patients_of(cases, f[k]) for k in ("train", "val", "test"))
        assert not (tr & va) and not (tr & te) and not (va & te)
        pool = f["train"]
        ks = sorted(data.draw(st.lists(st.integers(1, len(pool)), min_size=2, max_size=4)))
        subsets = [set(nested_subset(pool, k).tolist()) for k in ks]
        assert all(a <= b for a, b in zip(subsets, subsets[1:]))
