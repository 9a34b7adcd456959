"""Scores sent back to the LMS (AGS): once per completion, after its commit, retried
while the LMS is down."""

from __future__ import annotations

import threading

from sqlalchemy import select, update

from course.auth.models import User
from course.db import new_session, utcnow
from course.lti.grades import deliver_grades
from course.lti.models import LtiGrade, LtiLineItem
from tests.conftest import WRONG, post_form


def the_user(app) -> User:
    with app.app_context(), new_session() as session:
        return session.scalars(select(User)).one()


def grades(app) -> list[LtiGrade]:
    with app.app_context(), new_session() as session:
        return list(session.scalars(select(LtiGrade).order_by(LtiGrade.id)))


def test_completing_the_launched_lesson_sends_its_score_once(client, platform, launch):
    launch("http://localhost/lessons/welcome")
    response = post_form(client, "/lessons/welcome/complete")
    assert response.status_code == 302
    [score] = platform.received_scores
    assert score["line_item"] == "link-1"
    assert score["userId"] == "learner-1"
    assert (score["scoreGiven"], score["scoreMaximum"]) == (1, 1)
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    post_form(client, "/lessons/welcome/complete")  # completing again changes nothing
    assert len(platform.received_scores) == 1


def test_a_quiz_sends_the_fraction_it_scored(app, runner, platform, launch, activity):
    launch("http://localhost/quizzes/fixture-quiz", resource_link="quiz-link")
    activity.quiz(the_user(app), WRONG)  # outside a request: queued for the command
    assert platform.received_scores == []
    result = runner.invoke(args=["lti", "send-grades"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 scores; 0 still queued." in result.output
    [score] = platform.received_scores
    assert score["line_item"] == "quiz-link"
    assert 0 <= score["scoreGiven"] < 1


def test_a_course_link_sends_the_course_score_when_the_course_is_complete(
    app, runner, platform, launch, activity
):
    launch("http://localhost/", resource_link="course-link")
    user = the_user(app)
    activity.lessons(user, "welcome")
    runner.invoke(args=["lti", "send-grades"])
    assert platform.received_scores == []  # not complete yet
    activity.everything(user)
    runner.invoke(args=["lti", "send-grades"])
    [score] = platform.received_scores
    assert (score["line_item"], score["scoreGiven"]) == ("course-link", 1)


def test_a_score_waits_while_the_lms_is_down_and_goes_once_when_it_is_back(
    app, client, runner, platform, launch
):
    launch("http://localhost/lessons/welcome")
    platform.is_down = True
    response = post_form(client, "/lessons/welcome/complete")
    assert response.status_code == 302  # the learner's page does not fail
    [pending] = grades(app)
    assert pending.sent_at is None
    assert pending.attempts == 1
    assert pending.next_try_at > utcnow()
    assert "503" in pending.last_error

    platform.is_down = False
    result = runner.invoke(args=["lti", "send-grades"])
    assert "Sent 0 scores; 1 still queued." in result.output  # not due yet
    with app.app_context(), new_session(write=True) as session:
        session.execute(update(LtiGrade).values(next_try_at=utcnow()))
        session.commit()
    result = runner.invoke(args=["lti", "send-grades"])
    assert "Sent 1 scores; 0 still queued." in result.output
    runner.invoke(args=["lti", "send-grades"])
    assert len(platform.received_scores) == 1
    [sent] = grades(app)
    assert sent.sent_at is not None


def test_send_grades_says_when_the_lms_refuses(app, runner, platform, launch, activity):
    launch("http://localhost/lessons/welcome")
    activity.lessons(the_user(app), "welcome")
    platform.is_down = True
    result = runner.invoke(args=["lti", "send-grades"])
    assert result.exit_code == 1
    assert "could not be sent" in result.output


def test_three_processes_delivering_at_once_send_each_score_once(app, platform, launch):
    launch("http://localhost/lessons/welcome")
    with app.app_context(), new_session(write=True) as session:
        [line_item_id] = session.scalars(select(LtiLineItem.id)).all()
        now = utcnow()
        session.add_all(
            LtiGrade(line_item_id=line_item_id, score=n / 20, completed_at=now,
                     queued_at=now, next_try_at=now, attempts=0)
            for n in range(20)
        )  # fmt: skip
        session.commit()
    results = []

    def run():
        with app.app_context():
            results.append(deliver_grades())

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result.sent for result in results) == 20
    assert sorted(score["scoreGiven"] for score in platform.received_scores) == [
        n / 20 for n in range(20)
    ]


def test_an_item_done_before_its_link_was_launched_sends_its_score_at_the_launch(
    app, client, platform, launch
):
    launch("http://localhost/lessons/roles", resource_link="roles-link")
    post_form(client, "/lessons/welcome/complete")  # no link for it yet
    assert platform.received_scores == []
    launch("http://localhost/lessons/welcome", resource_link="welcome-link")
    [score] = platform.received_scores
    assert (score["line_item"], score["scoreGiven"]) == ("welcome-link", 1)
    launch("http://localhost/lessons/welcome", resource_link="welcome-link")
    assert len(platform.received_scores) == 1  # once, however often it is launched
