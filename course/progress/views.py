"""A learner's own progress page and calendar feed, their certificate, and public verification."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from course.content import get_catalog
from course.db import begin_write, get_session, utcnow
from course.deadlines import due_dates_for_learner
from course.permissions import managers_of_learner
from course.progress.calendar import (
    current_feed_token,
    due_dates_calendar,
    feed_address,
    feed_owner,
    renew_feed_token,
)
from course.progress.certificates import certificate_of, find_certificate, issue_if_complete
from course.progress.models import QuizAttempt, ScenarioRun
from course.progress.state import LearnerProgress, progress_for_learner

bp = Blueprint("progress", __name__)

# Once earned, a certificate is never taken back: the signed-in session remembers it,
# so the header's link costs no query on every page (sign-in and sign-out clear it).
HAS_CERTIFICATE_KEY = "has_certificate"


def has_certificate(progress: LearnerProgress | None = None) -> bool:
    """Tell whether the signed-in person has earned their certificate.

    An item page passes the learner's progress, read for the page already: an
    unfinished course has no certificate, so those pages need no query for it.
    """
    if session.get(HAS_CERTIFICATE_KEY):
        return True
    if progress is not None and not progress.is_complete:
        return False
    if certificate_of(get_session(), current_user.id) is None:
        return False
    session[HAS_CERTIFICATE_KEY] = True
    return True


@bp.get("/progress")
@login_required
def my_progress():
    """Show what to do next, the due dates, every item's status, scores and attempts."""
    catalog = get_catalog()
    session = get_session()
    token = current_feed_token(session, current_app.secret_key, current_user.id)
    if token is None:
        # The first visit gives the learner their calendar address: a write in a GET.
        begin_write(session)
        token = renew_feed_token(session, current_app.secret_key, current_user.id, utcnow())
        session.commit()
    progress = progress_for_learner(
        session.connection(), catalog, current_user.id, with_drafts=True
    )
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
        due_dates=due_dates_for_learner(session, current_user.id),
        today=utcnow().date(),
        calendar_address=feed_address(token),
        # Who can grant another attempt, for a learner stuck on a quiz without one.
        managers=managers_of_learner(session, current_user.id) if progress.out_of_attempts else [],
    )


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """Serve a learner's due dates to their calendar app; an unknown address is a 404."""
    session = get_session()
    user_id = feed_owner(session, token)
    if user_id is None:
        abort(404, "No calendar has that address. Copy the address again from My progress.")
    body = due_dates_calendar(
        due_dates_for_learner(session, user_id),
        course_title=get_catalog().course.title,
        course_url=url_for("learn.outline", _external=True),
        uid_domain=request.host.split(":")[0] or "course",
        now=utcnow(),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/calendar/renew")
@login_required
def renew_calendar():
    """Make a new calendar address for the learner; the old one stops working."""
    session = get_session()
    renew_feed_token(session, current_app.secret_key, current_user.id, utcnow())
    session.commit()
    flash(
        "Your calendar has a new address. Subscribe to it again: the old one no longer works.",
        "success",
    )
    return redirect(url_for("progress.my_progress", _anchor="calendar"))


@bp.get("/certificate")
@login_required
def certificate():
    """Show the learner's certificate; else what is left, or the button that issues it."""
    session = get_session()
    issued = certificate_of(session, current_user.id)
    if issued is not None:
        return render_template("progress/certificate.html", certificate=issued)
    catalog = get_catalog()
    progress = progress_for_learner(session.connection(), catalog, current_user.id)
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
