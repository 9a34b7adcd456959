"""Reading a quiz form back: whatever is sent, nothing outside the quiz is accepted."""

from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from course.content import load_catalog
from course.content.question_types import AnswerError
from course.learn.quiz_form import build_quiz_form, read_answers
from tests.conftest import FIXTURE_COURSE

QUIZ = load_catalog(FIXTURE_COURSE).quizzes["fixture-quiz"]
KEYS = [
    "q-pick-one",
    "q-pick-many",
    "q-is-accountable",
    "q-who-does-it-capstone",
    "q-who-does-it-checklist",
    "q-who-does-it",
    "q-nope",
    "attempt",
    "csrf_token",
]
VALUES = st.one_of(
    st.sampled_from(
        [
            "intern",
            "coordinator",
            "checklist",
            "calendar",
            "roadmap",
            "pricing",
            "true",
            "false",
            "",
            "capstone",
        ]
    ),
    st.text(max_size=12),
)


def is_inside_the_quiz(answers: dict) -> bool:
    for question in QUIZ.questions:
        answer = answers.get(question.id)
        option_ids = {option.id for option in getattr(question, "options", ())}
        if answer is None:
            continue
        if question.type == "single" and answer not in option_ids:
            return False
        if question.type == "multiple" and not (answer and answer <= option_ids):
            return False
        if question.type == "true_false" and not isinstance(answer, bool):
            return False
        if question.type == "classify":
            categories = {category.id for category in question.categories}
            if set(answer) != {item.id for item in question.items}:
                return False
            if not set(answer.values()) <= categories:
                return False
    return set(answers) <= {question.id for question in QUIZ.questions}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(KEYS), VALUES), max_size=12))
def test_no_answer_outside_the_quiz_is_accepted(pairs):
    formdata = MultiDict(pairs)
    form = build_quiz_form(QUIZ, "seed", formdata)
    try:
        answers, missing = read_answers(QUIZ, form, formdata)
    except AnswerError:
        return
    assert is_inside_the_quiz(answers)
    assert set(answers).isdisjoint(missing)
    assert set(answers) | set(missing) == {question.id for question in QUIZ.questions}
