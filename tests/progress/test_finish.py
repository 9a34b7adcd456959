"""The request that completes the last required item leads to the finish; others do not."""

import pytest

from tests.conftest import RIGHT, post_form
from tests.learn.test_quizzes import ALL_RIGHT, submit
from tests.learn.test_scenarios import choose, start


@pytest.fixture
def learner(make_user, enter_as):
    user = make_user(name="Fin Isher")
    enter_as(user)
    return user


def finish_page(client, response):
    assert response.status_code == 302
    assert response.headers["Location"] == "/certificate"
    page = client.get("/certificate").text
    assert "You have completed the course" in page
    assert "/certificates/" in page
    return page


def test_a_lesson_that_is_not_the_last_goes_on_to_the_next_item(client, learner):
    response = post_form(client, "/lessons/welcome/complete")
    assert response.headers["Location"] == "/lessons/roles"


def test_finishing_with_a_lesson(client, learner, activity):
    activity.quiz(learner, RIGHT)
    activity.scenario(learner, "careful", "ship")
    activity.lessons(learner, "welcome")
    page = finish_page(client, post_form(client, "/lessons/roles/complete"))
    assert "“The Two Roles” is complete." in page
    # The header's menu leads to the certificate from now on.
    assert 'href="/certificate">Certificate</a>' in client.get("/").text


def test_finishing_with_a_quiz(client, learner, activity):
    activity.lessons(learner, "welcome", "roles")
    activity.scenario(learner, "careful", "ship")
    page = finish_page(client, submit(client, ALL_RIGHT))
    assert "You passed “Fixture Quiz”." in page


def test_finishing_with_a_scenario(client, learner, activity):
    activity.lessons(learner, "welcome", "roles")
    activity.quiz(learner, RIGHT)
    start(client)
    choose(client, "careful")
    page = finish_page(client, choose(client, "ship"))
    assert "You passed “Fixture Scenario”." in page


def test_no_certificate_link_before_it_is_earned(client, learner):
    assert 'href="/certificate">Certificate</a>' not in client.get("/").text
