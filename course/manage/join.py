"""Joining a cohort: from its invite link, or by accepting a manager's invitation.

Joining is always the learner's own act, and only then do the cohort's managers see
what they do in the course: all of it, from before they joined too, as the invite
page and the invitation say.
"""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from course.db import get_session, utcnow
from course.manage.cohorts import (
    accept_invitation,
    cohort_for_invite,
    decline_invitation,
    has_invitations,
    invitations_for,
    is_member,
    join_cohort,
)
from course.manage.invites import forget_invite, remember_invite
from course.manage.views import bp
from course.membership import Cohort
from course.site.addresses import safe_next_path

DEAD_INVITE = (
    "This invite link does not work. It may have been replaced by a newer one: "
    "ask the person who runs your cohort for the current link."
)
NO_INVITATION = "There is no invitation to that cohort waiting for you."


@bp.route("/join/<code>", methods=["GET", "POST"])
def join(code: str):
    """Show an invite; signed in, join the cohort with one button."""
    db = get_session()
    cohort = cohort_for_invite(db, code)
    if cohort is None:
        abort(404, DEAD_INVITE)
    if not current_user.is_authenticated:
        if request.method == "POST":
            return redirect(url_for("manage.join", code=code))
        remember_invite(code)  # so that signing up here also joins
        return render_template(
            "manage/join.html",
            cohort=cohort,
            code=code,
            registration=current_app.config["REGISTRATION"],
        )
    is_in = is_member(db, cohort.id, current_user.id)
    if request.method == "POST":
        if not is_in:
            join_cohort(db, cohort_id=cohort.id, user_ids=[current_user.id], now=utcnow())
            db.commit()
            flash(f"You have joined “{cohort.name}”.", "success")
        forget_invite()
        return redirect(url_for("manage.join", code=code))
    return render_template("manage/join.html", cohort=cohort, code=code, is_member=is_in)


def answer_first(db, user_id: int, next_path: str | None) -> str | None:
    """Return the page of the learner's waiting invitations, if any wait (auth asks at sign-in)."""
    if has_invitations(db, user_id):
        return url_for("manage.invitations", next=next_path)
    return None


@bp.get("/invitations")
@login_required
def invitations():
    """Show the cohorts the learner is invited to, each to accept or decline."""
    next_path = safe_next_path(request.args.get("next"))
    return render_template(
        "manage/invitations.html",
        invitations=invitations_for(get_session(), current_user.id),
        next_path=next_path,
        continue_to=next_path or url_for("learn.outline"),
    )


def _back(db):
    next_path = safe_next_path(request.args.get("next"))
    return redirect(
        answer_first(db, current_user.id, next_path) or next_path or url_for("learn.outline")
    )


@bp.post("/invitations/<id:cohort_id>/accept")
@login_required
def accept(cohort_id: int):
    """Join the cohort the learner was invited to."""
    db = get_session()
    cohort = db.get(Cohort, cohort_id)
    if cohort is None or not accept_invitation(
        db, cohort_id=cohort_id, user_id=current_user.id, now=utcnow()
    ):
        abort(404, NO_INVITATION)
    db.commit()
    flash(f"You have joined “{cohort.name}”.", "success")
    return _back(db)


@bp.post("/invitations/<id:cohort_id>/decline")
@login_required
def decline(cohort_id: int):
    """Decline the invitation: the cohort's managers see nothing of the learner's."""
    db = get_session()
    cohort = db.get(Cohort, cohort_id)
    if cohort is None or not decline_invitation(db, cohort_id=cohort_id, user_id=current_user.id):
        abort(404, NO_INVITATION)
    db.commit()
    flash(f"You declined “{cohort.name}”. Its managers see nothing of yours.", "success")
    return _back(db)
