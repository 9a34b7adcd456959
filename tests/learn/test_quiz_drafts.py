"""Saving a quiz part-way and finishing later: the draft store, on every backend."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.db import new_session, utcnow
from course.progress.models import LearningRecord, QuizAttempt, QuizDraft
from tests.conftest import PASSWORD, post_form
from tests.learn.test_quizzes import ALL_RIGHT, attempts, quiz_form, submit

FOUR_ANSWERS = {
    "q-pick-one": "intern",
    "q-pick-many": ["checklist", "calendar"],
    "q-is-accountable": "false",
    "q-who-does-it-capstone": "intern",
}


@pytest.fixture
def learner(make_user, sign_in):
    user = make_user()
    sign_in(user)
    return user


def save(client, answers, form=None, **kwargs):
    if form is None:
        _page, form = quiz_form(client)
    return client.post("/quizzes/fixture-quiz/draft", data={**form, **answers}, **kwargs)


def drafts(app):
    with app.app_context(), new_session() as session:
        return session.scalars(select(QuizDraft).order_by(QuizDraft.id)).all()


def count(app, model):
    with app.app_context(), new_session() as session:
        return session.scalar(select(func.count()).select_from(model))


def is_checked(page, name, value):
    return re.search(rf'name="{name}" type="\w+" value="{value}" checked', page) is not None


def is_selected(page, value):
    return f'value="{value}" selected' in page


def test_saved_answers_come_back_with_when_they_were_saved(client, learner, app):
    response = save(client, FOUR_ANSWERS)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/quizzes/fixture-quiz")
    page = client.get("/quizzes/fixture-quiz").text
    assert "Your answers were saved at" in page  # the flash after saving
    assert re.search(r"Your answers saved \d+ \w+ \d{4} at \d\d:\d\d UTC are filled in", page)
    assert is_checked(page, "q-pick-one", "intern")
    assert is_checked(page, "q-pick-many", "checklist")
    assert is_checked(page, "q-pick-many", "calendar")
    assert not is_checked(page, "q-pick-many", "roadmap")
    assert is_checked(page, "q-is-accountable", "false")
    # The classify question was half placed, and comes back half placed.
    assert is_selected(page, "intern")
    assert not is_selected(page, "coordinator")
    assert "Attempt 1 of 3" in page


def test_another_device_gets_the_same_answers(app, client, learner, sign_in):
    save(client, FOUR_ANSWERS)
    phone = sign_in(learner, on=app.test_client())
    page = phone.get("/quizzes/fixture-quiz").text
    assert is_checked(page, "q-pick-one", "intern")
    assert is_checked(page, "q-is-accountable", "false")


def test_saving_again_replaces_the_draft(client, learner, app):
    _page, form = quiz_form(client)
    save(client, FOUR_ANSWERS, form)
    save(client, {"q-pick-one": "coordinator"}, form)
    [draft] = drafts(app)
    assert draft.fields == [["q-pick-one", "coordinator"]]
    page = client.get("/quizzes/fixture-quiz").text
    assert is_checked(page, "q-pick-one", "coordinator")
    assert not is_checked(page, "q-is-accountable", "false")


def test_submitting_removes_the_draft_and_keeps_the_attempts_start(client, learner, app):
    _page, form = quiz_form(client)
    save(client, FOUR_ANSWERS, form)
    [draft] = drafts(app)
    # Coming back later: the new page's form carries a later start than the draft's.
    page, later_form = quiz_form(client)
    assert submit(client, ALL_RIGHT, later_form).status_code == 302
    assert drafts(app) == []
    [attempt] = attempts(app)
    assert attempt.started_at == draft.started_at
    # The next attempt starts blank.
    page = client.get("/quizzes/fixture-quiz?again=1").text
    assert "Attempt 2 of 3" in page
    assert not is_checked(page, "q-pick-one", "intern")


def test_drafts_are_never_graded(client, learner, app):
    save(client, ALL_RIGHT)
    assert count(app, QuizAttempt) == 0
    assert count(app, LearningRecord) == 0
    outline = client.get("/").text
    assert "Passed" not in outline
    assert "Attempted" not in outline
    # And the saved answers do not count as an attempt used.
    assert "Attempt 1 of 3" in client.get("/quizzes/fixture-quiz").text


@pytest.mark.parametrize(
    ("tampered", "message"),
    [
        ({"q-no-such-question": "x"}, "not in this quiz"),
        ({"q-pick-one": "made-up"}, "is not an option"),
        ({"q-pick-many": ["checklist", "nonsense"]}, "is not an option"),
        ({"q-is-accountable": "maybe"}, "true or false"),
        ({"q-who-does-it-checklist": "ceo"}, "not a category"),
        ({"q-pick-one": ["intern", "coordinator"]}, "one answer"),
    ],
)
def test_a_tampered_draft_is_a_400_and_never_stored(client, learner, app, tampered, message):
    response = save(client, {**FOUR_ANSWERS, **tampered})
    assert response.status_code == 400
    assert message in response.text
    assert drafts(app) == []


def test_a_forged_or_foreign_token_is_refused(app, client, learner, make_user, sign_in):
    _page, form = quiz_form(client)
    assert save(client, FOUR_ANSWERS, {**form, "attempt": "forged"}).status_code == 400
    other = sign_in(make_user(), on=app.test_client())
    _page, other_form = quiz_form(other)
    # Another learner's form, posted with this learner's session and CSRF token.
    stolen = {**form, "attempt": other_form["attempt"]}
    assert save(client, FOUR_ANSWERS, stolen).status_code == 400
    assert drafts(app) == []


def test_a_draft_for_an_attempt_already_submitted_is_refused(client, learner, app):
    _page, form = quiz_form(client)
    submit(client, ALL_RIGHT, form)
    response = save(client, FOUR_ANSWERS, form)
    assert response.status_code == 409
    assert "submitted already" in response.text
    assert drafts(app) == []


def test_saving_as_you_go_answers_json(client, learner, app):
    response = save(client, FOUR_ANSWERS, headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json["message"].startswith("Your answers were saved at")
    [draft] = drafts(app)
    assert draft.saved_at.isoformat() == response.json["saved_at"]
    assert abs(draft.saved_at - utcnow()) < timedelta(minutes=1)


def test_answers_to_a_question_removed_since_are_left_out(make_app, course_copy_dir, make_user):
    content = course_copy_dir
    app = make_app(CONTENT_DIR=str(content))
    client = app.test_client()
    user = make_user()
    post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    save(client, FOUR_ANSWERS)

    quiz_file = content / "quizzes" / "fixture-quiz.yaml"
    # The first question's right option gets another id: the saved pick no longer fits.
    renamed = "- id: learner\n        text: The intern"
    quiz_file.write_text(
        quiz_file.read_text().replace("- id: intern\n        text: The intern", renamed)
    )
    edited = make_app(CONTENT_DIR=str(content))
    phone = edited.test_client()
    post_form(phone, "/login", {"email": user.email, "password": PASSWORD})
    response = phone.get("/quizzes/fixture-quiz")
    assert response.status_code == 200
    assert not is_checked(response.text, "q-pick-one", "intern")
    assert not is_checked(response.text, "q-pick-one", "learner")
    assert is_checked(response.text, "q-is-accountable", "false")
