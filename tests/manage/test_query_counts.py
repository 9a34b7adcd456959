"""Each manager page and the export run the same queries for 3 learners as for 30."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from course.auth.models import Role
from tests.conftest import RIGHT, WRONG

PAGES = [
    "/manage/",
    "/manage/cohorts/{id}",
    "/manage/cohorts/{id}?show=at-risk&sort=activity&order=desc",
    "/manage/cohorts/{id}/quizzes/fixture-quiz",
    "/manage/cohorts/{id}/quizzes/fixture-quiz?attempts=all",
    "/manage/cohorts/{id}/scenarios/fixture-scenario",
    "/manage/cohorts/{id}/export.csv",
    "/manage/cohorts/{id}/export.csv?show=at-risk&sort=progress",
    "/manage/cohorts/{id}?show=overdue",
    "/manage/cohorts/{id}/people",
]


@contextmanager
def counting(app):
    """Count the SQL statements the app's engine runs inside the block."""
    statements: list[str] = []
    engine = app.extensions["course_db"]["engine"]

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.fixture
def cohorts(make_user, make_cohort, activity):
    """Two managers' cohorts, of 3 and of 30 learners, with every kind of record."""

    def cohort_of(size):
        manager = make_user(role=Role.MANAGER)
        learners = [make_user() for _ in range(size)]
        for i, learner in enumerate(learners):
            activity.lessons(learner, "welcome", "roles")
            activity.quiz(learner, RIGHT if i % 2 else WRONG)
            activity.quiz(learner, RIGHT, number=2)
            activity.scenario(learner, "careful", "ship" if i % 3 else "wait")
        return manager, make_cohort(manager, members=learners)

    return {"small": cohort_of(3), "large": cohort_of(30)}


@pytest.mark.parametrize("path", PAGES)
def test_queries_do_not_grow_with_the_cohort(app, cohorts, enter_as, path):
    counts = {}
    for size, (manager, cohort) in cohorts.items():
        client = enter_as(manager, on=app.test_client())
        url = path.format(id=cohort.id)
        client.get(url)  # warm up: the first request may load what later ones reuse
        with counting(app) as statements:
            response = client.get(url)
            response.get_data()  # the CSV streams: its queries run as it is read
        assert response.status_code == 200
        counts[size] = len(statements)
    assert counts["small"] == counts["large"], counts
    assert counts["large"] <= 12
