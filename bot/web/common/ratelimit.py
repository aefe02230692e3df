"""A limit on attempts per key (an address, a link, an account), in this process's memory.

Each worker keeps its own counts, so with N workers an attacker gets at most N times the
limit; that is still a handful of guesses at a 43-character token or a 4-digit PIN's
tries spread over hours. Counts are dropped when their window has passed; the oldest keys
go first when more than `max_keys` are tracked, so a flood cannot fill the memory.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from aiohttp import web

# A reverse proxy on the same host: the client is the address it adds to X-Forwarded-For.
LOCAL_PROXIES = frozenset({"127.0.0.1", "::1"})


def client_address(request: web.Request) -> str:
    """The address to count a browser's attempts by.

    Behind a reverse proxy on this host every request comes from the proxy, so one key would
    count everyone together; the proxy appends the client's address to X-Forwarded-For, and
    the last entry is the one it added (earlier ones the client may have written itself).
    From anywhere else the header is ignored: anyone could send one.
    """
    remote = request.remote or "unknown"
    forwarded = request.headers.get("X-Forwarded-For", "")
    if remote in LOCAL_PROXIES and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return remote


class RateLimiter:
    """At most `attempts` per key within any `per_seconds`."""

    def __init__(
        self,
        attempts: int,
        per_seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.attempts = attempts
        self.per_seconds = per_seconds
        self._clock = clock
        self._max_keys = max_keys
        self._seen: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self._clock()
        times = self._seen.pop(key, deque())
        while times and times[0] <= now - self.per_seconds:
            times.popleft()
        self._seen[key] = times  # re-inserted last: the dict's order is least recently used
        while len(self._seen) > self._max_keys:
            del self._seen[next(iter(self._seen))]
        return times

    def allow(self, key: str) -> bool:
        """Count an attempt for `key` and tell whether it is within the limit."""
        times = self._recent(key)
        if len(times) >= self.attempts:
            return False
        times.append(self._clock())
        return True

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may try again (0 when it may now)."""
        times = self._recent(key)
        if len(times) < self.attempts:
            return 0.0
        return max(0.0, times[0] + self.per_seconds - self._clock())
