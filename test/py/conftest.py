import os
from pathlib import Path

# The worker reads the contract from the repo's schemas/ folder.
os.environ.setdefault("PLATEAU_SCHEMAS", str(Path(__file__).resolve().parents[2] / "schemas"))
