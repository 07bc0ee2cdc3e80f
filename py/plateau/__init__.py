"""plateau's trainer: segmentation jobs with MONAI and PyTorch, answered as Arrow tables.

A worker (``python -m plateau.worker --connect tcp://...``) takes jobs from the control plane;
the same functions (``plateau.train.run_job``) serve a MONAI user calling them directly, and
``plateau.Study`` records the results of a user's own training loop in the same store.
"""

__version__ = "0.1.0"

__all__ = ["Study", "StudyError", "StudyJob", "Subsets"]


def __getattr__(name: str):
    # ``plateau.Study`` without importing torch for every ``import plateau.<module>``.
    if name in __all__:
        from . import study

        return getattr(study, name)
    raise AttributeError(f"module 'plateau' has no attribute {name!r}")
