"""Taking, grading, reviewing and retaking a quiz; the answer key stays on the server."""

import re

import pytest

from course.db import new_session
from course.progress.models import QuizAttempt
from tests.conftest import PASSWORD, csrf_token, post_form

ALL_RIGHT = {
    "q-pick-one": "intern",
    "q-pick-many": ["checklist", "calendar"],
    "q-is-accountable": "false",
    "q-who-does-it-capstone": "intern",
    "q-who-does-it-checklist": "coordinator",
}


@pytest.fixture
def learner(make_user, sign_in):
    user = make_user()
    sign_in(user)
    return user


def quiz_form(client, slug="fixture-quiz"):
    # "?again": a quiz passed already opens on its result; this asks for a new attempt's form.
    page = client.get(f"/quizzes/{slug}?again=1").text
    token = re.search(r'name="attempt" value="([^"]+)"', page).group(1)
    return page, {"attempt": token, "csrf_token": csrf_token(client)}


def submit(client, answers, form=None):
    if form is None:
        _page, form = quiz_form(client)
    return client.post("/quizzes/fixture-quiz", data={**form, **answers})


def attempts(app):
    with app.app_context(), new_session() as session:
        return session.query(QuizAttempt).order_by(QuizAttempt.id).all()


def test_page_shows_labelled_inputs_and_no_answer_key(client, learner):
    page, _form = quiz_form(client)
    assert "Attempt 1 of 3" in page
    assert "Submit answers" in page
    assert "The intern" in page
    assert "The release checklist" in page
    # No correctness, feedback or explanation reaches the browser before submitting.
    for secret in ("correct", "Internships are built for learning", "operational", "category: "):
        assert secret not in page
    assert '<label for="q-who-does-it-capstone">Launch a capstone project</label>' in page


def test_all_right_scores_full_marks_and_passes(client, learner, app):
    response = submit(client, ALL_RIGHT)
    assert response.status_code == 302
    [attempt] = attempts(app)
    assert attempt.score == 1.0
    assert attempt.is_passed
    review = client.get(response.headers["Location"]).text
    assert "Score <strong>100%</strong>" in review
    assert "Internships are built for learning." in review


def test_partial_credit_and_wrong_feedback_on_review(client, learner, app):
    answers = {
        **ALL_RIGHT,
        "q-pick-one": "coordinator",  # 0 of 1, with feedback
        "q-pick-many": ["checklist", "roadmap"],  # (1 - 1) / 2 -> 0 of 2
        "q-who-does-it-checklist": "intern",  # 1 of 2 items -> 1 of 2
    }
    response = submit(client, answers)
    [attempt] = attempts(app)
    # 0 + 0 + 1 + 1 = 2 of 6 points
    assert attempt.points == pytest.approx(2.0)
    assert attempt.score == pytest.approx(2 / 6)
    assert not attempt.is_passed
    review = client.get(response.headers["Location"]).text
    assert "The coordinator's job is operational." in review
    assert "Not passed yet" in review
    assert "Partly right" in review


def test_unanswered_questions_come_back_marked_with_answers_kept(client, learner, app):
    answers = {"q-pick-one": "intern", "q-who-does-it-capstone": "intern"}
    response = submit(client, answers)
    assert response.status_code == 422
    assert "questions are not answered yet" in response.text
    assert re.search(r'value="intern"[^>]*checked|checked[^>]*value="intern"', response.text)
    assert 'selected value="intern"' in response.text or 'value="intern" selected' in response.text
    assert attempts(app) == []


@pytest.mark.parametrize(
    ("tampered", "message"),
    [
        ({"q-pick-one": "made-up"}, "is not an option"),
        ({"q-pick-many": ["checklist", "nonsense"]}, "is not an option"),
        ({"q-is-accountable": "maybe"}, "true or false"),
        ({"q-who-does-it-capstone": "ceo"}, "not a category"),
        ({"q-other-quiz-question": "x"}, "not in this quiz"),
        ({"q-pick-one": ["intern", "coordinator"]}, "one answer"),
    ],
)
def test_tampered_answers_are_a_400_page(client, learner, app, tampered, message):
    response = submit(client, {**ALL_RIGHT, **tampered})
    assert response.status_code == 400
    assert message in response.text
    assert attempts(app) == []


