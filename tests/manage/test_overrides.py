"""A manager gives a learner another attempt or their own due date; both show everywhere."""

from datetime import timedelta

import pytest

from course.auth.models import Role
from course.db import new_session, utcnow
from course.manage.cohorts import join_cohort
from course.progress.quizzes import AttemptRefused
from course.site.formats import day as format_date
from tests.conftest import WRONG, post_form

OUT_OF_ATTEMPTS = "out of attempts on Fixture Quiz"


@pytest.fixture
def manager(make_user):
    return make_user(role=Role.MANAGER, name="Maya Manager")


@pytest.fixture
def learner(make_user):
    return make_user(name="Lee Learner")


@pytest.fixture
def cohort(make_cohort, manager, learner):
    return make_cohort(manager, members=[learner], due_on=utcnow().date() - timedelta(days=2))


def used_every_attempt(activity, learner):
    for number in (1, 2, 3):
        activity.quiz(learner, WRONG, number=number)


def test_a_granted_attempt_reaches_the_learner_and_clears_the_flag(
    app, cohort, manager, learner, activity, enter_as
):
    used_every_attempt(activity, learner)
    student = enter_as(learner, on=app.test_client())
    assert "You have used all 3 attempts" in student.get("/quizzes/fixture-quiz").text
    with pytest.raises(AttemptRefused):
        activity.quiz(learner, WRONG, number=4)

    boss = enter_as(manager, on=app.test_client())
    learner_page = f"/manage/cohorts/{cohort.id}/learners/{learner.id}"
    assert OUT_OF_ATTEMPTS in boss.get(f"/manage/cohorts/{cohort.id}").text
    assert "Grant another attempt" in boss.get(learner_page).text
    granted = post_form(boss, f"{learner_page}/attempts/fixture-quiz")
    assert granted.status_code == 302
    page = boss.get(granted.headers["Location"]).text
    assert "Lee Learner has another attempt at “Fixture Quiz”." in page
    assert f"{format_date(utcnow())}: Maya Manager gave another attempt at Fixture Quiz" in page
    assert "3 of 4" in page
    assert OUT_OF_ATTEMPTS not in boss.get(f"/manage/cohorts/{cohort.id}").text

    quiz_page = student.get("/quizzes/fixture-quiz").text
    assert "Your manager gave you another attempt at this quiz." in quiz_page
    assert "Attempt 4 of 4" in quiz_page
    activity.quiz(learner, WRONG, number=4)
    assert "You have used all 4 attempts" in student.get("/quizzes/fixture-quiz").text
    assert OUT_OF_ATTEMPTS in boss.get(f"/manage/cohorts/{cohort.id}").text


def test_an_attempt_granted_before_any_attempt_raises_the_limit(
    app, cohort, manager, learner, enter_as
):
    boss = enter_as(manager, on=app.test_client())
    path = f"/manage/cohorts/{cohort.id}/learners/{learner.id}/attempts/fixture-quiz"
    post_form(boss, path)
    post_form(boss, path)
    page = enter_as(learner, on=app.test_client()).get("/quizzes/fixture-quiz").text
    assert "Your manager gave you 2 more attempts at this quiz." in page
    assert "Attempt 1 of 5" in page


def test_an_extended_due_date_reaches_the_learner_and_the_flags(
    app, cohort, manager, learner, make_user, activity, enter_as
):
    classmate = make_user(name="Cam Classmate")
    with app.app_context(), new_session(write=True) as session:
        join_cohort(session, cohort_id=cohort.id, user_ids=[classmate.id], now=utcnow())
        session.commit()
    activity.lessons(learner, "welcome")
    activity.lessons(classmate, "welcome")
    boss = enter_as(manager, on=app.test_client())
    matrix = boss.get(f"/manage/cohorts/{cohort.id}").text
    assert matrix.count("overdue by 2 days") == 2

    new_date = utcnow().date() + timedelta(days=30)
    learner_page = f"/manage/cohorts/{cohort.id}/learners/{learner.id}"
    assert "Extend due date" in boss.get(learner_page).text
    response = post_form(boss, f"{learner_page}/due-date", {"due-due_on": new_date.isoformat()})
    assert response.status_code == 302
    page = boss.get(learner_page).text
    assert f"Due {format_date(new_date)} (their own date" in page
    assert f"Maya Manager gave a due date of {format_date(new_date)}" in page

    matrix = boss.get(f"/manage/cohorts/{cohort.id}").text
    assert matrix.count("overdue by 2 days") == 1  # the classmate keeps the cohort's date
    export = boss.get(f"/manage/cohorts/{cohort.id}/export.csv").text
    assert new_date.isoformat() in export

    quiz_page = enter_as(learner, on=app.test_client()).get("/quizzes/fixture-quiz").text
    assert f"Due {format_date(new_date)}" in quiz_page


def test_a_due_date_in_the_past_is_refused_with_a_reason(app, cohort, manager, learner, enter_as):
    boss = enter_as(manager, on=app.test_client())
    yesterday = utcnow().date() - timedelta(days=1)
    response = post_form(
        boss,
        f"/manage/cohorts/{cohort.id}/learners/{learner.id}/due-date",
        {"due-due_on": yesterday.isoformat()},
    )
    assert response.status_code == 400
    assert "Choose today or a later date." in response.text


def test_another_cohorts_manager_can_change_nothing(
    app, cohort, learner, make_user, make_cohort, enter_as
):
    other = make_user(role=Role.MANAGER, name="Otto Other")
    make_cohort(other, members=[make_user()], name="Other cohort")
    stranger = enter_as(other, on=app.test_client())
    learner_page = f"/manage/cohorts/{cohort.id}/learners/{learner.id}"
    assert post_form(stranger, f"{learner_page}/attempts/fixture-quiz").status_code == 404
    later = (utcnow().date() + timedelta(days=9)).isoformat()
    assert post_form(stranger, f"{learner_page}/due-date", {"due-due_on": later}).status_code == 404
    page = enter_as(learner, on=app.test_client()).get("/quizzes/fixture-quiz").text
    assert "Your manager gave you" not in page
    assert "Attempt 1 of 3" in page
    learner_itself = enter_as(learner, on=app.test_client())
    assert post_form(learner_itself, f"{learner_page}/attempts/fixture-quiz").status_code == 403
