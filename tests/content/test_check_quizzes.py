"""``course check`` on quizzes: each rule, on a copy of the fixture broken once."""

from __future__ import annotations

import pytest

from tests.content.broken_copies import QUIZ, Rule, edit

# The fixture quiz in sections: draw one of the first two questions, then the third.
SECTIONED = """\
kind: quiz
title: Fixture Quiz
sections:
  - title: Roles
    draw: 1
    questions:
      - id: pick-one
        type: true_false
        prompt: An intern learns by doing.
        answer: true
      - id: pick-two
        type: true_false
        prompt: An intern has a mentor.
        answer: true
  - questions:
      - id: is-accountable
        type: true_false
        prompt: An intern is accountable for the outcome of product decisions.
        answer: false
"""

RULES = {
    "quiz title required": Rule(
        QUIZ,
        "kind: quiz",
        "missing required key 'title' in the quiz",
        edit(QUIZ, "title: Fixture Quiz\n", ""),
    ),
    "quiz questions non-empty": Rule(
        QUIZ,
        "questions: []",
        "'questions' in the quiz must be a non-empty list, not a list",
        edit(QUIZ, "questions:\n  - id: pick-one", "questions: []\nunused:\n  - id: pick-one"),
    ),
    "quiz unknown key": Rule(
        QUIZ,
        "pass_mrk:",
        "unknown key 'pass_mrk' in the quiz; did you mean 'pass_mark'?",
        edit(QUIZ, "pass_mark: 70", "pass_mrk: 70"),
    ),
    "question unknown key": Rule(
        QUIZ,
        "explanaton:",
        "unknown key 'explanaton' in question 'pick-one'; did you mean 'explanation'?",
        edit(QUIZ, "explanation: Internships", "explanaton: Internships"),
    ),
    "question key of another type": Rule(
        QUIZ,
        "answer: true",
        "'answer' does not apply to question 'pick-one', a single question (it takes: options)",
        edit(QUIZ, "    type: single\n", "    type: single\n    answer: true\n"),
    ),
    "question prompt required": Rule(
        QUIZ,
        "- id: is-accountable",
        "missing required key 'prompt' in question 'is-accountable'",
        edit(
            QUIZ, "    prompt: An intern is accountable for the outcome of product decisions.\n", ""
        ),
    ),
    "question ids unique": Rule(
        QUIZ,
        "- id: pick-one  # again",
        "question id 'pick-one' is used twice (first at line 8)",
        edit(QUIZ, "- id: is-accountable", "- id: pick-one  # again"),
    ),
    "option ids unique": Rule(
        QUIZ,
        "- id: intern  # again",
        "option id 'intern' is used twice in question 'pick-one' (first at line 12)",
        edit(
            QUIZ,
            "- id: coordinator\n        text: The coordinator",
            "- id: intern  # again\n        text: The coordinator",
        ),
    ),
    "single has exactly one correct option": Rule(
        QUIZ,
        "options:",
        "question 'pick-one' is 'single' and needs exactly one correct option, not 2",
        edit(
            QUIZ,
            "        text: The coordinator\n",
            "        text: The coordinator\n        correct: true\n",
        ),
        after="id: pick-one",
    ),
    "multiple has a correct option": Rule(
        QUIZ,
        "options:",
        "question 'pick-many' is 'multiple' and needs at least one correct option",
        (
            (
                QUIZ,
                "        text: The release checklist\n        correct: true\n",
                "        text: The release checklist\n",
            ),
            (
                QUIZ,
                "        text: The launch calendar\n        correct: true\n",
                "        text: The launch calendar\n",
            ),
        ),
        after="id: pick-many",
    ),
    "question has two options": Rule(
        QUIZ,
        "options:",
        "question 'pick-one' needs at least two options",
        edit(
            QUIZ,
            "      - id: coordinator\n        text: The coordinator\n"
            "        feedback: The coordinator's job is operational.\n",
            "",
        ),
        after="id: pick-one",
    ),
    "true_false answer is a boolean": Rule(
        QUIZ,
        "answer:",
        "'answer' in question 'is-accountable' must be true or false, not text 'false' "
        "(remove the quotes)",
        edit(QUIZ, "answer: false", 'answer: "false"'),
    ),
    "true_false answer required": Rule(
        QUIZ,
        "- id: is-accountable",
        "missing required key 'answer' in question 'is-accountable'",
        edit(QUIZ, "    answer: false\n", ""),
    ),
    "classify item names a category": Rule(
        QUIZ,
        "category: intrn",
        "item 1 of question 'who-does-it' names category 'intrn', which is not defined; "
        "the categories are: intern, coordinator",
        edit(QUIZ, "category: intern}", "category: intrn}"),
    ),
    "classify has two categories": Rule(
        QUIZ,
        "categories:",
        "question 'who-does-it' needs at least two categories",
        (
            (QUIZ, "      - {id: coordinator, label: Product coordinator}\n", ""),
            (QUIZ, "category: coordinator}", "category: intern}"),
        ),
    ),
    "classify category ids unique": Rule(
        QUIZ,
        "{id: intern, label: Product coordinator}",
        "category id 'intern' is used twice in question 'who-does-it' (first at line 44)",
        edit(
            QUIZ,
            "{id: coordinator, label: Product coordinator}",
            "{id: intern, label: Product coordinator}",
        ),
    ),
    "unknown question type": Rule(
        QUIZ,
        "type: essay",
        "unknown question type 'essay' in question 'is-accountable'; the known types are: "
        "classify, multiple, reflection, single, true_false",
        edit(QUIZ, "type: true_false", "type: essay"),
    ),
    "pass_mark within 0 to 100": Rule(
        QUIZ,
        "pass_mark:",
        "'pass_mark' in the quiz must be a whole number from 0 to 100, not the number 150",
        edit(QUIZ, "pass_mark: 70", "pass_mark: 150"),
    ),
    "max_attempts positive": Rule(
        QUIZ,
        "max_attempts:",
        "'max_attempts' in the quiz must be a whole number above 0, not the number 0",
        edit(QUIZ, "max_attempts: 3", "max_attempts: 0"),
    ),
    "question points above zero": Rule(
        QUIZ,
        "points: 0",
        "'points' in question 'pick-many' must be a number above 0, not the number 0",
        edit(QUIZ, "    partial: true\n    points: 2", "    partial: true\n    points: 0"),
    ),
    "quiz is valid YAML": Rule(
        QUIZ,
        "title: Fixture Quiz",
        "invalid YAML: mapping values are not allowed here",
        edit(QUIZ, "title: Fixture Quiz", "title: Fixture Quiz: the sequel"),
    ),
    "quiz is a mapping": Rule(
        "quizzes/listed.yaml",
        "- one",
        "the file must be a mapping of keys (title: ...), not a list",
        writes={"quizzes/listed.yaml": "# a list by mistake\n- one\n- two\n"},
    ),
    "quiz file kind": Rule(
        QUIZ,
        "kind: survey",
        "'kind' must be quiz or scenario, not text 'survey'",
        edit(QUIZ, "kind: quiz", "kind: survey"),
    ),
    "section draw at most its questions": Rule(
        QUIZ,
        "draw: 3",
        "'draw' in section 1 is 3, but the section has only 2 questions; draw at most 2",
        writes={QUIZ: SECTIONED.replace("draw: 1", "draw: 3")},
    ),
    "section draw at least one": Rule(
        QUIZ,
        "draw: 0",
        "'draw' in section 1 must be a whole number above 0, not the number 0",
        writes={QUIZ: SECTIONED.replace("draw: 1", "draw: 0")},
    ),
    "section unknown key": Rule(
        QUIZ,
        "titel: Roles",
        "unknown key 'titel' in section 2; did you mean 'title'?",
        writes={QUIZ: SECTIONED.replace("  - questions:", "  - titel: Roles\n    questions:")},
    ),
    "sections or questions": Rule(
        QUIZ,
        "questions: [1]",
        "a quiz has either 'questions' or 'sections' (each with its questions), not both",
        writes={QUIZ: SECTIONED + "questions: [1]\n"},
    ),
    "question ids unique across sections": Rule(
        QUIZ,
        "- id: pick-one  # again",
        "question id 'pick-one' is used twice (first at line 7)",
        writes={QUIZ: SECTIONED.replace("- id: is-accountable", "- id: pick-one  # again")},
    ),
    "quiz file extension": Rule(
        "quizzes/other.yml",
        "title: Other",
        "quiz and scenario files end in .yaml: rename it to other.yaml",
        writes={"quizzes/other.yml": "title: Other\n"},
    ),
}


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_broken_copy_names_the_problem(course_copy, rule):
    expected = course_copy.break_by(rule)
    assert expected in course_copy.problems()