def test_forged_attempt_token_is_a_400(client, learner, app):
    _page, form = quiz_form(client)
    form["attempt"] = "forged"
    assert submit(client, ALL_RIGHT, form).status_code == 400
    assert attempts(app) == []


def test_submitting_the_same_form_twice_records_one_attempt(client, learner, app):
    _page, form = quiz_form(client)
    first = submit(client, ALL_RIGHT, form)
    second = submit(client, ALL_RIGHT, form)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert len(attempts(app)) == 1


def test_max_attempts_is_enforced_on_the_server(client, learner, app):
    forms = []
    for _ in range(3):
        _page, form = quiz_form(client)
        forms.append(form)
        submit(client, {**ALL_RIGHT, "q-pick-one": "coordinator", "q-pick-many": ["roadmap"]}, form)
    page = client.get("/quizzes/fixture-quiz").text
    assert "You have used all 3 attempts" in page
    assert "Submit answers" not in page
    # A forged fourth form is refused too.
    from course.learn.quizzes import attempt_token

    with app.test_request_context():
        token = attempt_token(learner.id, "fixture-quiz", 4)
    response = submit(client, ALL_RIGHT, {"attempt": token, "csrf_token": forms[0]["csrf_token"]})
    assert response.status_code == 403
    assert len(attempts(app)) == 3
    assert "Out of attempts" in client.get("/").text


def test_quiz_passed_shows_on_the_outline(client, learner):
    submit(client, ALL_RIGHT)
    assert "Passed" in client.get("/").text


def test_someone_elses_attempt_is_a_404(app, client, learner, make_user, sign_in):
    response = submit(client, ALL_RIGHT)
    review_path = response.headers["Location"]
    other = app.test_client()
    sign_in(make_user(), on=other)
    assert other.get(review_path).status_code == 404
    assert other.get("/quizzes/fixture-quiz/attempts/999").status_code == 404


def test_old_attempt_reads_the_same_after_the_quiz_is_edited(make_app, course_copy_dir, make_user):
    content = course_copy_dir
    app = make_app(CONTENT_DIR=str(content))
    client = app.test_client()
    user = make_user()
    post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    review_path = submit(client, ALL_RIGHT).headers["Location"]
    before = client.get(review_path).text

    quiz_file = content / "quizzes" / "fixture-quiz.yaml"
    text = quiz_file.read_text()
    start = text.index("  - id: pick-one")
    end = text.index("  - id: pick-many")
    quiz_file.write_text(text[:start] + text[end:])  # delete a question
    edited = make_app(CONTENT_DIR=str(content))
    client2 = edited.test_client()
    post_form(client2, "/login", {"email": user.email, "password": PASSWORD})
    after = client2.get(review_path)
    assert after.status_code == 200
    assert "Which role is a <strong>learning</strong> opportunity?" in after.text
    assert "Score <strong>100%</strong>" in after.text
    assert before.count("Right:") == after.text.count("Right:")


def test_shuffled_order_is_stable_across_reloads(make_app, course_copy_dir, make_user):
    content = course_copy_dir
    quiz_file = content / "quizzes" / "fixture-quiz.yaml"
    quiz_file.write_text(
        quiz_file.read_text().replace("max_attempts: 3", "max_attempts: 3\nshuffle: true")
    )
    app = make_app(CONTENT_DIR=str(content))
    client = app.test_client()
    user = make_user()
    post_form(client, "/login", {"email": user.email, "password": PASSWORD})

    def order(page):
        return re.findall(r'name="q-pick-many"[^>]*value="([\w-]+)"', page)

    first = order(client.get("/quizzes/fixture-quiz").text)
    assert sorted(first) == ["calendar", "checklist", "pricing", "roadmap"]
    assert order(client.get("/quizzes/fixture-quiz").text) == first
