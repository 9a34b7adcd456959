"""Member summaries: written with the facts and the memberships, and read by the cohort page.

The cohort page counts, filters and sorts over one row per cohort and learner; the
rows must always equal a recomputation from the facts, and the page's SQL rules
(at risk, overdue, started, completed) must agree with the flags written out in
Python for every learner on any day.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.auth.accounts import rename
from course.auth.models import Role, User
from course.content import get_catalog
from course.db import new_session, utcnow
from course.manage.cohorts import create_cohort, join_cohort, remove_member, update_cohort
from course.manage.matrix import SHOW, MatrixView, cohort_page, cohort_report, cohort_rows
from course.manage.overrides import extend_due_date
from course.progress.summaries import ensure_outline, summary_differences
from tests.progress.test_progress_figures import LEARNER, record

DAYS = st.integers(min_value=-20, max_value=40)
STEP = st.one_of(
    st.tuples(st.just("leave"), st.integers(0, 3)),
    st.tuples(st.just("rejoin"), st.integers(0, 3)),
    st.tuples(st.just("own due"), st.integers(0, 3), DAYS),
    st.tuples(st.just("cohort due"), st.one_of(st.none(), DAYS)),
    st.tuples(st.just("rename"), st.integers(0, 3), st.sampled_from(["Zoë", "ada", "Émile"])),
    # More lessons later on (quiz attempts and runs are numbered: only the first
    # activity has them).
    st.tuples(
        st.just("activity"), st.integers(0, 3), LEARNER.map(lambda a: {**a, "quiz": [], "runs": []})
    ),
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    first=st.lists(LEARNER, min_size=4, max_size=4),
    steps=st.lists(STEP, max_size=8),
    due_in=st.one_of(st.none(), DAYS),
)
def test_member_summaries_follow_every_change_and_the_page_counts_as_the_flags_say(
    app, make_user, first, steps, due_in
):
    manager = make_user(role=Role.MANAGER)
    learners = [make_user().id for _ in first]
    today = date.today()
    start = utcnow() - timedelta(days=40)
    with app.app_context(), new_session(write=True) as session:
        catalog = get_catalog()
        ensure_outline(session.connection(), catalog)
        now = utcnow()
        cohort = create_cohort(
            session,
            name="Autumn",
            starts_on=None,
            due_on=None if due_in is None else today + timedelta(days=due_in),
            manager_id=manager.id,
            now=now,
        )
        # Joined a while ago: the idle rule counts from joining for those who never start.
        join_cohort(session, cohort_id=cohort.id, user_ids=learners, now=start)
        for user_id, activity in zip(learners, first, strict=True):
            record(session, catalog, user_id, activity, start)
        for step in steps:
            kind, *args = step
            if kind == "leave":
                remove_member(session, cohort_id=cohort.id, user_id=learners[args[0]])
            elif kind == "rejoin":
                join_cohort(session, cohort_id=cohort.id, user_ids=[learners[args[0]]], now=now)
            elif kind == "own due":
                extend_due_date(
                    session,
                    cohort_id=cohort.id,
                    user_id=learners[args[0]],
                    due_on=today + timedelta(days=args[1]),
                    set_by=manager.id,
                    now=utcnow(),
                )
            elif kind == "cohort due":
                due_on = None if args[0] is None else today + timedelta(days=args[0])
                update_cohort(cohort, name=cohort.name, starts_on=None, due_on=due_on)
            elif kind == "rename":
                rename(session, session.get(User, learners[args[0]]), args[1])
            else:
                record(session, catalog, learners[args[0]], args[1], start)
        session.flush()
        # Written with each change, the rows are what recomputing them from the facts gives.
        assert summary_differences(session.connection()) == []
        # On any day, the page's counts and filters agree with each learner's flags.
        for day in (today - timedelta(days=3), today, today + timedelta(days=9)):
            rows = cohort_rows(session, catalog, cohort, day)
            expected = {
                "all": {row.user_id for row in rows},
                "not-started": {row.user_id for row in rows if row.stage == "not-started"},
                "in-progress": {row.user_id for row in rows if row.stage == "in-progress"},
                "completed": {row.user_id for row in rows if row.stage == "completed"},
                "at-risk": {row.user_id for row in rows if row.is_at_risk},
                "overdue": {row.user_id for row in rows if row.is_overdue},
            }
            report = cohort_report(session, catalog, cohort, day)
            assert report.counts == {show: len(expected[show]) for show in SHOW}
            for show in SHOW:
                page = cohort_page(
                    session, catalog, cohort, day, MatrixView(show=show), offset=0, size=50
                )
                assert {row.user_id for row in page} == expected[show]
            # By name, case-insensitively, as the rows' own names sort.
            assert [row.name.lower() for row in rows] == sorted(row.name.lower() for row in rows)
        session.rollback()
