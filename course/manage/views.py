"""The manager's pages: cohorts, one cohort's progress, one learner, analyses and the CSV.

Every handler loads (404), checks (403, or 404 for a cohort the user may not
see: its existence is private), acts, commits once and redirects.
"""

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
    url_for,
)
from flask_login import current_user

from course.auth.models import User
from course.content import get_catalog
from course.db import get_session, new_session, utcnow
from course.manage import charts, export
from course.manage.cohorts import (
    create_cohort,
    is_member,
    managers_of,
    member_ids,
    renew_invite_code,
)
from course.manage.forms import CohortForm, DueDateForm
from course.manage.learner import learner_records
from course.manage.matrix import (
    MARKS,
    SHOW,
    SORTS,
    MatrixView,
    cohort_packed_batches,
    cohort_page,
    cohort_report,
    headlines,
    mark_of,
)
from course.manage.overrides import (
    OverrideError,
    due_date_for,
    extend_due_date,
    grant_attempt,
    override_history,
)
from course.manage.paging import Paging
from course.manage.quiz_analysis import MIN_RESPONSES, analyse_quiz
from course.manage.scenario_analysis import SCORE_BANDS, analyse_scenario
from course.membership import Cohort
from course.permissions import can_view_cohort, can_view_learner, manager_required, visible_cohorts
from course.progress.state import progress_for_learner
from course.site.formats import day as format_date

bp = Blueprint("manage", __name__)

# No row has an id beyond a 32-bit INTEGER column; the route turns a larger
# number in the address into a 404 before it can reach the database.
COHORT = "/manage/cohorts/<id:cohort_id>"


def load_cohort(cohort_id: int) -> Cohort:
    """Return the cohort when the current user may see it, else 404."""
    cohort = get_session().get(Cohort, cohort_id)
    if cohort is None or not can_view_cohort(current_user, cohort):
        abort(404)
    return cohort


def invite_url(cohort: Cohort) -> str | None:
    """Return the full address of the cohort's invite link, if it has one."""
    if cohort.invite_code is None:
        return None
    return url_for("manage.join", code=cohort.invite_code, _external=True)


@bp.get("/manage/")
@manager_required
def index():
    """List the cohorts the user manages (every cohort, for an admin) with headline figures."""
    session = get_session()
    cohorts = list(session.scalars(visible_cohorts(current_user)))
    lines = headlines(session, get_catalog(), cohorts, utcnow().date())
    return render_template("manage/index.html", lines=lines)


@bp.route("/manage/cohorts/new", methods=["GET", "POST"])
@manager_required
def new_cohort():
    """Create a cohort managed by the current user."""
    form = CohortForm()
    if form.validate_on_submit():
        session = get_session()
        cohort = create_cohort(
            session,
            name=form.name.data,
            starts_on=form.starts_on.data,
            due_on=form.due_on.data,
            manager_id=current_user.id,
            now=utcnow(),
        )
        session.commit()
        flash(f"“{cohort.name}” is created. Make an invite link or add learners.", "success")
        return redirect(url_for("manage.cohort", cohort_id=cohort.id))
    return render_template("manage/new_cohort.html", form=form), 400 if form.errors else 200


@bp.get(COHORT)
@manager_required
def cohort(cohort_id: int):
    """Show a cohort's figures, charts and progress matrix (filtered, sorted, paged by query)."""
    cohort = load_cohort(cohort_id)
    catalog = get_catalog()
    session = get_session()
    today = utcnow().date()
    report = cohort_report(session, catalog, cohort, today)
    view = MatrixView.from_query(request.args)
    matched = report.counts[view.show]
    paging = Paging.of(matched, view.page)
    rows = cohort_page(
        session, catalog, cohort, today, view, offset=paging.offset, size=paging.size
    )
    first_day = cohort.starts_on or cohort.created_at.date()
    learners = report.summary.learners
    return render_template(
        "manage/cohort.html",
        cohort=cohort,
        catalog=catalog,
        managers=managers_of(session, cohort.id),
        summary=report.summary,
        distribution=charts.progress_distribution(report.buckets),
        completions=charts.completions_over_time(report.completions, learners, first_day, today),
        rows=rows,
        matched=matched,
        counts=report.counts,
        view=view,
        page=paging.page,
        pages=paging.pages,
        show_options=SHOW,
        sort_options=SORTS,
        invite_url=invite_url(cohort),
        score_text=export.score_text,
        status_text=export.status_text,
        marks=MARKS,
        mark_of=mark_of,
    )


@bp.post(COHORT + "/invite")
@manager_required
def new_invite(cohort_id: int):
    """Make a new invite link for the cohort; the old one stops working."""
    cohort = load_cohort(cohort_id)
    had_link = cohort.invite_code is not None
    renew_invite_code(cohort)
    get_session().commit()
    message = (
        "A new invite link is ready; the old one no longer works."
        if had_link
        else ("The invite link is ready to share.")
    )
    flash(message, "success")
    return redirect(url_for("manage.cohort", cohort_id=cohort.id, _anchor="invite"))


