"""Counts tests report at the end of a run (`pytest_terminal_summary` in the root conftest):
how many authorization cases the matrix checked, how many requests the fuzzing sent."""

from __future__ import annotations

from collections import Counter

TALLY: Counter[str] = Counter()
