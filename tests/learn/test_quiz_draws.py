"""Quizzes with sections: each attempt draws some questions, keeps them, and is graded on them."""

import random
import re
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from course.auth.models import Role
from course.content import get_catalog
from course.db import new_session
from course.manage.quiz_analysis import analyse_quiz
from course.progress.draws import draw_for
from course.progress.models import QuizAttempt, QuizDraw
from course.progress.quizzes import submit_attempt
from tests.conftest import csrf_token
from tests.content.broken_copies import FIXTURE_COURSE

SLUG = "fixture-quiz"
SECTIONED_QUIZ = """\
kind: quiz
title: Fixture Quiz
pass_mark: 70
sections:
  - title: Choosing roles
    draw: 1
    questions:
      - id: pick-one
        type: single
        prompt: Which role is a **learning** opportunity?
        options:
          - {id: intern, text: The intern, correct: true}
          - {id: coordinator, text: The coordinator}
      - id: pick-many
        type: multiple
        points: 2
        prompt: Which does a coordinator keep current?
        options:
          - {id: checklist, text: The release checklist, correct: true}
          - {id: roadmap, text: The product roadmap}
  - title: True or false
    draw: 2
    questions:
      - id: is-accountable
        type: true_false
        prompt: An intern is accountable for the outcome of product decisions.
        answer: false
      - id: learns-by-doing
        type: true_false
        prompt: An intern learns by doing real work.
        answer: true
      - id: has-mentor
        type: true_false
        prompt: An intern has a mentor.
        answer: true
  - questions:
      - id: who-does-it
        type: classify
        points: 2
        prompt: Who usually does each task?
        categories:
          - {id: intern, label: PM intern}
          - {id: coordinator, label: Product coordinator}
        items:
          - {id: capstone, text: Launch a capstone project, category: intern}
          - {id: checklist, text: Keep the release checklist current, category: coordinator}
"""
SECTIONS = {
    "Choosing roles": ({"pick-one", "pick-many"}, 1),
    "True or false": ({"is-accountable", "learns-by-doing", "has-mentor"}, 2),
    None: ({"who-does-it"}, 1),
}
RIGHT = {
    "pick-one": {"q-pick-one": "intern"},
    "pick-many": {"q-pick-many": ["checklist"]},
    "is-accountable": {"q-is-accountable": "false"},
    "learns-by-doing": {"q-learns-by-doing": "true"},
    "has-mentor": {"q-has-mentor": "true"},
    "who-does-it": {
        "q-who-does-it-capstone": "intern",
        "q-who-does-it-checklist": "coordinator",
    },
}
POINTS = {"pick-one": 1, "pick-many": 2, "who-does-it": 2}


@pytest.fixture
def app_config(app_config, tmp_path):
    root = tmp_path / "sectioned-course"
    shutil.copytree(FIXTURE_COURSE, root)
    (root / "quizzes" / f"{SLUG}.yaml").write_text(SECTIONED_QUIZ, encoding="utf-8")
    return {**app_config, "CONTENT_DIR": str(root)}


@pytest.fixture
def learner(make_user, sign_in):
    user = make_user()
    sign_in(user)
    return user


def shown_questions(page: str) -> set[str]:
    """The question ids a quiz page asks, from its fieldsets."""
    return set(re.findall(r'<fieldset id="q-([\w-]+)"', page))


def open_quiz(client):
    # ?again: a passed quiz opens on its result, and a retake asks for a new form.
    page = client.get(f"/quizzes/{SLUG}?again=1").text
    token = re.search(r'name="attempt" value="([^"]+)"', page).group(1)
    return page, {"attempt": token, "csrf_token": csrf_token(client)}


def answer_right(ids) -> dict:
    return {key: value for question_id in ids for key, value in RIGHT[question_id].items()}


def draws(app) -> list[QuizDraw]:
    with app.app_context(), new_session() as session:
        return session.query(QuizDraw).order_by(QuizDraw.number).all()


def test_page_shows_each_sections_draw_under_its_title(client, learner, app):
    page, _form = open_quiz(client)
    shown = shown_questions(page)
    assert len(shown) == 4
    for ids, draw in SECTIONS.values():
        assert len(shown & ids) == draw
    assert '<h2 class="quiz-section">Choosing roles</h2>' in page
    assert '<h2 class="quiz-section">True or false</h2>' in page
    assert page.index("Choosing roles") < page.index("True or false")
    assert "4 questions" in page
    [draw] = draws(app)
    assert set(draw.question_ids) == shown
    assert draw.number == 1


def test_the_draw_is_the_same_on_reload_and_on_another_device(client, learner, app, sign_in):
    first, _form = open_quiz(client)
    again, _form = open_quiz(client)
    other_device = sign_in(learner, on=app.test_client())
    elsewhere, _form = open_quiz(other_device)
    assert shown_questions(first) == shown_questions(again) == shown_questions(elsewhere)
    assert len(draws(app)) == 1


