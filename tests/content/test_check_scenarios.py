"""``course check`` on scenarios: each rule, on a copy of the fixture broken once."""

from __future__ import annotations

import pytest

from tests.content.broken_copies import SCENARIO, Rule, edit

RULES = {
    "scenario start is a step": Rule(
        SCENARIO,
        "start: kick-off",
        "start 'kick-off' is not a step; it must be one of the steps: kickoff, checklist, detour",
        edit(SCENARIO, "start: kickoff", "start: kick-off"),
    ),
    "scenario next resolves": Rule(
        SCENARIO,
        "next: successs",
        "choice 'ship' of step 'checklist' leads to 'successs', which is neither a step nor "
        "an ending",
        edit(SCENARIO, "next: success", "next: successs"),
    ),
    "scenario step reachable": Rule(
        SCENARIO,
        "  detour:",
        "step 'detour' cannot be reached from start 'kickoff'",
        (
            (
                SCENARIO,
                "what is left\n        points: 1\n        next: detour",
                "what is left\n        points: 1\n        next: muddle",
            ),
            (
                SCENARIO,
                "to be sure\n        points: 1\n        next: detour",
                "to be sure\n        points: 1\n        next: muddle",
            ),
        ),
    ),
    "scenario ending reachable": Rule(
        SCENARIO,
        "  stumble:",
        "ending 'stumble' cannot be reached from start 'kickoff'",
        (
            (
                SCENARIO,
                "        text: Ship it now\n        next: stumble",
                "        text: Ship it now\n        next: muddle",
            ),
            (
                SCENARIO,
                "        text: Leave it to someone else\n        next: stumble",
                "        text: Leave it to someone else\n        next: muddle",
            ),
        ),
    ),
    "scenario has no loops": Rule(
        SCENARIO,
        "next: kickoff",
        "path loops: kickoff -> checklist -> detour -> kickoff (choice 'recover' of step "
        "'detour' leads back); a scenario's paths must always move on to an ending",
        edit(SCENARIO, "next: muddle", "next: kickoff"),
    ),
    "scenario steps have choices": Rule(
        SCENARIO,
        "  detour:",
        "step 'detour' has no choices, so its path never ends: give it choices (a list with "
        "id, text and next), or make it an ending",
        edit(
            SCENARIO,
            "    choices:\n      - id: recover\n        text: Agree a new date with the team\n"
            "        next: muddle\n      - id: give-up\n        text: Leave it to someone else\n"
            "        next: stumble\n",
            "",
        ),
    ),
    "scenario ending rating": Rule(
        SCENARIO,
        "rating: great",
        "rating 'great' of ending 'success' must be one of: best, good, mixed, poor",
        edit(SCENARIO, "rating: best", "rating: great"),
    ),
    "scenario based_on names a lesson": Rule(
        SCENARIO,
        "based_on:",
        "based_on points nowhere: there is no lesson 'rolls'",
        edit(SCENARIO, "based_on: roles", "based_on: rolls"),
    ),
    "scenario step and ending ids differ": Rule(
        SCENARIO,
        "  detour:  # also an ending",
        "'detour' is both a step (line 36) and an ending; give them different ids",
        edit(
            SCENARIO,
            "endings:\n",
            "endings:\n  detour:  # also an ending\n    title: Lost\n    rating: poor\n",
        ),
    ),
    "scenario choice ids unique": Rule(
        SCENARIO,
        "- id: careful  # again",
        "choice id 'careful' is used twice in step 'kickoff' (first at line 13)",
        edit(SCENARIO, "- id: ask", "- id: careful  # again"),
    ),
    "scenario choice points non-negative": Rule(
        SCENARIO,
        "points: -1",
        "'points' in choice 2 of step 'kickoff' must be a number of at least 0, not the number -1",
        edit(
            SCENARIO,
            "        points: 1\n        next: detour\n      - id: rush",
            "        points: -1\n        next: detour\n      - id: rush",
        ),
    ),
    "scenario step ids unique": Rule(
        SCENARIO,
        "  checklist:  # again",
        "duplicate key 'checklist' (first at line 25)",
        edit(SCENARIO, "  detour:\n", "  checklist:  # again\n"),
    ),
    "scenario pass_mark within 0 to 100": Rule(
        SCENARIO,
        "pass_mark:",
        "'pass_mark' in the scenario must be a whole number from 0 to 100, not the number 101",
        edit(SCENARIO, "pass_mark: 60", "pass_mark: 101"),
    ),
    "scenario pass_mark needs points": Rule(
        SCENARIO,
        "pass_mark:",
        "pass_mark needs points, but no path through the scenario earns any",
        (
            (
                SCENARIO,
                "        points: 2\n        feedback: Good habit.\n",
                "        feedback: Good habit.\n",
            ),
            (SCENARIO, "what is left\n        points: 1\n", "what is left\n"),
            (SCENARIO, "Ship on Friday\n        points: 2\n", "Ship on Friday\n"),
            (SCENARIO, "to be sure\n        points: 1\n", "to be sure\n"),
        ),
    ),
    "scenario endings required": Rule(
        SCENARIO,
        "kind: scenario",
        "missing required key 'endings' in the scenario",
        edit(SCENARIO, "endings:\n", "unused:\n"),
    ),
    "scenario unknown key": Rule(
        SCENARIO,
        "feedbak:",
        "unknown key 'feedbak' in choice 1 of step 'kickoff'; did you mean 'feedback'?",
        edit(SCENARIO, "feedback: Good habit.", "feedbak: Good habit."),
    ),
}


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_broken_copy_names_the_problem(course_copy, rule):
    expected = course_copy.break_by(rule)
    assert expected in course_copy.problems()
