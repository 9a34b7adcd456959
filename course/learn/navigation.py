"""Where an outline item lives, what comes before and after it, and the course around it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup, escape

from course.content.model import Catalog, OutlineItem
from course.progress.state import LearnerProgress
from course.progress.status import ItemState, badge_of
from course.site.addresses import item_addresses

KIND_LABELS = {"lesson": "Lesson", "quiz": "Quiz", "scenario": "Scenario"}


def item_url(item: OutlineItem) -> str:
    """Return the address of an outline item's page."""
    return item_addresses().of_item(item)


def neighbours(
    catalog: Catalog, item: OutlineItem
) -> tuple[OutlineItem | None, OutlineItem | None]:
    """Return the items before and after ``item`` across the whole outline."""
    before = catalog.items[item.index - 1] if item.index > 0 else None
    after = catalog.items[item.index + 1] if item.index + 1 < len(catalog.items) else None
    return before, after


class ContentsModule(NamedTuple):
    """A module of the course contents: its title and its items' lines, ready to write."""

    title: str
    lines: Markup


@dataclass(frozen=True)
class CourseContents:
    """The course's items with the learner's state of each, and the item on the page.

    An item page passes one to its template as ``contents``; the base template
    then shows it beside the page (or behind "Course contents" on a phone).
    Each module's lines are written here, not by a template loop: the list has a line
    per item of the course on every item page, and Jinja writing its five values
    and two conditions twenty-five times was a fifth of a lesson page's work.
    """

    modules: tuple[ContentsModule, ...]
    progress: LearnerProgress
    current: OutlineItem


def course_contents(
    catalog: Catalog, progress: LearnerProgress, current: OutlineItem
) -> CourseContents:
    """Return the course's contents as seen from ``current``, for the learner."""
    addresses = item_addresses()
    # Where the app is mounted is escaped once for every line. The route paths are
    # the URL map's and the slugs were checked when the catalog loaded: both hold
    # only characters a path keeps as they are, none of which HTML escapes.
    root, paths = escape(addresses.root), addresses.paths
    modules = tuple(
        ContentsModule(
            module.title, _contents_lines(module.items, progress.items, root, paths, current.index)
        )
        for module in catalog.course.modules
    )
    return CourseContents(modules, progress, current)


CURRENT_MARKS = (' class="contents-current"', ' aria-current="page"')
NO_MARKS = ("", "")


def _contents_lines(
    items: tuple[OutlineItem, ...],
    states: tuple[ItemState, ...],
    root: str,
    paths: dict[str, str],
    current_index: int,
) -> Markup:
    lines = []
    for item in items:
        badge = badge_of(states[item.index])  # its class and words are the code's own
        marks = CURRENT_MARKS if item.index == current_index else NO_MARKS
        lines.append(
            f'\n    <li{marks[0]}><a href="{root}{paths[item.kind]}{item.slug}"{marks[1]}>'
            f"{escape(item.title)}</a>"
            f'\n      <span class="badge {badge.css_class}">{badge.label}</span></li>'
        )
    return Markup("".join(lines))  # noqa: S704 - each value escaped or the code's own (above)
