"""The outline and the lesson pages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from course.content import get_catalog
from course.db import get_session, utcnow
from course.learn.navigation import item_url, neighbours
from course.progress.lessons import complete_lesson, record_lesson_opened
from course.progress.state import progress_for_learner

bp = Blueprint("learn", __name__)


def load_item(kind: str, slug: str):
    """Return the catalog's item of this kind and its outline entry, or 404."""
    catalog = get_catalog()
    found = catalog.find(kind, slug)
    outline_item = catalog.outline_item(kind, slug)
    if found is None or outline_item is None:
        abort(404)
    return catalog, found, outline_item


def locked_page(catalog, progress, outline_item):
    """Render the page that says which earlier items open this one."""
    waiting_on = [
        s for s in progress.items[: outline_item.index] if s.item.required and not s.is_done
    ]
    return (
        render_template("learn/locked.html", item=outline_item, waiting_on=waiting_on),
        403,
    )


@bp.get("/")
def outline():
    """Show the course outline and, for a learner, where they stand."""
    catalog = get_catalog()
    progress = None
    if current_user.is_authenticated:
        progress = progress_for_learner(get_session(), catalog, current_user.id)
    return render_template("learn/outline.html", catalog=catalog, progress=progress)


@bp.get("/lessons/<slug>")
@login_required
def lesson(slug: str):
    """Show a lesson and note that the learner opened it."""
    catalog, lesson, outline_item = load_item("lesson", slug)
    session = get_session()
    progress = progress_for_learner(session, catalog, current_user.id)
    state = progress.state_of("lesson", slug)
    if state.is_locked:
        return locked_page(catalog, progress, outline_item)
    if record_lesson_opened(
        session, current_user.id, slug, utcnow(), last_activity_at=state.last_activity_at
    ):
        session.commit()
    previous_item, next_item = neighbours(catalog, outline_item)
    return render_template(
        "learn/lesson.html",
        catalog=catalog,
        lesson=lesson,
        item=outline_item,
        module=catalog.course.modules[outline_item.module_index],
        state=state,
        progress=progress,
        previous_item=previous_item,
        next_item=next_item,
    )


@bp.post("/lessons/<slug>/complete")
@login_required
def complete(slug: str):
    """Mark a lesson complete and go on to the next item."""
    catalog, _lesson, outline_item = load_item("lesson", slug)
    session = get_session()
    progress = progress_for_learner(session, catalog, current_user.id)
    if progress.state_of("lesson", slug).is_locked:
        return locked_page(catalog, progress, outline_item)
    complete_lesson(session, current_user.id, slug, utcnow())
    session.commit()
    flash(f"“{outline_item.title}” is complete.", "success")
    _previous, next_item = neighbours(catalog, outline_item)
    return redirect(item_url(next_item) if next_item else url_for("learn.outline"))
