"""Finishing a listing of cases: patient ids, sorting, and one error listing every bad case."""

from __future__ import annotations

import re

from .cases import Case, DataError
from .patient import patient_of


class ListingError(DataError):
    """A DataError that still carries the cases that were fine, so a full check can go on scanning them."""

    def __init__(self, root: str, problems: list[tuple[str, str]], cases: list[Case]):
        super().__init__(root, problems)
        self.cases = cases


def finish(spec: dict, found: list[tuple[str, dict]], problems: list[tuple[str, str]]) -> list[Case]:
    """Cases sorted by id from ``(id, Case fields)`` pairs; raises ListingError if anything was wrong.

    ``found`` gives each case's id and its ``images`` / ``mask`` / ``meta``; ``problems`` are the
    structural problems (path, text) found while listing.
    """
    cases, problems = [], list(problems)
    pattern = spec.get("patient_regex")
    if pattern:
        try:  # the schema checks it as a JavaScript regex; Python's syntax differs in places
            re.compile(pattern)
        except re.error as err:
            raise ListingError(spec["root"], [(spec["root"], f"patient_regex {pattern!r} is not a Python regex: {err}")],
                               []) from err
    for case_id, fields in sorted(found, key=lambda f: f[0]):
        patient = patient_of(spec, case_id)
        if patient is None:
            problems.append((fields.get("mask") or fields["images"][0],
                             f"case id {case_id!r} does not match patient_regex {pattern!r}"))
            continue
        cases.append(Case(id=case_id, patient=patient, **fields))
    if not cases and not problems:
        problems.append((spec["root"], "no cases found"))
    if problems:
        raise ListingError(spec["root"], problems, cases)
    return cases
