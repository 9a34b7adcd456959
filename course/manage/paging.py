"""Long lists a page at a time: which page a request asks for, and which one it gets."""

from __future__ import annotations

import re
from dataclasses import dataclass

PAGE_SIZE = 100  # rows per page: a page stays light however large the cohort
PAGE_NUMBER_RE = re.compile(r"[0-9]{1,6}")


def requested_page(args) -> int:
    """Return the page the query string asks for; 1 for anything that is not a page number."""
    text = args.get("page", "1")
    return max(int(text), 1) if PAGE_NUMBER_RE.fullmatch(text) else 1


@dataclass(frozen=True)
class Paging:
    """Page ``page`` of ``pages``: a page past the last is the last, so no link ever dead-ends."""

    page: int
    pages: int
    size: int

    @classmethod
    def of(cls, count: int, asked: int) -> Paging:
        pages = max(1, -(-count // PAGE_SIZE))
        return cls(page=min(max(asked, 1), pages), pages=pages, size=PAGE_SIZE)

    @property
    def offset(self) -> int:
        """How many rows come before this page."""
        return (self.page - 1) * self.size
