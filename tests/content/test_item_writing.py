"""Item-writing checks: each cue a learner could guess by, as a warning at its line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from course.content.cli import check_command
from tests.content.broken_copies import FIXTURE_WARNINGS, QUIZ, Rule, edit

WARN = "warning: "
MORE_SINGLES = """\
  - id: step-two
    type: single
    prompt: Who owns the launch calendar?
    options:
      - {id: coordinator, text: The coordinator, correct: true}
      - {id: designer, text: The designer}
  - id: step-three
    type: single
    prompt: Who owns the capstone?
    options:
      - {id: intern, text: The intern, correct: true}
      - {id: designer, text: The designer}
  - id: step-four
    type: single
    prompt: Who owns the checklist?
    options:
      - {id: coordinator, text: The coordinator, correct: true}
      - {id: intern, text: The intern}
"""

RULES = {
    "correct option much longer": Rule(
        QUIZ,
        "text: The intern, who learns by doing",
        WARN + "the correct option 'intern' of question 'pick-one' is 2.7 times as long as "
        "the others on average (more than 1.5): learners can pick it by its length; shorten "
        "it or give the others as much detail",
        edit(QUIZ, "text: The intern\n", "text: The intern, who learns by doing the work\n"),
    ),
    "absolute words only in wrong options": Rule(
        QUIZ,
        "text: Always the coordinator",
        WARN + "'always' appears only in wrong options of question 'pick-one' (here in "
        "option 'coordinator'): learners rule out absolute words; qualify this option or use "
        "such words in a correct one too",
        edit(QUIZ, "text: The coordinator\n", "text: Always the coordinator\n"),
    ),
    "all of the above": Rule(
        QUIZ,
        "text: All of the above",
        WARN + "option 'pricing' says 'All of the above': it depends on the order of the "
        "options and is often the answer; write a question with several right options "
        "(type: multiple) instead",
        edit(QUIZ, "text: The pricing page", "text: All of the above"),
    ),
    "none of the above": Rule(
        QUIZ,
        "text: None of the above",
        WARN + "option 'coordinator' says 'None of the above': it depends on the order of "
        "the options and is often the answer; write a question with several right options "
        "(type: multiple) instead",
        edit(QUIZ, "text: The coordinator\n", "text: None of the above\n"),
    ),
    "two options with the same text": Rule(
        QUIZ,
        "text: the product  Roadmap",
        WARN + "options 'roadmap' and 'pricing' of question 'pick-many' have the same text: "
        "reword or remove one",
        edit(QUIZ, "text: The pricing page", "text: the product  Roadmap"),
    ),
    "correct option in the same position": Rule(
        QUIZ,
        "questions:",
        WARN + "the correct option is option 1 in 4 of the quiz's 4 single-choice questions "
        "(more than half): learners can guess by position; vary where the correct option "
        "stands, or set shuffle: true",
        edit(QUIZ, "    answer: false\n", "    answer: false\n" + MORE_SINGLES),
    ),
}


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_each_cue_is_a_warning_at_its_line(course_copy, rule):
    expected = course_copy.break_by(rule)
    problems = course_copy.problems()
    assert expected in problems
    # A warning, not an error: the course still loads, with that one warning added.
    assert sorted(problems) == sorted([expected, *FIXTURE_WARNINGS])


def test_the_same_prompt_in_two_quizzes_names_both_places(course_copy):
    prompt = "    prompt: Who usually does each task?\n"
    other = "quizzes/other-check.yaml"
    course_copy.write(
        other,
        "title: Other\nquestions:\n  - id: again\n    type: classify\n"
        + prompt
        + "    categories:\n      - {id: a, label: A}\n      - {id: b, label: B}\n"
        "    items:\n      - {id: x, text: X, category: a}\n",
    )
    course_copy.edit(
        "lessons/course.yaml",
        "      - lesson: wrap-up\n",
        "      - quiz: other-check\n      - lesson: wrap-up\n",
    )
    first_line = course_copy.line_of(QUIZ, "prompt: Who usually does each task?")
    assert (
        f"{other}:5: warning: question 'again' has the same prompt as "
        f"question 'who-does-it' at {QUIZ}:{first_line}: a learner who met one knows the "
        "other; ask something else or remove one"
    ) in course_copy.problems()


def test_no_cue_in_a_shuffled_quiz_s_positions_and_no_false_alarm_on_the_fixture(course_copy):
    assert course_copy.problems() == FIXTURE_WARNINGS
    course_copy.edit(QUIZ, "    answer: false\n", "    answer: false\n" + MORE_SINGLES)
    course_copy.edit(QUIZ, "max_attempts: 3\n", "max_attempts: 3\nshuffle: true\n")
    assert course_copy.problems() == FIXTURE_WARNINGS


def test_strict_check_fails_on_an_item_writing_cue(course_copy):
    rule = RULES["all of the above"]
    course_copy.break_by(rule)
    runner = CliRunner()
    relaxed = runner.invoke(check_command, ["--content", str(course_copy.root)])
    strict = runner.invoke(check_command, ["--content", str(course_copy.root), "--strict"])
    assert relaxed.exit_code == 0
    assert strict.exit_code == 1
    assert "says 'All of the above'" in strict.output
