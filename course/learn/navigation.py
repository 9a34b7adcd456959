"""Where an outline item lives and what comes before and after it."""

from __future__ import annotations

from course.content.model import Catalog, OutlineItem
from course.site.addresses import item_address

KIND_LABELS = {"lesson": "Lesson", "quiz": "Quiz", "scenario": "Scenario"}


def item_url(item: OutlineItem) -> str:
    """Return the address of an outline item's page."""
    return item_address(item.kind, item.slug)


def neighbours(
    catalog: Catalog, item: OutlineItem
) -> tuple[OutlineItem | None, OutlineItem | None]:
    """Return the items before and after ``item`` across the whole outline."""
    before = catalog.items[item.index - 1] if item.index > 0 else None
    after = catalog.items[item.index + 1] if item.index + 1 < len(catalog.items) else None
    return before, after
