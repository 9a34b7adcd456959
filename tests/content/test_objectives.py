"""Lesson objectives with ids, and the questions that point at them: each check at its line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from course.content import load_catalog
from course.content.cli import check_command
from course.content.model import Objective, ObjectiveReference
from tests.content.broken_copies import (
    FIXTURE_WARNINGS,
    QUIZ,
    WELCOME,
    Rule,
    add_objectives,
    edit,
)

REFLECTION = """\
title: Reflect
questions:
  - id: in-your-words
    type: reflection
    prompt: In your own words, what does the intern own?
    objective: welcome#owns
"""

RULES = {
    "a reference to a lesson that does not exist": Rule(
        QUIZ,
        "objective: nowhere#roles",
        "the objective 'nowhere#roles' of question 'pick-one' points nowhere: there is no "
        "lesson 'nowhere'",
        edit(
            QUIZ,
            "objective: welcome#roles\n    type: single",
            "objective: nowhere#roles\n    type: single",
        ),
    ),
    "a reference to an objective the lesson lacks": Rule(
        QUIZ,
        "objective: welcome#decisions",
        "the objective 'welcome#decisions' of question 'who-does-it' points nowhere: lesson "
        "'welcome' has no objective 'decisions' (its objective ids: find-your-way, roles)",
        edit(QUIZ, "objective: welcome#find-your-way", "objective: welcome#decisions"),
    ),
    "a reference to a lesson whose objectives have no ids": Rule(
        QUIZ,
        "objective: roles#roles",
        "the objective 'roles#roles' of question 'pick-one' points nowhere: lesson 'roles' "
        "has no objective 'roles' (its objective ids: none)",
        edit(
            QUIZ,
            "objective: welcome#roles\n    type: single",
            "objective: roles#roles\n    type: single",
        ),
    ),
    "a reference of the wrong form": Rule(
        QUIZ,
        "objective: welcome roles",
        "'objective' of question 'pick-many' must be <lesson-slug>#<objective-id> "
        "(e.g. welcome#find-your-way), not 'welcome roles'",
        edit(
            QUIZ,
            "objective: welcome#roles\n    type: multiple",
            "objective: welcome roles\n    type: multiple",
        ),
    ),
    "a reflection's reference is checked too": Rule(
        "quizzes/reflect.yaml",
        "objective: welcome#owns",
        "the objective 'welcome#owns' of question 'in-your-words' points nowhere: lesson "
        "'welcome' has no objective 'owns' (its objective ids: find-your-way, roles)",
        writes={"quizzes/reflect.yaml": REFLECTION},
    ),
    "an objective id used twice": Rule(
        WELCOME,
        "- id: roles",
        "objective id 'roles' is used twice (first at line 6)",
        edit(WELCOME, "- id: find-your-way", "- id: roles"),
        after="text: Find your way",
    ),
    "an objective without text": Rule(
        WELCOME,
        "- id: find-your-way",
        "missing required key 'text' in objective 1",
        edit(WELCOME, "    text: Find your way around the course\n", ""),
    ),
    "an objective with an unknown key": Rule(
        WELCOME,
        "txt: Tell",
        "unknown key 'txt' in objective 2; did you mean 'text'?",
        edit(WELCOME, "text: Tell", "txt: Tell"),
    ),
}


@pytest.fixture
def with_objectives(course_copy):
    add_objectives(course_copy)
    return course_copy


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_each_broken_objective_is_an_error_at_its_line(with_objectives, rule):
    expected = with_objectives.break_by(rule)
    problems = with_objectives.problems()
    assert expected in problems


def test_an_objective_no_question_assesses_is_a_warning_at_its_line(with_objectives):
    with_objectives.edit(QUIZ, "    objective: welcome#find-your-way\n", "")
    line = with_objectives.line_of(WELCOME, "- id: find-your-way")
    warning = (
        f"{WELCOME}:{line}: warning: no question assesses objective 'find-your-way': add "
        "'objective: welcome#find-your-way' to a question that does, or remove the id"
    )
    assert sorted(with_objectives.problems()) == sorted([warning, *FIXTURE_WARNINGS])
    runner = CliRunner()
    relaxed = runner.invoke(check_command, ["--content", str(with_objectives.root)])
    strict = runner.invoke(check_command, ["--content", str(with_objectives.root), "--strict"])
    assert relaxed.exit_code == 0
    assert strict.exit_code == 1
    assert "no question assesses objective 'find-your-way'" in strict.output


def test_objectives_with_ids_and_references_load_without_a_false_alarm(with_objectives):
    assert with_objectives.problems() == FIXTURE_WARNINGS
    catalog = load_catalog(with_objectives.root)
    assert catalog.lessons["welcome"].objectives == (
        Objective("Find your way around the course", "find-your-way"),
        Objective("Tell the two roles apart", "roles"),
    )
    quiz = catalog.quizzes["fixture-quiz"]
    assert quiz.question("pick-many").objective == ObjectiveReference("welcome", "roles")
    assert quiz.question("is-accountable").objective is None


def test_plain_string_and_id_objectives_mix_in_one_lesson(with_objectives):
    with_objectives.edit(
        WELCOME,
        "    text: Tell the two roles apart\n",
        "    text: Tell the two roles apart\n  - Read a release checklist\n",
    )
    assert with_objectives.problems() == FIXTURE_WARNINGS
    objectives = load_catalog(with_objectives.root).lessons["welcome"].objectives
    assert [each.text for each in objectives][-1] == "Read a release checklist"
    assert objectives[-1].id is None
