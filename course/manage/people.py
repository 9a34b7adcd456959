"""Who is in a cohort and who runs it: add learners (typed or from a roster), remove them,
add and remove managers, change the cohort's details, and make set-password links.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from course import mail
from course.auth.models import User
from course.auth.password_links import TOKEN_LIFETIME, issue_password_tokens, live_link
from course.db import get_session, utcnow
from course.mail.delivery import AFTER_COMMIT_BUDGET, deliver_queued
from course.manage.cohorts import (
    CohortError,
    add_manager,
    managers_of,
    member_page,
    membership,
    remove_manager,
    remove_member,
    update_cohort,
)
from course.manage.enrolment import enrol_people
from course.manage.forms import AddLearnersForm, AddManagerForm, CohortForm, RosterForm
from course.manage.invitations import links_csv_address, mail_enrolment, mail_password_link
from course.manage.paging import requested_page
from course.manage.removals import (
    UNDO_WINDOW,
    put_back,
    recent_removals,
    record_counts,
    remove_from_cohort,
    undoable,
)
from course.manage.roster import MAX_BYTES, MAX_ROWS, RosterError, decode_upload, parse_people
from course.manage.views import COHORT, bp, load_cohort
from course.permissions import manager_required
from course.site.formats import day as format_date

FIND_LENGTH = 100  # longer searches are cut: no name or email is longer


def _people_page(cohort, status: int = 200, *, find: str = "", page: int = 1, **forms):
    session = get_session()
    forms.setdefault("add_form", AddLearnersForm(prefix="add"))
    forms.setdefault("roster_form", RosterForm(prefix="roster"))
    forms.setdefault("manager_form", AddManagerForm(prefix="manager"))
    forms.setdefault("details_form", CohortForm(prefix="details", obj=cohort))
    forms["details_form"].submit.label.text = "Save details"
    return (
        render_template(
            "manage/people.html",
            cohort=cohort,
            members=member_page(session, cohort.id, find=find, page=page),
            find=find,
            managers=managers_of(session, cohort.id),
            removed=recent_removals(session, cohort.id, utcnow()),
            max_rows=MAX_ROWS,
            **forms,
        ),
        status,
    )


def _enrolment_page(cohort, people):
    """Add ``people`` and show what happened, with the new accounts' links.

    Rendered rather than redirected to: the links exist only in this response
    (the database keeps their hashes), so they are shown once, here.
    """
    session = get_session()
    now = utcnow()
    try:
        enrolment = enrol_people(
            session, cohort_id=cohort.id, people=people, invited_by=current_user.id, now=now
        )
        mailed = mail_enrolment(session, cohort, enrolment, now)
        session.commit()
    except IntegrityError:  # an account with one of the emails was created meanwhile
        session.rollback()
        abort(409, "Someone else changed these accounts at the same moment. Try again.")
    return _links_page(cohort, enrolment, enrolment.created, mailed)


def _links_page(cohort, enrolment, created, mailed: list[int], *, replaced=None):
    """Say what was mailed, or show the new links (and their CSV) when the site sends no mail."""
    if mail.is_configured():
        delivery = deliver_queued(mailed, budget=AFTER_COMMIT_BUDGET)
        links = []
    else:
        delivery = None
        links = [
            (user, url_for("auth.set_password", token=token, _external=True))
            for user, token in created
        ]
    return render_template(
        "manage/enrolled.html",
        cohort=cohort,
        enrolment=enrolment,
        links=links,
        links_csv=links_csv_address(links) if links else None,
        mailed=len(mailed),
        delivery=delivery,
        replaced=replaced,
        replaced_for=created[0][0] if replaced else None,
        lifetime_days=TOKEN_LIFETIME.days,
    )


@bp.get(COHORT + "/people")
@manager_required
def people(cohort_id: int):
    """Show the cohort's learners (a page of them, maybe searched) and managers, with forms."""
    return _people_page(
        load_cohort(cohort_id),
        find=request.args.get("find", "").strip()[:FIND_LENGTH],
        page=requested_page(request.args),
    )


@bp.post(COHORT + "/people/add")
@manager_required
def add_learners(cohort_id: int):
    """Invite learners by email; new emails get accounts and set-password links."""
    cohort = load_cohort(cohort_id)
    form = AddLearnersForm(prefix="add")
    if form.validate_on_submit():
        try:
            return _enrolment_page(cohort, parse_people(form.people.data))
        except RosterError as error:
            form.people.errors = list(error.problems)
    return _people_page(cohort, 400, add_form=form)


@bp.post(COHORT + "/people/import")
@manager_required
def import_roster(cohort_id: int):
    """Invite everyone in an uploaded roster CSV (name, email)."""
    cohort = load_cohort(cohort_id)
    form = RosterForm(prefix="roster")
    if form.validate_on_submit():
        try:
            text = decode_upload(form.roster.data.read(MAX_BYTES + 1))
            return _enrolment_page(cohort, parse_people(text))
        except RosterError as error:
            form.roster.errors = list(error.problems)
    return _people_page(cohort, 400, roster_form=form)


