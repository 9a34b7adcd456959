"""``course check`` on the outline: each rule, on a copy of the fixture broken once."""

from __future__ import annotations

import pytest

from tests.content.broken_copies import OUTLINE, Rule, edit

VALID_LESSON = "---\ntitle: Extra\nminutes: 1\n---\nBody.\n"

RULES = {
    # The outline.
    "outline item exists": Rule(
        OUTLINE,
        "lesson: rolez",
        "lesson 'rolez' does not exist: there is no lessons/rolez.md",
        edit(OUTLINE, "lesson: roles", "lesson: rolez"),
    ),
    "quiz item exists": Rule(
        OUTLINE,
        "quiz: no-such-quiz",
        "quiz 'no-such-quiz' does not exist: there is no quizzes/no-such-quiz.yaml",
        edit(OUTLINE, "quiz: fixture-quiz", "quiz: no-such-quiz"),
    ),
    "item used once": Rule(
        OUTLINE,
        "- lesson: roles  # again",
        "lesson 'roles' is already in the outline at line 11",
        edit(
            OUTLINE,
            "      - lesson: wrap-up",
            "      - lesson: roles  # again\n      - lesson: wrap-up",
        ),
    ),
    "orphan lesson": Rule(
        "lessons/extra.md",
        "",
        "lesson 'extra' is not in the outline: add it to a module in lessons/course.yaml",
        writes={"lessons/extra.md": "---\ntitle: Extra\nminutes: 1\n---\n"},
    ),
    "orphan quiz": Rule(
        "quizzes/extra.yaml",
        "title: Extra",
        "quiz 'extra' is not in the outline: add it to a module in lessons/course.yaml",
        writes={
            "quizzes/extra.yaml": "title: Extra\nquestions:\n"
            "  - {id: q, type: true_false, prompt: Yes?, answer: true}\n"
        },
    ),
    "item kind matches the file": Rule(
        OUTLINE,
        "quiz: fixture-scenario",
        "'fixture-scenario' is listed as a quiz, but quizzes/fixture-scenario.yaml has "
        "kind: scenario; write 'scenario: fixture-scenario'",
        edit(OUTLINE, "scenario: fixture-scenario", "quiz: fixture-scenario"),
    ),
    "outline slug well-formed": Rule(
        OUTLINE,
        "lesson: Roles",
        "'lesson' in item 2 of module 1 must be a slug (use lowercase letters, digits and "
        "hyphens), not text 'Roles'",
        edit(OUTLINE, "lesson: roles", "lesson: Roles"),
    ),
    "file name is a slug": Rule(
        "lessons/Extra_Page.md",
        "",
        "file name 'Extra_Page' is not a valid slug: use lowercase letters, digits and hyphens",
        writes={"lessons/Extra_Page.md": VALID_LESSON},
    ),
    "item names one kind": Rule(
        OUTLINE,
        "- lesson: roles",
        "item 2 of module 1 names lesson and quiz; each item names one lesson, quiz or "
        "scenario, e.g. 'lesson: introduction'",
        edit(OUTLINE, "- lesson: roles", "- lesson: roles\n        quiz: fixture-quiz"),
    ),
    "course title required": Rule(
        OUTLINE,
        "summary: |",
        "missing required key 'title' in the course",
        edit(OUTLINE, "title: Fixture Course\n", ""),
    ),
    "module items required": Rule(
        OUTLINE,
        "- title: Practice",
        "missing required key 'items' in module 2",
        edit(
            OUTLINE,
            "    items:\n      - scenario: fixture-scenario\n      - scenario: fixture-routes\n"
            "        required: false\n      - lesson: wrap-up\n        required: false\n",
            "",
        ),
    ),
    "course unknown key": Rule(
        OUTLINE,
        "sequental:",
        "unknown key 'sequental' in the course; did you mean 'sequential'?",
        edit(OUTLINE, "sequential: false", "sequental: false"),
    ),
    "sequential is a boolean": Rule(
        OUTLINE,
        "sequential:",
        "'sequential' in the course must be true or false, not text 'no'",
        edit(OUTLINE, "sequential: false", 'sequential: "no"'),
    ),
    "required is a boolean": Rule(
        OUTLINE,
        "required: maybe",
        "'required' in item 3 of module 2 must be true or false, not text 'maybe'",
        edit(OUTLINE, "wrap-up\n        required: false", "wrap-up\n        required: maybe"),
    ),
    "outline is valid YAML": Rule(
        OUTLINE,
        "- lesson: roles",
        "invalid YAML: while parsing a block mapping from line 8, expected <block end>, "
        "but found '<block sequence start>'",
        edit(OUTLINE, "      - lesson: roles", "     - lesson: roles"),
    ),
    "unclosed quote names both lines": Rule(
        OUTLINE,
        "required: false",
        "invalid YAML: while scanning a quoted scalar from line 2, found unexpected end of stream",
        edit(OUTLINE, "title: Fixture Course", 'title: "Fixture Course'),
        after="wrap-up",
    ),
}


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_broken_copy_names_the_problem(course_copy, rule):
    expected = course_copy.break_by(rule)
    assert expected in course_copy.problems()
