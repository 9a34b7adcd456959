"""``course check`` on scenarios: each rule, on a copy of the fixture broken once."""

from __future__ import annotations

import pytest

from course.content import check_content
from course.content.scenario_graph import MAX_PATHS
from tests.content.broken_copies import ROUTES, SCENARIO, Rule, edit

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


# The checks that need the whole graph, on the scenario with flags, routes and variants.
STATE_RULES = {
    "route entry no path takes": Rule(
        ROUTES,
        "- when: {min_score: 80, flags: [guessed]}",
        "no path takes route entry 1 (to 'offer') of choice 'story' of step 'review': its "
        "'when' never holds there, or an entry above it always decides",
        edit(ROUTES, "{min_score: 80, flags: [measured]}", "{min_score: 80, flags: [guessed]}"),
    ),
    "variant no path shows": Rule(
        ROUTES,
        "- when: {flags: [guessed, measured]}",
        "no path shows variant 2 of step 'findings': its 'when' never holds when a run "
        "arrives there, or a variant above it always does",
        edit(ROUTES, "when: {flags: [guessed]}", "when: {flags: [guessed, measured]}"),
    ),
    "ending variant no path shows": Rule(
        ROUTES,
        "- when: {flags: [shared], min_score: 90}",
        "no path shows variant 1 of ending 'quiet': its 'when' never holds when a run "
        "arrives there, or a variant above it always does",
        edit(ROUTES, "when: {flags: [shared]}", "when: {flags: [shared], min_score: 90}"),
    ),
    "flag read but never set": Rule(
        ROUTES,
        "- when: {not_flags: [mesured]}",
        "flag 'mesured' is read here but no choice sets it: add it to a choice's 'sets', "
        "or correct its spelling",
        edit(ROUTES, "when: {not_flags: [measured]}", "when: {not_flags: [mesured]}"),
    ),
    "condition names an unknown key": Rule(
        ROUTES,
        "- when: {flag: [measured]}",
        "unknown key 'flag' in the condition of variant 1 of step 'findings'; did you mean "
        "'flags'?",
        edit(ROUTES, "when: {flags: [measured]}", "when: {flag: [measured]}"),
    ),
    "condition score is a percent": Rule(
        ROUTES,
        "min_score: 180",
        "'min_score' in the condition of route entry 1 of choice 1 of step 'review' must be a "
        "percent from 0 to 100, not the number 180",
        edit(ROUTES, "min_score: 80", "min_score: 180"),
    ),
    "route ends without when": Rule(
        ROUTES,
        "- when: {flags: [shared]}",
        "the last entry of the route of choice 1 of step 'review' has a 'when': remove it, so "
        "the route always leads somewhere when no other entry holds",
        edit(
            ROUTES,
            "          - to: quiet\n      - id: slides",
            "          - when: {flags: [shared]}\n            to: quiet\n      - id: slides",
        ),
        after="id: story",
    ),
    "route entry before the last has a when": Rule(
        ROUTES,
        "- to: dented  # first",
        "route entry 1 of choice 2 of step 'review' has no 'when', so the entries after it are "
        "never taken: give it a 'when', or make it the last entry",
        edit(
            ROUTES,
            "          - when: {max_score: 40}\n            to: dented",
            "          - to: dented  # first",
        ),
    ),
    "route target resolves": Rule(
        ROUTES,
        "to: ofer",
        "choice 'story' of step 'review' leads to 'ofer', which is neither a step nor an ending",
        edit(ROUTES, "to: offer", "to: ofer"),
    ),
    "choice rating": Rule(
        ROUTES,
        "rating: fine",
        "rating 'fine' of choice 1 of step 'findings' must be one of: good, partial, poor",
        edit(
            ROUTES,
            "rating: good\n        feedback: Sharing",
            "rating: fine\n        feedback: Sharing",
        ),
    ),
    "sets is a list of flags": Rule(
        ROUTES,
        "sets: measured",
        "'sets' in choice 1 of step 'brief' must be a non-empty list of flag names (use "
        "letters, digits, hyphens and underscores), not text 'measured'",
        edit(ROUTES, "sets: [measured]", "sets: measured"),
    ),
}
WARNING_RULES = {
    "best ending below the pass mark": Rule(
        ROUTES,
        "  dented:",
        "warning: ending 'dented' is rated best, yet a path below the pass mark reaches it "
        "(measure > hold > slides: 33%): route low scores elsewhere with min_score, or rate "
        "the ending lower",
        edit(
            ROUTES,
            "rating: poor\n    text: The launch slips",
            "rating: best\n    text: The launch slips",
        ),
    ),
    "first choice reaches a best ending": Rule(
        ROUTES,
        "start: brief",
        "warning: always taking the first choice reaches ending 'offer', rated best: move the "
        "best choice out of first place at some steps, or set shuffle: true",
        edit(ROUTES, "shuffle: true\n", ""),
    ),
    "longest choice reaches a best ending": Rule(
        SCENARIO,
        "start: kickoff",
        "warning: always taking the longest choice reaches ending 'success', rated best: make "
        "the best choices no longer than the others",
        edit(SCENARIO, "text: Ship on Friday", "text: Ship on Friday, as the team planned"),
    ),
}