@bp.route(COHORT + "/learners/<id:user_id>/remove", methods=["GET", "POST"])
@manager_required
def remove_learner(cohort_id: int, user_id: int):
    """Ask to confirm, saying what is kept; then take the learner out of the cohort.

    An invitation not yet accepted is withdrawn at once: there is nothing of theirs to keep.
    """
    cohort = load_cohort(cohort_id)
    session = get_session()
    person = session.get(User, user_id)
    member = membership(session, cohort.id, user_id)
    if person is None or member is None:
        abort(404)
    if member.joined_at is None:
        if request.method == "GET":
            abort(405)
        remove_member(session, cohort_id=cohort.id, user_id=user_id)
        session.commit()
        # By email: the name is the learner's to share by accepting.
        flash(f"The invitation to {person.email} is withdrawn.", "success")
        return redirect(url_for("manage.people", cohort_id=cohort.id))
    if request.method == "GET":
        return render_template(
            "manage/remove_learner.html",
            cohort=cohort,
            person=person,
            records=record_counts(session, person.id),
            undo_days=UNDO_WINDOW.days,
        )
    now = utcnow()
    if (
        remove_from_cohort(
            session, cohort_id=cohort.id, user_id=user_id, removed_by=current_user.id, now=now
        )
        is None
    ):
        abort(404)
    session.commit()
    flash(
        f"{person.name} is no longer in “{cohort.name}”. Their records are kept; "
        f"you can undo this below until {format_date(now + UNDO_WINDOW)}.",
        "success",
    )
    return redirect(url_for("manage.people", cohort_id=cohort.id, _anchor="removed-heading"))


@bp.post(COHORT + "/removals/<id:removal_id>/undo")
@manager_required
def undo_removal(cohort_id: int, removal_id: int):
    """Put a removed learner back in the cohort, within 30 days of the removal."""
    cohort = load_cohort(cohort_id)
    session = get_session()
    now = utcnow()
    removal = undoable(session, cohort.id, removal_id, now)
    if removal is None:
        abort(404)
    put_back(session, removal, now=now)
    session.commit()
    person = session.get(User, removal.user_id)
    flash(f"{person.name} is back in “{cohort.name}”, with everything they did.", "success")
    return redirect(url_for("manage.people", cohort_id=cohort.id))


@bp.post(COHORT + "/learners/<id:user_id>/password-link")
@manager_required
def password_link(cohort_id: int, user_id: int):
    """Make a new set-password link for an account made for this cohort, without a password yet.

    Only an admin, or a manager of the cohort the account was made for, may: adding an
    email to another cohort gives no hold on its account. A link still working is
    replaced, and the page says whose it was.
    """
    cohort = load_cohort(cohort_id)
    session = get_session()
    person = session.get(User, user_id)
    member = membership(session, cohort.id, user_id)
    if person is None or member is None or member.joined_at is None:
        abort(404)
    if not (member.created_account or current_user.is_admin):
        abort(
            403,
            "This account was not made for this cohort, so its managers cannot make its "
            "set-password link. Ask an admin.",
        )
    if person.password_hash is not None:
        # Managers start accounts; they never take over one its owner has secured.
        abort(403, f"{person.name} has set a password already; they can sign in.")
    now = utcnow()
    replaced = live_link(session, person.id, now)
    token = issue_password_tokens(session, [person.id], now, issued_by=current_user.id)[person.id]
    mailed = mail_password_link(session, cohort, person, token, now)
    session.commit()
    return _links_page(cohort, None, [(person, token)], mailed, replaced=replaced)


@bp.post(COHORT + "/managers")
@manager_required
def add_cohort_manager(cohort_id: int):
    """Add another manager (an existing manager or admin account) to the cohort."""
    cohort = load_cohort(cohort_id)
    form = AddManagerForm(prefix="manager")
    if form.validate_on_submit():
        session = get_session()
        try:
            user = add_manager(session, cohort, email=form.email.data, now=utcnow())
        except CohortError as error:
            form.email.errors.append(str(error))
        else:
            session.commit()
            flash(f"{user.name} now manages “{cohort.name}” too.", "success")
            return redirect(url_for("manage.people", cohort_id=cohort.id))
    return _people_page(cohort, 400, manager_form=form)


@bp.post(COHORT + "/managers/<id:user_id>/remove")
@manager_required
def remove_cohort_manager(cohort_id: int, user_id: int):
    """Stop someone managing the cohort (themselves included); the last manager stays."""
    cohort = load_cohort(cohort_id)
    session = get_session()
    person = session.get(User, user_id)
    try:
        removed = person is not None and remove_manager(session, cohort, user_id=user_id)
    except CohortError as error:
        abort(400, str(error))
    if not removed:
        abort(404)
    session.commit()
    if user_id == current_user.id and not current_user.is_admin:
        flash(f"You no longer manage “{cohort.name}”.", "success")
        return redirect(url_for("manage.index"))
    flash(f"{person.name} no longer manages “{cohort.name}”.", "success")
    return redirect(url_for("manage.people", cohort_id=cohort.id))


@bp.post(COHORT + "/details")
@manager_required
def edit_details(cohort_id: int):
    """Rename the cohort or change its dates."""
    cohort = load_cohort(cohort_id)
    form = CohortForm(prefix="details")
    if form.validate_on_submit():
        update_cohort(
            cohort, name=form.name.data, starts_on=form.starts_on.data, due_on=form.due_on.data
        )
        get_session().commit()
        flash("The cohort's details are saved.", "success")
        return redirect(url_for("manage.people", cohort_id=cohort.id))
    return _people_page(cohort, 400, details_form=form)