def load_learner(cohort: Cohort, user_id: int) -> User:
    """Return the cohort's learner, else 404; 403 unless the user may see their records."""
    session = get_session()
    person = session.get(User, user_id)
    if person is None or not is_member(session, cohort.id, user_id):
        abort(404)
    if not can_view_learner(session, current_user, user_id):
        abort(403)
    return person


def _learner_page(cohort: Cohort, person: User, status: int = 200, due_date_form=None):
    session = get_session()
    catalog = get_catalog()
    records = learner_records(session, person.id)
    return (
        render_template(
            "manage/learner.html",
            cohort=cohort,
            person=person,
            catalog=catalog,
            progress=progress_for_learner(session.connection(), catalog, person.id),
            attempts=records.attempts,
            runs=records.runs,
            ungraded=records.ungraded,
            due_on=due_date_for(session, person.id, cohort),
            due_date_form=due_date_form or DueDateForm(prefix="due", today=utcnow().date()),
            history=override_history(
                session,
                cohort=cohort,
                user_id=person.id,
                quiz_titles={slug: quiz.title for slug, quiz in catalog.quizzes.items()},
            ),
        ),
        status,
    )


@bp.get(COHORT + "/learners/<id:user_id>")
@manager_required
def learner(cohort_id: int, user_id: int):
    """Show one learner's items, quiz attempts, scenario paths and what managers changed."""
    cohort = load_cohort(cohort_id)
    return _learner_page(cohort, load_learner(cohort, user_id))


@bp.post(COHORT + "/learners/<id:user_id>/attempts/<slug>")
@manager_required
def grant_another_attempt(cohort_id: int, user_id: int, slug: str):
    """Give the learner one more attempt at a quiz than its limit."""
    cohort = load_cohort(cohort_id)
    person = load_learner(cohort, user_id)
    quiz = get_catalog().quizzes.get(slug)
    if quiz is None:
        abort(404)
    session = get_session()
    try:
        grant_attempt(
            session, user_id=person.id, quiz=quiz, granted_by=current_user.id, now=utcnow()
        )
    except OverrideError as error:
        abort(400, str(error))
    session.commit()
    flash(f"{person.name} has another attempt at “{quiz.title}”.", "success")
    return redirect(url_for("manage.learner", cohort_id=cohort.id, user_id=person.id))


@bp.post(COHORT + "/learners/<id:user_id>/due-date")
@manager_required
def extend_learner_due_date(cohort_id: int, user_id: int):
    """Give the learner their own due date in this cohort."""
    cohort = load_cohort(cohort_id)
    person = load_learner(cohort, user_id)
    form = DueDateForm(prefix="due", today=utcnow().date())
    if not form.validate_on_submit():
        return _learner_page(cohort, person, 400, due_date_form=form)
    session = get_session()
    extend_due_date(
        session,
        cohort_id=cohort.id,
        user_id=person.id,
        due_on=form.due_on.data,
        set_by=current_user.id,
        now=utcnow(),
    )
    session.commit()
    flash(f"{person.name} is now due {format_date(form.due_on.data)}.", "success")
    return redirect(url_for("manage.learner", cohort_id=cohort.id, user_id=person.id))


@bp.get(COHORT + "/quizzes/<slug>")
@manager_required
def quiz_analysis(cohort_id: int, slug: str):
    """Show each question's responses, facility, discrimination and picks."""
    cohort = load_cohort(cohort_id)
    catalog = get_catalog()
    quiz = catalog.quizzes.get(slug)
    if quiz is None:
        abort(404)
    first_only = request.args.get("attempts") != "all"
    analysis = analyse_quiz(
        get_session(),
        quiz,
        cohort.id,
        first_only=first_only,
        lessons=catalog.lessons,
    )
    return render_template(
        "manage/quiz.html", cohort=cohort, analysis=analysis, min_responses=MIN_RESPONSES
    )


@bp.get(COHORT + "/scenarios/<slug>")
@manager_required
def scenario_analysis(cohort_id: int, slug: str):
    """Show who reached each step, their choices, the endings and where runs stopped."""
    cohort = load_cohort(cohort_id)
    scenario = get_catalog().scenarios.get(slug)
    if scenario is None:
        abort(404)
    analysis = analyse_scenario(get_session(), scenario, member_ids(cohort.id))
    return render_template(
        "manage/scenario.html", cohort=cohort, analysis=analysis, score_bands=SCORE_BANDS
    )


@bp.get(COHORT + "/export.csv")
@manager_required
def export_csv(cohort_id: int):
    """Download the cohort's progress, one line per learner, filtered and sorted as the page."""
    cohort = load_cohort(cohort_id)
    catalog = get_catalog()
    today = utcnow().date()
    view = MatrixView.from_query(request.args)
    name = export.filename(cohort.name, today, None if view.show == "all" else view.show)
    app = current_app._get_current_object()

    def lines():
        # Streamed a batch of learners at a time, so memory stays flat however large the
        # cohort; on a session of its own, as the request's ends before the stream does.
        with app.app_context(), new_session() as session:
            batches = cohort_packed_batches(session, catalog, cohort, today, view)
            yield from export.cohort_csv(batches, catalog)

    return Response(
        lines(),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
