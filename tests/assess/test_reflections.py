"""Reflection questions: written in the learner's words, never graded, read beside a model."""

from __future__ import annotations

import re

import pytest

from course.auth.models import Role
from course.content import check_content
from course.content.question_types.reflection import Reflection
from tests.assess.course_copy import assessment_course
from tests.conftest import csrf_token

QUIZ = "/quizzes/fixture-reflect"
SHORT = "Keeps the checklist."
LONG = "Keeps the release checklist and calendar current for everyone."


@pytest.fixture
def course_dir(tmp_path):
    return assessment_course(tmp_path / "course")


@pytest.fixture
def app_config(app_config, course_dir):
    return {**app_config, "CONTENT_DIR": str(course_dir)}


def test_a_reflection_is_parsed_worth_no_points_with_its_defaults(course_dir):
    catalog, problems = check_content(course_dir)
    assert [p for p in problems if p.is_error] == []
    quiz = catalog.quizzes["fixture-reflect"]
    explain, first_week = quiz.questions
    assert isinstance(explain, Reflection)
    assert (explain.points, explain.min_words) == (0.0, 5)
    assert "<strong>release checklist</strong>" in explain.model_answer_html
    assert (first_week.min_words, first_week.model_answer_html) == (1, "")
    assert quiz.total_points == 0


@pytest.mark.parametrize(
    ("old", "new", "marker", "message"),
    [
        (
            "    min_words: 5\n",
            "    min_words: 5\n    points: 2\n",
            "points: 2",
            "question 'explain-role' is a reflection, which is never graded: remove its 'points'",
        ),
        (
            "    min_words: 5\n",
            "    min_words: 0\n",
            "min_words: 0",
            "'min_words' in question 'explain-role' must be a whole number above 0, "
            "not the number 0",
        ),
        (
            "    min_words: 5\n",
            "    min_words: 5\n    options: []\n",
            "options: []",
            "'options' does not apply to question 'explain-role', a reflection question "
            "(it takes: min_words, model_answer)",
        ),
    ],
)
def test_a_broken_reflection_is_reported_at_its_line(course_dir, old, new, marker, message):
    path = course_dir / "quizzes" / "fixture-reflect.yaml"
    text = path.read_text().replace(old, new)
    path.write_text(text)
    line = next(n for n, each in enumerate(text.splitlines(), 1) if marker in each)
    catalog, problems = check_content(course_dir)
    assert catalog is None
    assert f"quizzes/fixture-reflect.yaml:{line}: {message}" in [str(p) for p in problems]


def answers(page: str, client, **given) -> dict:
    token = re.search(r'name="attempt" value="([^"]+)"', page).group(1)
    return {"attempt": token, "csrf_token": csrf_token(client), **given}


def test_too_few_words_bring_the_form_back_with_the_text_kept(app, client, make_user, enter_as):
    enter_as(make_user())
    page = client.get(QUIZ).text
    assert (
        '<textarea id="q-explain-role-text" name="q-explain-role" rows="6" maxlength="5000"\n'
        '      aria-labelledby="q-explain-role-prompt"' in page
    )
    assert "Write at least 5 words. Your answer is not graded." in page
    assert "release checklist" not in page  # the model answer waits for the review
    again = client.post(
        QUIZ, data=answers(page, client, **{"q-explain-role": SHORT, "q-first-week": "Listen."})
    )
    assert again.status_code == 422
    assert "You wrote 3 words; write at least 5." in again.text
    assert f'aria-invalid="true">{SHORT}</textarea>' in again.text
    assert ">Listen.</textarea>" in again.text


def test_a_submitted_reflection_is_reviewed_beside_the_model_answer_and_counts_as_done(
    app, client, make_user, enter_as
):
    enter_as(make_user())
    page = client.get(QUIZ).text
    submitted = client.post(
        QUIZ, data=answers(page, client, **{"q-explain-role": LONG, "q-first-week": "Listen."})
    )
    assert submitted.status_code == 302
    review = client.get(submitted.headers["Location"]).text
    assert f'<blockquote class="reflection-text">{LONG}</blockquote>' in review
    assert "<h3>Model answer</h3>" in review
    assert "<strong>release checklist</strong>" in review
    assert "Nothing in this quiz is graded" in review
    assert "Score" not in review
    assert "Right:" not in review
    assert "Not right" not in review
    progress = client.get("/progress").text
    assert re.search(r"Fixture Reflection.{0,600}?Passed", progress, re.S), progress
    assert "done" in client.get(QUIZ).text


def test_a_forged_or_oversized_reflection_is_a_400(app, client, make_user, enter_as):
    enter_as(make_user())
    page = client.get(QUIZ).text
    too_long = client.post(
        QUIZ, data=answers(page, client, **{"q-explain-role": "word " * 1001, "q-first-week": "x"})
    )
    assert too_long.status_code == 400
    twice = client.post(
        QUIZ, data=answers(page, client, **{"q-explain-role": [LONG, LONG], "q-first-week": "x"})
    )
    assert twice.status_code == 400


def test_a_manager_reads_reflections_on_the_learner_page_only(
    app, client, make_user, make_cohort, enter_as
):
    learner = make_user()
    manager = make_user(role=Role.MANAGER)
    cohort = make_cohort(manager, members=[learner])
    enter_as(learner)
    page = client.get(QUIZ).text
    client.post(
        QUIZ, data=answers(page, client, **{"q-explain-role": LONG, "q-first-week": "Listen."})
    )
    enter_as(manager)
    learner_page = client.get(f"/manage/cohorts/{cohort.id}/learners/{learner.id}").text
    assert "<h2>Reflections</h2>" in learner_page
    assert f'<blockquote class="reflection-text">{LONG}</blockquote>' in learner_page
    assert "Fixture Reflection, attempt 1" in learner_page
    for cohort_wide in ("", "/quizzes/fixture-reflect", "/export.csv"):
        assert LONG not in client.get(f"/manage/cohorts/{cohort.id}{cohort_wide}").text
