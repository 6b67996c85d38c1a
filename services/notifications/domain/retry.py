"""When a failed delivery is tried again: exponential backoff, capped, with a last attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts a delivery gets and how long to wait between them."""

    max_attempts: int = 8
    base_seconds: float = 2.0
    max_seconds: float = 900.0

    def delay_after(self, attempts: int) -> timedelta:
        """Wait before the next attempt, `attempts` having failed: base x 2^(attempts-1)."""
        seconds = self.base_seconds * 2 ** max(attempts - 1, 0)
        return timedelta(seconds=min(seconds, self.max_seconds))

    def gives_up_after(self, attempts: int) -> bool:
        """Whether `attempts` failed attempts are the last allowed."""
        return attempts >= self.max_attempts

    def schedule(self) -> list[timedelta]:
        """Every wait between attempts, from the first failure to the last retry."""
        return [self.delay_after(n) for n in range(1, self.max_attempts)]
