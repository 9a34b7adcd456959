"""/progress, /certificate and the public verification page agree with the outline."""

import re

import pytest

from tests.conftest import post_form
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
