"""The outline and the lesson pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required

from course.content import get_catalog
from course.content.model import Catalog, Lesson, OutlineItem, Quiz, Scenario
from course.db import begin_write, get_connection, get_session, utcnow
from course.deadlines import due_dates_for_learner
from course.learn.navigation import course_contents, item_url, neighbours
from course.progress.certificates import issue_if_complete
from course.progress.lessons import complete_lesson, is_worth_recording, record_lesson_opened
from course.progress.state import LearnerProgress, progress_for_learner
from course.progress.status import ItemState

bp = Blueprint("learn", __name__)


def load_item(kind: str, slug: str):
    """Return the catalog's item of this kind and its outline entry, or 404."""
    catalog = get_catalog()
    found = catalog.find(kind, slug)
    outline_item = catalog.outline_item(kind, slug)
    if found is None or outline_item is None:
        abort(404)
    return catalog, found, outline_item


@dataclass(frozen=True)
class OpenedItem:
    """An item a signed-in learner may open, with where they stand in the course."""

    catalog: Catalog
    content: Lesson | Quiz | Scenario
    outline_item: OutlineItem
    progress: LearnerProgress
    state: ItemState


def open_item(kind: str, slug: str) -> OpenedItem:
    """Load the item (404) and the learner's progress; a locked item ends in its 403 page."""
    catalog, content, outline_item = load_item(kind, slug)
    progress = progress_for_learner(get_connection(), catalog, current_user.id)
    state = progress.state_of(kind, slug)
    if state.is_locked:
        waiting_on = [
            s for s in progress.items[: outline_item.index] if s.item.required and not s.is_done
        ]
        page = render_template("learn/locked.html", item=outline_item, waiting_on=waiting_on)
        abort(make_response(page, 403))
    return OpenedItem(catalog, content, outline_item, progress, state)


@bp.get("/")
def outline():
    """Show the course outline and, for a learner, where they stand."""
    catalog = get_catalog()
    progress, due_dates = None, ()
    if current_user.is_authenticated:
        progress = progress_for_learner(
            get_connection(), catalog, current_user.id, with_drafts=True
        )
        due_dates = due_dates_for_learner(get_session(), current_user.id)
    return render_template(
        "learn/outline.html",
        catalog=catalog,
        progress=progress,
        due_dates=due_dates,
        today=utcnow().date(),
    )


@bp.get("/lessons/<slug>")
@login_required
def lesson(slug: str):
    """Show a lesson and note that the learner opened it."""
    opened = open_item("lesson", slug)
    catalog, lesson, outline_item = opened.catalog, opened.content, opened.outline_item
    state, now = opened.state, utcnow()
    if is_worth_recording(state.last_activity_at, now):
        # This GET writes: one transaction holding the write lock, committed here.
        session = get_session()
        begin_write(session)
        record_lesson_opened(session, current_user.id, slug, now)
        session.commit()
    previous_item, next_item = neighbours(catalog, outline_item)
    return render_template(
        "learn/lesson.html",
        catalog=catalog,
        lesson=lesson,
        item=outline_item,
        module=catalog.course.modules[outline_item.module_index],
        state=state,
        contents=course_contents(catalog, opened.progress, outline_item),
        previous_item=previous_item,
        next_item=next_item,
    )


@bp.post("/lessons/<slug>/complete")
@login_required
def complete(slug: str):
    """Mark a lesson complete and go on to the next item."""
    opened = open_item("lesson", slug)
    session, now = get_session(), utcnow()
    complete_lesson(session, current_user.id, slug, now)
    issued = issue_if_complete(
        session, opened.catalog, user_id=current_user.id, learner_name=current_user.name, now=now
    )
    session.commit()
    flash(f"“{opened.outline_item.title}” is complete.", "success")
    if issued is not None:
        return redirect(url_for("progress.certificate"))
    _previous, next_item = neighbours(opened.catalog, opened.outline_item)
    return redirect(item_url(next_item) if next_item else url_for("learn.outline"))
