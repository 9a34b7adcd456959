"""Grading by question type, exactly as the authoring format says."""

from __future__ import annotations

import dataclasses
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course.content import QUESTION_TYPES, Grade, load_catalog
from course.content.question_types import Question
from course.content.question_types.base import Option
from course.content.question_types.classify import Category, Classify, ClassifyItem
from course.content.question_types.multiple import MultipleChoice
from course.content.question_types.single import SingleChoice
from course.content.question_types.true_false import TrueFalse
from tests.content.broken_copies import FIXTURE_COURSE


@pytest.fixture(scope="module")
def quiz():
    return load_catalog(FIXTURE_COURSE).quizzes["fixture-quiz"]


def grade(question: Question, answer) -> Grade:
    return question.grade(answer)


def test_registry_has_the_five_types():
    assert sorted(QUESTION_TYPES) == ["classify", "multiple", "reflection", "single", "true_false"]
    assert all(name == question_type.type for name, question_type in QUESTION_TYPES.items())


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("intern", Grade(1.0, True)), ("coordinator", Grade(0.0, False)), ("nope", Grade(0.0, False))],
)
def test_single(quiz, answer, expected):
    assert grade(quiz.question("pick-one"), answer) == expected


@pytest.mark.parametrize(
    ("picks", "expected"),
    [
        ({"checklist", "calendar"}, Grade(2.0, True)),
        ({"checklist"}, Grade(1.0, False)),  # 2 x (1 - 0) / 2
        ({"checklist", "calendar", "roadmap"}, Grade(1.0, False)),  # 2 x (2 - 1) / 2
        ({"checklist", "roadmap"}, Grade(0.0, False)),  # 2 x (1 - 1) / 2
        ({"roadmap", "pricing"}, Grade(0.0, False)),  # never below 0
        ({"checklist", "calendar", "roadmap", "pricing"}, Grade(0.0, False)),
        (set(), Grade(0.0, False)),
    ],
)
def test_multiple_partial(quiz, picks, expected):
    assert grade(quiz.question("pick-many"), frozenset(picks)) == expected


def test_multiple_all_or_nothing_without_partial(quiz):
    question = quiz.question("pick-many")
    strict = dataclasses.replace(question, partial=False)
    assert grade(strict, frozenset({"checklist", "calendar"})) == Grade(2.0, True)
    assert grade(strict, frozenset({"checklist"})) == Grade(0.0, False)
    assert grade(strict, frozenset({"checklist", "calendar", "roadmap"})) == Grade(0.0, False)


def test_true_false(quiz):
    question = quiz.question("is-accountable")
    assert grade(question, False) == Grade(1.0, True)
    assert grade(question, True) == Grade(0.0, False)
    assert grade(question, "false") == Grade(0.0, False)  # only a real boolean counts
    assert grade(question, 0) == Grade(0.0, False)


@pytest.mark.parametrize(
    ("placement", "expected"),
    [
        ({"capstone": "intern", "checklist": "coordinator"}, Grade(2.0, True)),
        ({"capstone": "intern", "checklist": "intern"}, Grade(1.0, False)),
        ({"capstone": "intern"}, Grade(1.0, False)),  # an item left out counts as wrong
        ({"capstone": "coordinator", "checklist": "intern"}, Grade(0.0, False)),
    ],
)
def test_classify(quiz, placement, expected):
    assert grade(quiz.question("who-does-it"), placement) == expected


@pytest.mark.parametrize("answer", [None, 3, [], "nope", {"x": 1}, object()])
def test_malformed_answers_score_nothing(quiz, answer):
    for question in quiz.questions:
        assert grade(question, answer).points == 0.0


ids = st.text(alphabet="abcdefghij", min_size=1, max_size=4)
points = st.floats(min_value=0.01, max_value=1000, allow_nan=False, allow_infinity=False)


@st.composite
def questions(draw) -> Question:
    """Draw a valid question of any type."""
    question_type = draw(st.sampled_from(sorted(QUESTION_TYPES)))
    common = {"id": "q", "prompt_html": "", "points": draw(points)}
    if question_type in ("single", "multiple"):
        option_ids = draw(st.lists(ids, min_size=2, max_size=6, unique=True))
        if question_type == "single":
            correct_index = draw(st.integers(0, len(option_ids) - 1))
            flags = [index == correct_index for index in range(len(option_ids))]
        else:
            flags = draw(
                st.lists(st.booleans(), min_size=len(option_ids), max_size=len(option_ids))
            )
            flags[draw(st.integers(0, len(option_ids) - 1))] = True
        options = tuple(
            Option(oid, oid, flag, "") for oid, flag in zip(option_ids, flags, strict=True)
        )
        if question_type == "single":
            return SingleChoice(**common, options=options)
        return MultipleChoice(**common, options=options, partial=draw(st.booleans()))
    if question_type == "true_false":
        return TrueFalse(**common, answer=draw(st.booleans()))
    category_ids = draw(st.lists(ids, min_size=2, max_size=4, unique=True))
    item_ids = draw(st.lists(ids, min_size=1, max_size=6, unique=True))
    items = tuple(ClassifyItem(iid, iid, draw(st.sampled_from(category_ids))) for iid in item_ids)
    categories = tuple(Category(cid, cid) for cid in category_ids)
    return Classify(**common, categories=categories, items=items)


def right_answer(question: Question):
    if question.type == "single":
        return next(option.id for option in question.options if option.correct)
    if question.type == "multiple":
        return frozenset(option.id for option in question.options if option.correct)
    if question.type == "true_false":
        return question.answer
    return {item.id: item.category for item in question.items}


def any_answer(question: Question):
    """A strategy for answers of the question's shape, including ids it does not have."""
    option_ids = [option.id for option in getattr(question, "options", ())] or ["x"]
    category_ids = [category.id for category in getattr(question, "categories", ())] or ["x"]
    item_ids = [item.id for item in getattr(question, "items", ())] or ["x"]
    return st.one_of(
        st.none(),
        st.booleans(),
        st.sampled_from(option_ids),
        ids,
        st.frozensets(st.one_of(st.sampled_from(option_ids), ids)),
        st.dictionaries(
            st.one_of(st.sampled_from(item_ids), ids), st.one_of(st.sampled_from(category_ids), ids)
        ),
    )


@given(st.data())
def test_points_stay_within_zero_and_the_question_points(data):
    question = data.draw(questions())
    answer = data.draw(any_answer(question))
    result = grade(question, answer)
    assert 0.0 <= result.points <= question.points
    assert result.is_correct == (result.points == question.points)


@given(questions())
def test_the_right_answer_earns_full_points(question):
    assert grade(question, right_answer(question)) == Grade(question.points, True)


@given(questions(), st.integers())
def test_the_demo_picks_answers_the_type_grades(question, seed):
    rng = random.Random(seed)
    assert grade(question, question.pick_answer(True, rng)) == Grade(question.points, True)
    wrong = grade(question, question.pick_answer(False, rng))
    assert 0.0 <= wrong.points <= question.points