@pytest.mark.parametrize("rule", STATE_RULES.values(), ids=STATE_RULES.keys())
def test_broken_state_names_the_problem(course_copy, rule):
    expected = course_copy.break_by(rule)
    assert expected in course_copy.problems()


@pytest.mark.parametrize("rule", WARNING_RULES.values(), ids=WARNING_RULES.keys())
def test_gameable_copy_warns_and_still_loads(course_copy, rule):
    expected = course_copy.break_by(rule)
    catalog, problems = check_content(course_copy.root)
    assert catalog is not None
    assert expected in [str(problem) for problem in problems]


def test_a_maximum_that_keeps_changing_is_an_error(course_copy):
    # With the maximum at 2, the first choice scores 50% and the bonus is shut; at 1,
    # it scores 100% and the bonus opens: the maximum never settles.
    course_copy.write(
        "quizzes/fixture-routes.yaml",
        "kind: scenario\ntitle: Wobble\nstart: a\nsteps:\n  a:\n    text: A.\n"
        "    choices:\n      - id: go\n        text: Go\n        points: 1\n        next:\n"
        "          - when: {min_score: 100}\n            to: bonus\n          - to: done\n"
        "  bonus:\n    text: B.\n    choices:\n      - id: take\n        text: Take\n"
        "        points: 1\n        next: done\n"
        "endings:\n  done:\n    title: Done\n    rating: good\n    text: Done.\n",
    )
    assert (
        "quizzes/fixture-routes.yaml:3: the scenario's maximum keeps changing: which paths exist "
        "depends on min_score or max_score conditions measured against that maximum; use flags "
        "there instead"
    ) in course_copy.problems()


def test_too_many_paths_warns_and_skips_the_path_checks(course_copy):
    # Thirteen steps of two choices that both go on: 2 ** 13 paths, over the cap.
    steps = "".join(
        f"  s{i}:\n    text: Step {i}.\n    choices:\n"
        f"      - {{id: a, text: A, points: 1, next: {f's{i + 1}' if i < 12 else 'done'}}}\n"
        f"      - {{id: b, text: B, next: {f's{i + 1}' if i < 12 else 'done'}}}\n"
        for i in range(13)
    )
    course_copy.write(
        "quizzes/fixture-routes.yaml",
        "kind: scenario\ntitle: Wide\nstart: s0\nshuffle: true\nsteps:\n"
        + steps
        + "endings:\n  done:\n    title: Done\n    rating: good\n    text: Done.\n",
    )
    catalog, problems = check_content(course_copy.root)
    assert catalog.scenarios["fixture-routes"].max_points == 13
    assert (
        f"quizzes/fixture-routes.yaml:5: warning: the scenario has more than {MAX_PATHS} paths, "
        "so its paths were not all checked: join branches back together or split it into two "
        "scenarios"
    ) in [str(problem) for problem in problems]


@pytest.mark.parametrize("rule", RULES.values(), ids=RULES.keys())
def test_broken_copy_names_the_problem(course_copy, rule):
    expected = course_copy.break_by(rule)
    assert expected in course_copy.problems()
