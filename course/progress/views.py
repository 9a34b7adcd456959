"""A learner's own progress page, their certificate, and public verification."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course.content import get_catalog
from course.db import get_session, utcnow
from course.progress.certificates import certificate_of, find_certificate, issue_certificate
from course.progress.models import QuizAttempt, ScenarioRun
from course.progress.state import progress_for_learner

bp = Blueprint("progress", __name__)


@bp.get("/progress")
@login_required
def my_progress():
    """Show every item's status, scores and attempts, and what to do next."""
    catalog = get_catalog()
    session = get_session()
    progress = progress_for_learner(session, catalog, current_user.id)
    attempts = session.scalars(
        select(QuizAttempt)
        .where(QuizAttempt.user_id == current_user.id)
        .order_by(QuizAttempt.quiz_slug, QuizAttempt.number)
    )
    runs = session.scalars(
        select(ScenarioRun)
        .where(ScenarioRun.user_id == current_user.id)
        .order_by(ScenarioRun.scenario_slug, ScenarioRun.number)
    )
    records_by_item: dict[tuple[str, str], list] = {}
    for attempt in attempts:
        records_by_item.setdefault(("quiz", attempt.quiz_slug), []).append(attempt)
    for run in runs:
        records_by_item.setdefault(("scenario", run.scenario_slug), []).append(run)
    return render_template(
        "progress/progress.html",
        catalog=catalog,
        progress=progress,
        records_by_item=records_by_item,
    )


@bp.get("/certificate")
@login_required
def certificate():
    """Show the learner's certificate, issuing it the first time; else what is left."""
    catalog = get_catalog()
    session = get_session()
    progress = progress_for_learner(session, catalog, current_user.id)
    issued = certificate_of(session, current_user.id)
    if issued is None and progress.is_complete:
        try:
            issued = issue_certificate(
                session,
                user_id=current_user.id,
                learner_name=current_user.name,
                course_title=catalog.course.title,
                completed_at=progress.completed_at or utcnow(),
                now=utcnow(),
            )
            session.commit()
        except IntegrityError:  # issued by a simultaneous request
            session.rollback()
            issued = certificate_of(session, current_user.id)
    if issued is None:
        return render_template("progress/not_yet.html", catalog=catalog, progress=progress)
    return render_template("progress/certificate.html", certificate=issued)


@bp.get("/certificates/<code>")
def verify(code: str):
    """Confirm a certificate's name, course and date to anyone with its code."""
    found = find_certificate(get_session(), code[:64])
    if found is None:
        abort(404, "No certificate has that code. Check it against the printed certificate.")
    return render_template("progress/verify.html", certificate=found)
