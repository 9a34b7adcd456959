"""/progress, /certificate and the public verification page agree with the outline."""

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from course.db import new_session
from course.progress.models import Certificate
from tests.conftest import RIGHT, post_form
from tests.learn.test_quizzes import ALL_RIGHT, submit
from tests.learn.test_scenarios import choose, start


@pytest.fixture
def learner(make_user, sign_in):
    user = make_user(name="Casey Complete")
    sign_in(user)
    return user


def figures(page):
    return re.search(r"(\d+)% · (\d+) of (\d+) required items done", page).groups()


def test_pages_agree_after_a_mix_of_work(client, learner):
    post_form(client, "/lessons/welcome/complete")
    client.get("/lessons/roles")
    submit(client, {**ALL_RIGHT, "q-pick-one": "coordinator", "q-pick-many": ["roadmap"]})
    start(client)
    choose(client, "careful")
    outline = client.get("/").text
    progress = client.get("/progress").text
    certificate = client.get("/certificate").text
    assert figures(outline) == figures(progress) == figures(certificate) == ("25", "1", "4")
    assert "Attempt 1: 50%" in progress
    assert "Run 1: in progress" in progress
    still_to_do = certificate.split("Still to do")[1]
    assert 'href="/lessons/roles"' in still_to_do
    assert 'href="/quizzes/fixture-quiz"' in still_to_do
    assert 'href="/scenarios/fixture-scenario"' in still_to_do
    assert 'href="/lessons/welcome"' not in still_to_do


def finish_course(client):
    post_form(client, "/lessons/welcome/complete")
    post_form(client, "/lessons/roles/complete")
    submit(client, ALL_RIGHT)
    start(client)
    choose(client, "careful")
    choose(client, "ship")


def test_certificate_once_complete_and_verifiable_by_anyone(app, client, learner):
    assert "not ready yet" in client.get("/certificate").text
    finish_course(client)
    page = client.get("/certificate").text
    assert "Certificate of completion" in page
    assert "Casey Complete" in page
    assert "Fixture Course" in page
    code = re.search(r"Verification code <strong>([A-Z0-9-]+)</strong>", page).group(1)
    assert client.get("/certificate").text.count(code) >= 1  # the same code on every visit

    stranger = app.test_client()
    verified = stranger.get(f"/certificates/{code}")
    assert verified.status_code == 200
    assert "Casey Complete" in verified.text
    assert "Fixture Course" in verified.text
    assert learner.email not in verified.text
    assert stranger.get(f"/certificates/{code.lower().replace('-', '')}").status_code == 200
    assert stranger.get("/certificates/AAAA-BBBB-CCCC").status_code == 404
    assert stranger.get("/certificates/" + "x" * 500).status_code == 404


def test_progress_page_shows_continue_and_completion(client, learner):
    assert 'class="button" href="/lessons/welcome">Continue' in client.get("/progress").text
    finish_course(client)
    assert "See your certificate" in client.get("/progress").text


def test_progress_and_certificate_require_sign_in(app):
    anonymous = app.test_client()
    assert anonymous.get("/progress").status_code == 302
    assert anonymous.get("/certificate").status_code == 302


def certificates(app) -> list[tuple[int, str]]:
    with app.app_context(), new_session() as session:
        return list(session.execute(select(Certificate.user_id, Certificate.learner_name)))


@contextmanager
def writes(app):
    """Collect the statements other than SELECT that the app's engine runs inside the block."""
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("SELECT", "PRAGMA")):
            seen.append(statement)

    engine = app.extensions["course_db"]["engine"]
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def finish_lesson(client):
    post_form(client, "/lessons/roles/complete")


def finish_quiz(client):
    submit(client, ALL_RIGHT)


def finish_scenario(client):
    start(client)
    choose(client, "careful")
    choose(client, "ship")


@pytest.mark.parametrize(
    ("last", "finish"),
    [("lesson", finish_lesson), ("quiz", finish_quiz), ("scenario", finish_scenario)],
)
def test_the_request_that_completes_the_course_issues_the_certificate(
    app, client, learner, activity, last, finish
):
    # Everything else done already, through the services.
    activity.lessons(learner, "welcome", *(() if last == "lesson" else ("roles",)))
    if last != "quiz":
        activity.quiz(learner, RIGHT)
    if last != "scenario":
        activity.scenario(learner, "careful", "ship")
    assert certificates(app) == []
    finish(client)
    assert certificates(app) == [(learner.id, "Casey Complete")]
    finish(client)  # doing it again issues nothing more
    assert certificates(app) == [(learner.id, "Casey Complete")]


def test_work_that_leaves_the_course_unfinished_issues_nothing(app, client, learner, activity):
    activity.lessons(learner, "welcome", "roles")
    submit(client, {**ALL_RIGHT, "q-pick-one": "coordinator", "q-pick-many": ["roadmap"]})
    finish_scenario(client)
    assert certificates(app) == []
    with writes(app) as written:
        page = client.get("/certificate").text
    assert written == []
    assert "not ready yet" in page
    assert "Issue my certificate" not in page
    assert post_form(client, "/certificate").headers["Location"] == "/certificate"
    assert certificates(app) == []


def test_a_course_completed_without_a_certificate_issues_it_on_request(
    app, client, learner, activity
):
    # Completed before certificates were issued on completion: no certificate yet.
    activity.everything(learner)
    with writes(app) as written:
        page = client.get("/certificate").text
    assert written == []  # a GET never writes a certificate
    assert "ready to issue" in page
    assert "Issue my certificate" in page
    assert certificates(app) == []
    response = post_form(client, "/certificate")
    assert response.status_code == 302
    assert response.headers["Location"] == "/certificate"
    page = client.get("/certificate").text
    assert "Certificate of completion" in page
    code = re.search(r"Verification code <strong>([A-Z0-9-]+)</strong>", page).group(1)
    post_form(client, "/certificate")  # a second POST keeps the first certificate
    assert certificates(app) == [(learner.id, "Casey Complete")]
    assert code in client.get("/certificate").text
    assert app.test_client().get(f"/certificates/{code}").status_code == 200
