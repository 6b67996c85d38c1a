"""The bounded cache of the values used last: the least recently used goes first."""

from __future__ import annotations

from tsunagu.caches import LastUsed


def test_past_its_limit_the_value_used_longest_ago_is_dropped() -> None:
    cache: LastUsed[int] = LastUsed(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the newest
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    cache.put("a", 4)  # a new value for a kept key replaces it, dropping nothing
    assert (cache.get("a"), cache.get("c")) == (4, 3)
    cache.pop("a")
    cache.pop("never kept")
    assert cache.get("a") is None
