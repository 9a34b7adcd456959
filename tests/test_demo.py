"""``course demo``: a demo cohort at varied stages, on a fresh database, as often as asked."""

import random
import re

import pytest
from sqlalchemy import func, select

from course.config import REPOSITORY_ROOT
from course.content import get_catalog
from course.db import new_session, utcnow
from course.demo import fill_demo
from course.membership import Cohort, CohortMember
from course.progress.models import (
    LearningRecord,
    LessonProgress,
    QuizAnswer,
    QuizAttempt,
    ScenarioChoice,
    ScenarioRun,
)
from course.progress.summaries import summary_differences
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


def cohort_activity(session, cohort_id):
    """Return what a cohort's learners did, each learner named by their place in the cohort."""
    members = session.scalars(
        select(CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort_id)
        .order_by(CohortMember.user_id)
    ).all()
    place = {user_id: number for number, user_id in enumerate(members)}
    records = session.execute(
        select(
            LearningRecord.user_id,
            LearningRecord.verb,
            LearningRecord.object_slug,
            LearningRecord.object_part,
            LearningRecord.score,
            LearningRecord.recorded_at,
        )
        .where(LearningRecord.user_id.in_(members))
        .order_by(LearningRecord.id)
    ).all()
    answers = session.execute(
        select(QuizAttempt.user_id, QuizAttempt.number, QuizAnswer.question_id, QuizAnswer.points)
        .join(QuizAnswer.attempt)
        .where(QuizAttempt.user_id.in_(members))
        .order_by(QuizAnswer.id)
    ).all()
    choices = session.execute(
        select(ScenarioRun.user_id, ScenarioChoice.choice_id, ScenarioChoice.chosen_at)
        .join(ScenarioChoice.run)
        .where(ScenarioRun.user_id.in_(members))
        .order_by(ScenarioChoice.id)
    ).all()
    return [[(place[row[0]], *row[1:]) for row in rows] for rows in (records, answers, choices)]


def test_a_demo_made_in_batches_is_the_cohort_its_seed_gives_in_one(app):
    now = utcnow()
    with app.app_context(), new_session(write=True) as session:
        cohorts = []
        for batch in (4, 1000):  # 25 learners: seven batches, then one
            made = fill_demo(
                session,
                get_catalog(),
                learners=25,
                password_hash="not used",
                now=now,
                rng=random.Random(8),
                batch=batch,
            )
            cohorts.append(made.cohort_id)
        session.commit()
        in_batches, at_once = (cohort_activity(session, cohort) for cohort in cohorts)
        assert in_batches == at_once
        records = in_batches[0]
        assert len({learner for learner, *_ in records}) > 10
        # Row ids follow time across the batches, as they do for real activity.
        times = [row[-1] for row in records]
        assert times == sorted(times)
        assert summary_differences(session.connection()) == []


@sqlite_only
def test_the_demo_gives_back_its_connection_with_sqlite_page_cache_as_it_was(app):
    with app.app_context(), new_session(write=True) as session:
        pragma = "PRAGMA cache_size"
        before = session.connection().exec_driver_sql(pragma).scalar()
        fill_demo(
            session,
            get_catalog(),
            learners=3,
            password_hash="not used",
            now=utcnow(),
            rng=random.Random(1),
        )
        assert session.connection().exec_driver_sql(pragma).scalar() == before
        session.commit()
