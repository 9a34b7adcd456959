"""Where an outline item lives, what comes before and after it, and the course around it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from course.content.model import Catalog, OutlineItem
from course.progress.state import LearnerProgress
from course.progress.status import Badge, badge_of
from course.site.addresses import item_address, item_addresses

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


class ContentsEntry(NamedTuple):
    """One line of the course contents: an item, its address, its badge, and whether it is open."""

    title: str
    address: str
    badge: Badge
    is_current: bool


class ContentsModule(NamedTuple):
    title: str
    entries: tuple[ContentsEntry, ...]


@dataclass(frozen=True)
class CourseContents:
    """The course's items with the learner's state of each, and the item on the page.

    An item page passes one to its template as ``contents``; the base template
    then shows it beside the page (or behind "Course contents" on a phone).
    Each line is ready to write: the list appears on every item page, and a
    template loop that works out addresses and badges itself costs a third of
    the page's time.
    """

    modules: tuple[ContentsModule, ...]
    progress: LearnerProgress
    current: OutlineItem


def course_contents(
    catalog: Catalog, progress: LearnerProgress, current: OutlineItem
) -> CourseContents:
    """Return the course's contents as seen from ``current``, for the learner."""
    states, addresses = progress.items, item_addresses()
    modules = tuple(
        ContentsModule(
            module.title,
            tuple(
                ContentsEntry(
                    item.title,
                    addresses.of(item.kind, item.slug),
                    badge_of(states[item.index]),
                    item.index == current.index,
                )
                for item in module.items
            ),
        )
        for module in catalog.course.modules
    )
    return CourseContents(modules, progress, current)