def test_a_retake_draws_afresh(client, learner, app):
    seen = set()
    for _attempt in range(12):  # six possible draws: twelve all alike is a 1 in 6**11 chance
        page, form = open_quiz(client)
        seen.add(frozenset(shown_questions(page)))
        response = client.post(
            f"/quizzes/{SLUG}", data={**form, **answer_right(shown_questions(page))}
        )
        assert response.status_code == 302
        if len(seen) > 1:
            break
    assert len(seen) > 1
    assert [draw.number for draw in draws(app)] == list(range(1, len(draws(app)) + 1))


def test_the_pass_mark_is_on_the_drawn_points(client, learner, app):
    page, form = open_quiz(client)
    drawn = shown_questions(page)
    response = client.post(f"/quizzes/{SLUG}", data={**form, **answer_right(drawn)})
    assert response.status_code == 302
    with app.app_context(), new_session() as session:
        [attempt] = session.query(QuizAttempt).all()
        drawn_points = sum(POINTS.get(question_id, 1) for question_id in drawn)
        # All the quiz's questions are worth 9 points; the drawn ones 5 or 6, all right.
        assert attempt.max_points == drawn_points < 9
        assert attempt.score == 1.0
        assert attempt.is_passed
        assert {answer.question_id for answer in attempt.answers} == drawn
    review = client.get(response.headers["Location"]).text
    assert "This attempt drew 4 of the quiz's questions" in review


def test_an_answer_to_a_question_not_drawn_is_refused(client, learner, app):
    page, form = open_quiz(client)
    drawn = shown_questions(page)
    [not_drawn, *_rest] = sorted(set(RIGHT) - drawn)
    answers = answer_right(drawn) | answer_right([not_drawn])
    response = client.post(f"/quizzes/{SLUG}", data={**form, **answers})
    assert response.status_code == 400
    with app.app_context(), new_session() as session:
        assert session.query(QuizAttempt).count() == 0


def test_draw_for_keeps_the_first_draw_and_draws_each_attempt_anew(app, make_user):
    user = make_user()
    now = datetime(2026, 12, 2, tzinfo=UTC)
    with app.app_context(), new_session(write=True) as session:
        quiz = get_catalog().quizzes[SLUG]
        first = draw_for(session, user.id, quiz, 1, now, random.Random(1))
        again = draw_for(session, user.id, quiz, 1, now, random.Random(2))
        retakes = {
            tuple(draw_for(session, user.id, quiz, number, now, random.Random(number)).question_ids)
            for number in range(2, 8)
        }
        session.commit()
        assert again.id == first.id
        assert again.question_ids == first.question_ids
        assert first.content_version == quiz.version
        assert len(retakes) > 1


def test_question_analysis_counts_each_question_over_the_attempts_that_drew_it(
    app, client, make_user, make_cohort, enter_as
):
    drawn_by_learner = [
        ["pick-one", "is-accountable", "has-mentor", "who-does-it"],
        ["pick-one", "is-accountable", "learns-by-doing", "who-does-it"],
        ["pick-one", "learns-by-doing", "has-mentor", "who-does-it"],
        ["pick-many", "is-accountable", "has-mentor", "who-does-it"],
    ]
    answers = {
        "pick-one": "intern",
        "pick-many": frozenset({"checklist"}),
        "is-accountable": False,
        "learns-by-doing": True,
        "has-mentor": True,
        "who-does-it": {"capstone": "intern", "checklist": "coordinator"},
    }
    learners = [make_user() for _ in drawn_by_learner]
    now = datetime(2026, 12, 2, tzinfo=UTC)
    with app.app_context(), new_session(write=True) as session:
        quiz = get_catalog().quizzes[SLUG]
        for learner, drawn in zip(learners, drawn_by_learner, strict=True):
            submit_attempt(
                session,
                user_id=learner.id,
                quiz=quiz.drawn(drawn),
                number=1,
                answers={question_id: answers[question_id] for question_id in drawn},
                started_at=now - timedelta(minutes=5),
                now=now,
            )
        session.commit()
    manager = make_user(role=Role.MANAGER)
    cohort = make_cohort(manager, members=learners)
    with app.app_context(), new_session() as session:
        analysis = analyse_quiz(session, get_catalog().quizzes[SLUG], cohort.id)
    responses = {stats.question.id: stats.responses for stats in analysis.questions}
    assert responses == {
        "pick-one": 3,
        "pick-many": 1,
        "is-accountable": 3,
        "learns-by-doing": 2,
        "has-mentor": 3,
        "who-does-it": 4,
    }
    enter_as(manager)
    page = client.get(f"/manage/cohorts/{cohort.id}/quizzes/{SLUG}").text
    assert "Drawn in 3 attempts of 4: its figures count those attempts only." in page
    assert "Drawn in 1 attempt of 4" in page
