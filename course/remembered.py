"""A bounded, thread-safe memory of recent values: what the per-process caches share.

Each such cache keeps at most ``limit`` entries and, when full, forgets the one
stored longest ago. Reads take no lock (a dict lookup is atomic); stores do, so
that finding the oldest entry never races another thread's insertion.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Any


class Remembered:
    """Up to ``limit`` values by key, the oldest stored forgotten first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._values: dict[Hashable, Any] = {}
        self._storing = threading.Lock()

    def get(self, key: Hashable) -> Any:
        return self._values.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        with self._storing:
            if key not in self._values and len(self._values) >= self.limit:
                # Dicts keep insertion order: the first key is the one stored longest ago.
                self._values.pop(next(iter(self._values)), None)
            self._values[key] = value

    def forget(self, key: Hashable) -> None:
        self._values.pop(key, None)

    def keys(self) -> set[Hashable]:
        return set(self._values)

    def __len__(self) -> int:
        return len(self._values)
