"""A bounded cache of the values used last: the oldest used is dropped once it is full."""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

V = TypeVar("V")


class LastUsed(Generic[V]):
    """At most `limit` values by key; reading or writing one makes it the newest."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._values: OrderedDict[str, V] = OrderedDict()

    def get(self, key: str) -> V | None:
        """The value kept for `key`, or None."""
        value = self._values.get(key)
        if value is not None:
            self._values.move_to_end(key)
        return value

    def put(self, key: str, value: V) -> None:
        """Keep `value` for `key`, dropping the oldest past the limit."""
        self._values[key] = value
        self._values.move_to_end(key)
        if len(self._values) > self._limit:
            self._values.popitem(last=False)

    def pop(self, key: str) -> None:
        """Forget `key` (nothing happens if it is not kept)."""
        self._values.pop(key, None)
