"""``course demo``: a demo cohort at varied stages, on a fresh database, as often as asked."""

import re

import pytest
from sqlalchemy import func, select

from course.config import REPOSITORY_ROOT
from course.content import get_catalog
from course.db import new_session
from course.membership import Cohort, CohortMember
from course.progress.models import LessonProgress, QuizAnswer, QuizAttempt, ScenarioRun
from tests.conftest import post_form, sqlite_only


def run_demo(app, *args):
    result = app.test_cli_runner().invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output
    password = re.search(
        r"Password \(for the manager and every demo learner\): (\S+)", result.output
    )
    assert "Sign in as the demo manager: demo.manager@example.com" in result.output
    return password.group(1)


def count(session, query):
    return session.scalar(select(func.count()).select_from(query.subquery()))


@sqlite_only
def test_demo_fills_a_fresh_migrated_database_and_runs_again(make_app, tmp_path):
    app = make_app(
        DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}", CONTENT_DIR=str(REPOSITORY_ROOT)
    )
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    run_demo(app, "--learners", "40", "--seed", "4")
    password = run_demo(app, "--learners", "5")
    # The bulk inserts leave the summaries the services would have written.
    check = app.test_cli_runner().invoke(args=["db", "check"])
    assert check.exit_code == 0, check.output
    with app.app_context(), new_session() as session:
        cohorts = session.scalars(select(Cohort).order_by(Cohort.id)).all()
        assert len(cohorts) == 2
        sizes = [
            count(session, select(CohortMember).where(CohortMember.cohort_id == c.id))
            for c in cohorts
        ]
        assert sizes == [40, 5]
        first = select(CohortMember.user_id).where(CohortMember.cohort_id == cohorts[0].id)
        started = count(
            session,
            select(LessonProgress.user_id).where(LessonProgress.user_id.in_(first)).distinct(),
        )
        assert 0 < started < 40  # some have not started
        attempts = session.scalars(select(QuizAttempt).where(QuizAttempt.user_id.in_(first))).all()
        assert any(a.is_passed for a in attempts)
        assert any(not a.is_passed for a in attempts)
        assert session.scalar(select(func.count()).select_from(QuizAnswer)) > 0
        runs = session.scalars(select(ScenarioRun).where(ScenarioRun.user_id.in_(first))).all()
        assert any(run.finished_at is None for run in runs)
        assert any(run.finished_at is not None for run in runs)
    # The printed password signs the manager in, and the cohort pages work.
    client = app.test_client()
    response = post_form(
        client, "/login", {"email": "demo.manager@example.com", "password": password}
    )
    assert response.status_code == 302
    page = client.get(f"/manage/cohorts/{cohorts[0].id}")
    assert page.status_code == 200
    assert "<strong>40</strong> learners" in page.text
    assert (
        client.get(f"/manage/cohorts/{cohorts[0].id}/quizzes/final-assessment").status_code == 200
    )


def test_demo_runs_on_the_test_database_and_course(app):
    run_demo(app, "--learners", "3")
    with app.app_context(), new_session() as session:
        assert count(session, select(CohortMember)) == 3


def test_demo_prints_a_learner_to_sign_in_as(app):
    result = app.test_cli_runner().invoke(args=["demo", "--learners", "2"])
    email = re.search(r"Or as one of the demo learners: (\S+)", result.output).group(1)
    password = re.search(r"every demo learner\): (\S+)", result.output).group(1)
    client = app.test_client()
    response = post_form(client, "/login", {"email": email, "password": password})
    assert response.headers["Location"] == "/"
    assert "existed already" not in result.output


def test_demo_run_again_says_it_reset_the_manager_and_signs_it_out(app):
    first_password = run_demo(app, "--learners", "1")
    signed_in = app.test_client()
    response = post_form(
        signed_in, "/login", {"email": "demo.manager@example.com", "password": first_password}
    )
    assert response.headers["Location"] == "/manage/"
    assert signed_in.get("/manage/").status_code == 200

    again = app.test_cli_runner().invoke(args=["demo", "--learners", "1"])
    assert again.exit_code == 0, again.output
    assert (
        "The demo manager demo.manager@example.com existed already: its password is now the "
        "one below, and it is signed out everywhere it was signed in." in again.output
    )
    assert signed_in.get("/manage/").status_code == 302  # its session ended
    old = post_form(
        app.test_client(),
        "/login",
        {"email": "demo.manager@example.com", "password": first_password},
    )
    assert old.status_code == 200  # the old password no longer works
    new_password = re.search(r"every demo learner\): (\S+)", again.output).group(1)
    new = post_form(
        app.test_client(), "/login", {"email": "demo.manager@example.com", "password": new_password}
    )
    assert new.headers["Location"] == "/manage/"


@sqlite_only
@pytest.mark.parametrize("seed", ["1", "2", "3"])
def test_the_default_demo_gives_every_question_of_every_quiz_its_figures(make_app, tmp_path, seed):
    app = make_app(
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.db'}", CONTENT_DIR=str(REPOSITORY_ROOT)
    )
    assert app.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
    password = run_demo(app, "--seed", seed)
    client = app.test_client()
    post_form(client, "/login", {"email": "demo.manager@example.com", "password": password})
    with app.app_context(), new_session() as session:
        cohort_id = session.scalar(select(Cohort.id))
        slugs = list(get_catalog().quizzes)
    assert "final-assessment" in slugs
    for slug in slugs:
        page = client.get(f"/manage/cohorts/{cohort_id}/quizzes/{slug}")
        assert page.status_code == 200
        assert "Not enough data" not in page.text, slug
        assert "Facility" in page.text
