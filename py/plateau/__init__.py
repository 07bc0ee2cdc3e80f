"""plateau's trainer: segmentation jobs with MONAI and PyTorch, answered as Arrow tables.

A worker (``python -m plateau.worker --connect tcp://...``) takes jobs from the control plane;
the same functions (``plateau.train.run_job``) serve a MONAI user calling them directly.
"""

__version__ = "0.1.0"
