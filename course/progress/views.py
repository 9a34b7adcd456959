"""A learner's own progress page, their certificate, and public verification."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from course.content import get_catalog
from course.db import get_session, utcnow
from course.manage.cohorts import managers_of_learner
from course.progress.certificates import certificate_of, find_certificate, issue_if_complete
from course.progress.models import QuizAttempt, ScenarioRun
from course.progress.state import progress_for_learner

bp = Blueprint("progress", __name__)


@bp.get("/progress")
@login_required
def my_progress():
    """Show every item's status, scores and attempts, and what to do next."""
    catalog = get_catalog()
    session = get_session()
    progress = progress_for_learner(session, catalog, current_user.id, with_drafts=True)
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
        # Who can grant another attempt, for a learner stuck on a quiz without one.
        managers=[manager.name for manager in managers_of_learner(session, current_user.id)]
        if progress.out_of_attempts
        else [],
    )


@bp.get("/certificate")
@login_required
def certificate():
    """Show the learner's certificate; else what is left, or the button that issues it."""
    session = get_session()
    issued = certificate_of(session, current_user.id)
    if issued is not None:
        return render_template("progress/certificate.html", certificate=issued)
    catalog = get_catalog()
    progress = progress_for_learner(session, catalog, current_user.id)
    # Complete without a certificate: the course was completed before certificates were
    # issued on completion, or the outline changed since. Issuing it is a write: a POST.
    template = "progress/ready.html" if progress.is_complete else "progress/not_yet.html"
    return render_template(template, catalog=catalog, progress=progress)


@bp.post("/certificate")
@login_required
def issue():
    """Issue the learner's certificate if the course is complete, and show it."""
    session = get_session()
    issue_if_complete(
        session,
        get_catalog(),
        user_id=current_user.id,
        learner_name=current_user.name,
        now=utcnow(),
    )
    session.commit()
    return redirect(url_for("progress.certificate"))


@bp.get("/certificates/<code>")
def verify(code: str):
    """Confirm a certificate's name, course and date to anyone with its code."""
    found = find_certificate(get_session(), code[:64])
    if found is None:
        abort(404, "No certificate has that code. Check it against the printed certificate.")
    return render_template("progress/verify.html", certificate=found)
