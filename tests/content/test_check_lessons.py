"""``course check`` on lessons: each rule, on a copy of the fixture broken once."""

from __future__ import annotations

import pytest

from tests.content.broken_copies import OUTLINE, WELCOME, Rule, edit

RULES = {
    "lesson title required": Rule(
        WELCOME,
        "summary: What this course covers",
        "missing required key 'title' in the front matter",
        edit(WELCOME, "title: Welcome\n", ""),
    ),
    "lesson minutes positive": Rule(
        WELCOME,
        "minutes:",
        "'minutes' in the front matter must be a whole number above 0, not the number 0",
        edit(WELCOME, "minutes: 3", "minutes: 0"),
    ),
    "lesson minutes not quoted": Rule(
        WELCOME,
        "minutes:",
        "'minutes' in the front matter must be a whole number above 0, not text '3' "
        "(remove the quotes)",
        edit(WELCOME, "minutes: 3", 'minutes: "3"'),
    ),
    "lesson minutes required": Rule(
        WELCOME,
        "title: Welcome",
        "missing required key 'minutes' in the front matter",
        edit(WELCOME, "minutes: 3\n", ""),
    ),
    "lesson objectives are text": Rule(
        WELCOME,
        "- 42",
        "objective 2 must be non-empty text or {id: ..., text: ...}, not the number 42",
        edit(WELCOME, "  - Tell the two roles apart", "  - 42"),
    ),
    "lesson objectives are a list": Rule(
        WELCOME,
        "objectives: Find",
        "'objectives' in the front matter must be a list of text, not text 'Find your way'",
        edit(
            WELCOME,
            "objectives:\n  - Find your way around the course\n  - Tell the two roles apart\n",
            "objectives: Find your way\n",
        ),
    ),
    "lesson unknown key": Rule(
        WELCOME,
        "summery:",
        "unknown key 'summery' in the front matter; did you mean 'summary'?",
        edit(WELCOME, "summary: What", "summery: What"),
    ),
    "lesson front matter present": Rule(
        WELCOME,
        "title: Welcome",
        "a lesson must start with front matter: a line '---', keys such as title and "
        "minutes, then another line '---'",
        edit(WELCOME, "---\ntitle: Welcome", "title: Welcome"),
    ),
    "lesson front matter closed": Rule(
        WELCOME,
        "",
        "the front matter is never closed: add a line '---' after its last key",
        edit(WELCOME, "  - Tell the two roles apart\n---\n", "  - Tell the two roles apart\n"),
    ),
    "lesson front matter valid YAML": Rule(
        WELCOME,
        "objectives:",
        "invalid YAML: while parsing a flow sequence from line 4, expected ',' or ']', but got ':'",
        edit(WELCOME, "minutes: 3", "minutes: [3"),
    ),
    "lesson front matter is a mapping": Rule(
        WELCOME,
        "- title: Welcome",
        "the front matter must be keys and values (title: ..., minutes: ...), not a list",
        edit(
            WELCOME,
            "title: Welcome\nsummary: What this course covers and how it works.\nminutes: 3\n"
            "objectives:\n  - Find your way around the course\n  - Tell the two roles apart\n",
            "- title: Welcome\n",
        ),
    ),
    "lesson link points at a lesson": Rule(
        WELCOME,
        "lesson:nowhere",
        "link 'lesson:nowhere' points nowhere: there is no lesson 'nowhere'",
        edit(WELCOME, "lesson:roles", "lesson:nowhere"),
    ),
    "lesson link points at the right kind": Rule(
        "lessons/roles.md",
        "quiz:fixture-scenario",
        "link 'quiz:fixture-scenario' points nowhere: there is no quiz 'fixture-scenario'",
        edit("lessons/roles.md", "quiz:fixture-quiz", "quiz:fixture-scenario"),
    ),
    "outline summary link": Rule(
        OUTLINE,
        "lesson:welcom",
        "link 'lesson:welcom' points nowhere: there is no lesson 'welcom'",
        edit(OUTLINE, "lesson:welcome", "lesson:welcom"),
    ),
    "image alt text": Rule(
        WELCOME,
        "![](diagram.png)",
        "image has no alt text: write it as ![what it shows](url)",
        edit(WELCOME, "Welcome to the fixture course.", "Welcome.\n\nSee ![](diagram.png)."),
    ),
}


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_broken_copy_names_the_problem(course_copy, rule):
    expected = course_copy.break_by(rule)
    assert expected in course_copy.problems()
