"""The benchmark's percentiles are nearest-rank over the values in any order."""

from __future__ import annotations

import random

from tsunagu_ops.bench.report import percentile


def test_percentiles_do_not_depend_on_the_order_of_the_values() -> None:
    values = [float(v) for v in range(1, 101)]
    random.Random(7).shuffle(values)
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([], 0.5) == 0.0
