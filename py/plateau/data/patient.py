"""Patient ids from case ids: the spec's ``patient_regex`` (first capture group), else the case itself."""

from __future__ import annotations

import re


def patient_of(spec: dict, case_id: str) -> str | None:
    """The patient of ``case_id``; None when a regex is given and does not match (a problem to report)."""
    pattern = spec.get("patient_regex")
    if not pattern:
        return case_id
    match = re.search(pattern, case_id)
    if match is None:
        return None
    # A regex without a group groups by its whole match.
    return match.group(1) if match.re.groups else match.group(0)
