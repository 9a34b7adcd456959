"""Always a next step: Continue resumes, a review says what comes next, no dead ends."""

import re
from datetime import timedelta

import pytest

from course.auth.models import Role
from course.db import utcnow
from tests.conftest import RIGHT, WRONG
from tests.learn.test_quiz_drafts import FOUR_ANSWERS, save
from tests.learn.test_quizzes import ALL_RIGHT, submit

ALL_WRONG = {**ALL_RIGHT, "q-pick-one": "coordinator", "q-pick-many": ["roadmap"]}


@pytest.fixture
def learner(make_user, enter_as):
    user = make_user(name="Lee Learner")
    enter_as(user)
    return user


def continue_target(client, path="/"):
    page = client.get(path).text
    return re.search(r'<a class="button" href="([^"]+)">Continue</a>', page).group(1)


def test_continue_is_the_first_unfinished_item_when_nothing_is_half_done(client, learner):
    assert continue_target(client) == "/lessons/welcome"
    assert continue_target(client, "/progress") == "/lessons/welcome"


def test_continue_resumes_a_scenario_left_midway(client, learner, activity):
    activity.lessons(learner, "welcome", at=utcnow() - timedelta(hours=2))
    activity.scenario(learner, "careful", at=utcnow() - timedelta(hours=1))  # one decision
    # Not the first unfinished item (the roles lesson): the scenario left at decision 2.
    assert continue_target(client) == "/scenarios/fixture-scenario"
    assert continue_target(client, "/progress") == "/scenarios/fixture-scenario"


def test_continue_resumes_a_saved_quiz_over_an_older_scenario(client, learner, activity):
    activity.scenario(learner, "careful", at=utcnow() - timedelta(hours=1))
    save(client, FOUR_ANSWERS)
    assert continue_target(client) == "/quizzes/fixture-quiz"
    assert continue_target(client, "/progress") == "/quizzes/fixture-quiz"


def test_continue_resumes_a_lesson_opened_and_not_completed(client, learner, activity):
    activity.scenario(learner, "careful", at=utcnow() - timedelta(hours=1))
    client.get("/lessons/wrap-up")
    assert continue_target(client) == "/lessons/wrap-up"


def test_finished_items_are_not_resumed(client, learner, activity):
    activity.lessons(learner, "welcome")
    activity.scenario(learner, "careful", "ship", at=utcnow() - timedelta(hours=1))
    assert continue_target(client) == "/lessons/roles"


def test_review_of_a_failed_attempt_offers_try_again_first(client, learner):
    review = client.get(submit(client, ALL_WRONG).headers["Location"]).text
    next_step = review.index('class="next-step"')
    assert review.index("Not passed yet") < next_step < review.index('class="review"')
    assert '<a class="button" href="/quizzes/fixture-quiz">Try again</a>' in review
    assert "Go on to" not in review


def test_review_of_a_pass_goes_on_to_the_next_item(client, learner):
    review = client.get(submit(client, ALL_RIGHT).headers["Location"]).text
    assert '<a class="button" href="/scenarios/fixture-scenario">Go on to Fixture Scenario</a>' in (
        review
    )
    assert ">Try again<" not in review


def test_a_passed_quiz_reopens_on_its_result_with_try_again(client, learner):
    submit(client, ALL_WRONG)
    submit(client, ALL_RIGHT)
    page = client.get("/quizzes/fixture-quiz").text
    assert "You passed this quiz" in page
    assert "Your best score is <strong>100%</strong>" in page
    assert re.search(r"Attempt 2</a>:\s+100%, passed", page)
    assert "Attempt 1</a>" in page
    assert "Submit answers" not in page
    assert 'href="/quizzes/fixture-quiz?again=1">Try again</a>' in page
    again = client.get("/quizzes/fixture-quiz?again=1").text
    assert "Attempt 3 of 3" in again
    assert "Submit answers" in again


def test_a_passed_quiz_with_saved_answers_reopens_on_them(client, learner):
    submit(client, ALL_RIGHT)
    save(client, {"q-pick-one": "coordinator"})
    page = client.get("/quizzes/fixture-quiz").text
    assert "Submit answers" in page
    assert re.search(r'value="coordinator" checked', page)


def out_of_attempts(client):
    for _ in range(3):
        response = submit(client, ALL_WRONG)
    return client.get(response.headers["Location"]).text


def test_out_of_attempts_names_the_managers_to_ask(
    client, learner, make_user, make_cohort, activity
):
    first = make_user(role=Role.MANAGER, name="Mia Manager")
    second = make_user(role=Role.MANAGER, name="Noor Lead")
    make_cohort(first, members=[learner])
    make_cohort(second, name="Autumn hires", members=[learner])
    make_cohort(make_user(role=Role.MANAGER, name="Other Boss"), name="Not theirs")
    review = out_of_attempts(client)
    ask = "Ask Mia Manager or Noor Lead for another attempt."
    assert ask in review
    assert "Go on to Fixture Scenario" in review
    assert ">Try again<" not in review
    page = client.get("/quizzes/fixture-quiz").text
    assert "You have used all 3 attempts" in page
    assert ask in page
    assert "Other Boss" not in page
    progress = client.get("/progress").text
    assert "You have used every attempt at" in progress
    assert ask in progress


def test_out_of_attempts_without_a_manager_still_says_what_to_do(client, learner):
    out_of_attempts(client)
    page = client.get("/quizzes/fixture-quiz").text
    assert "Only a course manager can grant another attempt" in page
    assert "Only a course manager can grant another attempt" in client.get("/progress").text


def test_no_ask_once_passed_or_while_attempts_remain(client, learner, activity, make_user):
    activity.quiz(learner, WRONG, number=1)
    activity.quiz(learner, WRONG, number=2)
    assert "for another attempt" not in client.get("/progress").text
    activity.quiz(learner, RIGHT, number=3)
    assert "for another attempt" not in client.get("/progress").text
    assert "for another attempt" not in client.get("/quizzes/fixture-quiz").text


def test_a_manager_reading_a_review_gets_no_next_step(
    app, client, learner, make_user, make_cohort, enter_as
):
    manager = make_user(role=Role.MANAGER)
    make_cohort(manager, members=[learner])
    review_path = submit(client, ALL_WRONG).headers["Location"]
    page = enter_as(manager, on=app.test_client()).get(review_path).text
    assert "Not passed yet" in page
    assert ">Try again<" not in page
    assert 'class="next-step"' not in page
