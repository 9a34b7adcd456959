"""Where an outline item lives, what comes before and after it, and the course around it."""

from __future__ import annotations

from dataclasses import dataclass

from course.content.model import Catalog, Module, OutlineItem
from course.progress.state import LearnerProgress
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


@dataclass(frozen=True)
class CourseContents:
    """The course's items with the learner's state of each, and the item on the page.

    An item page passes one to its template as ``contents``; the base template
    then shows it beside the page (or behind "Course contents" on a phone).
    """

    modules: tuple[Module, ...]
    progress: LearnerProgress
    current: OutlineItem


def course_contents(
    catalog: Catalog, progress: LearnerProgress, current: OutlineItem
) -> CourseContents:
    """Return the course's contents as seen from ``current``, for the learner."""
    return CourseContents(catalog.course.modules, progress, current)
