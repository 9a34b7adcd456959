"""Question analysis (facility, discrimination, picks) and scenario choice analysis."""

import math
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from flask import render_template
from sqlalchemy import update

from course.auth.models import Role
from course.content import get_catalog
from course.content.model import ObjectiveReference
from course.content.question_types.true_false import TrueFalse
from course.db import new_session
from course.manage.cohorts import member_ids
from course.manage.quiz_analysis import QuestionStats, QuizAnalysis, analyse_quiz, discrimination
from course.manage.scenario_analysis import analyse_scenario
from course.progress.answer_tallies import rebuild_answer_tallies
from course.progress.models import QuizAnswer
from tests.conftest import FIXTURE_COURSE, RIGHT, WRONG, Activity


def pearson(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
    sy = math.sqrt(sum((y - my) ** 2 for y in ys))
    return cov / (sx * sy)


def answers_for(i: int) -> dict:
    """Learner i's answers: a pattern whose figures are easy to work out by hand."""
    return {
        "pick-one": RIGHT["pick-one"] if i < 8 else WRONG["pick-one"],  # 8 of 12 right
        "pick-many": RIGHT["pick-many"] if i < 3 else WRONG["pick-many"],  # the most missed
        "is-accountable": RIGHT["is-accountable"],  # everyone right: no discrimination
        "who-does-it": RIGHT["who-does-it"] if i % 2 else WRONG["who-does-it"],
    }


# Points per question: pick-one 1, pick-many 2, is-accountable 1, who-does-it 2.
def scores_for(i: int) -> dict:
    return {
        "pick-one": 1.0 if i < 8 else 0.0,
        "pick-many": 2.0 if i < 3 else 0.0,
        "is-accountable": 1.0,
        "who-does-it": 2.0 if i % 2 else 0.0,
    }


@pytest.fixture
def manager(make_user, enter_as):
    user = make_user(role=Role.MANAGER)
    enter_as(user)
    return user


@pytest.fixture
def quiz_cohort(manager, make_cohort, make_user, activity):
    learners = [make_user(name=f"Learner {i:02d}") for i in range(12)]
    for i, learner in enumerate(learners):
        activity.quiz(learner, answers_for(i))
    # A second attempt by the first learner: counted only when all attempts are asked for.
    activity.quiz(learners[0], WRONG, number=2)
    outsider = make_user()
    activity.quiz(outsider, WRONG)  # not in the cohort: never counted
    return make_cohort(manager, members=learners)


def test_facility_and_discrimination_as_moodle_computes_them(app, quiz_cohort):
    with app.app_context(), new_session() as session:
        quiz = get_catalog().quizzes["fixture-quiz"]
        analysis = analyse_quiz(session, quiz, quiz_cohort.id)
    assert (analysis.attempts, analysis.learners) == (12, 12)
    stats = {q.question.id: q for q in analysis.questions}
    scores = [scores_for(i) for i in range(12)]
    totals = [sum(s.values()) for s in scores]
    for question_id, points in (("pick-one", 1), ("pick-many", 2), ("who-does-it", 2)):
        mine = [s[question_id] for s in scores]
        rest = [total - own for total, own in zip(totals, mine, strict=True)]
        assert stats[question_id].responses == 12
        assert stats[question_id].facility == pytest.approx(sum(mine) / (12 * points))
        assert stats[question_id].discrimination == pytest.approx(pearson(mine, rest))
    assert stats["is-accountable"].facility == 1.0
    assert stats["is-accountable"].discrimination is None
    assert analysis.most_missed.question.id == "pick-many"
    picks = {count.label: count.count for count in stats["pick-one"].counts}
    assert picks == {"The intern": 8, "The coordinator": 4}


def test_all_attempts_switch_counts_retries(app, quiz_cohort):
    with app.app_context(), new_session() as session:
        quiz = get_catalog().quizzes["fixture-quiz"]
        analysis = analyse_quiz(session, quiz, quiz_cohort.id, first_only=False)
    assert (analysis.attempts, analysis.learners) == (13, 12)


def test_page_highlights_the_most_missed_question_and_flags_weak_ones(client, quiz_cohort):
    page = client.get(f"/manage/cohorts/{quiz_cohort.id}/quizzes/fixture-quiz").text
    assert 'Most missed:</strong> <a href="#question-2">Question 2</a>, facility 25%.' in page
    assert "12 attempts by 12 learners (first attempts only)" in page
    assert "Review this question" in page
    assert "Not enough data yet" not in page
    all_attempts = client.get(
        f"/manage/cohorts/{quiz_cohort.id}/quizzes/fixture-quiz?attempts=all"
    ).text
    assert "13 attempts by 12 learners." in all_attempts


def test_the_summary_names_each_question_by_its_prompt_and_type(client, quiz_cohort):
    page = client.get(f"/manage/cohorts/{quiz_cohort.id}/quizzes/fixture-quiz").text
    table = page.split("</table>")[0]
    # The prompt as plain text: its Markdown emphasis is not carried into the table.
    assert '<span class="question-text">Which role is a learning opportunity?</span>' in table
    assert "<td>One answer</td>" in table
    assert "<td>Several answers</td>" in table
    assert "<td>True or false</td>" in table
    assert "<td>Classify</td>" in table
    assert "Objective" not in table  # no question of the fixture quiz names one


def test_a_question_objective_is_shown_and_a_long_prompt_shortened(app):
    long_prompt = "<p>" + " ".join(["word"] * 60) + " <em>end</em></p>"
    questions = (
        TrueFalse(
            id="a",
            prompt_html=long_prompt,
            points=1.0,
            answer=True,
            objective=ObjectiveReference("roles", "tell-apart"),
        ),
        TrueFalse(
            id="b", prompt_html="<p>Short <strong>one</strong>?</p>", points=1.0, answer=True
        ),
    )
    analysis = QuizAnalysis(
        quiz=SimpleNamespace(title="Made up", slug="made-up", questions=questions),
        is_first_only=True,
        attempts=0,
        learners=0,
        questions=tuple(
            QuestionStats(n, q, 0, None, None, ()) for n, q in enumerate(questions, start=1)
        ),
    )
    assert analysis.has_objectives
    with app.test_request_context():
        page = render_template(
            "manage/quiz.html",
            cohort=SimpleNamespace(id=1, name="Spring hires"),
            analysis=analysis,
            min_responses=10,
        )
    table = page.split("</table>")[0]
    assert '<th scope="col">Objective</th>' in table
    assert "<td>roles#tell-apart</td>" in table
    assert "<td>—</td>" in table  # the question without one
    assert '<span class="question-text">Short one?</span>' in table
    shortened = analysis.questions[0].prompt
    assert len(shortened) <= 90
    assert shortened.endswith(" …")
    assert "end" not in shortened


def test_below_ten_responses_there_is_not_enough_data(
    client, manager, make_cohort, make_user, activity
):
    learners = [make_user() for _ in range(9)]
    for i, learner in enumerate(learners):
        activity.quiz(learner, answers_for(i))
    cohort = make_cohort(manager, members=learners)
    page = client.get(f"/manage/cohorts/{cohort.id}/quizzes/fixture-quiz").text
    assert page.count("Not enough data yet") == 8  # in the table and per question, 4 each
    assert "facility</li>" not in page
    assert "Most missed" not in page
    assert "<td>9</td>" in page  # the response counts are still shown


def test_discrimination_is_undefined_without_variation():
    assert discrimination([1.0, 1.0, 1.0], [0.0, 2.0, 3.0]) is None
    assert discrimination([1.0], [2.0]) is None
    assert discrimination([0.0, 1.0, 1.0, 0.0], [1.0, 3.0, 2.0, 1.0]) == pytest.approx(
        pearson([0.0, 1.0, 1.0, 0.0], [1.0, 3.0, 2.0, 1.0])
    )


BEFORE_EDIT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
AFTER_EDIT = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


@pytest.fixture
def edited_app(make_app, tmp_path):
    """An app on the same database whose fixture quiz has question 1's prompt reworded."""
    content = tmp_path / "edited-course"
    shutil.copytree(FIXTURE_COURSE, content)
    quiz_file = content / "quizzes" / "fixture-quiz.yaml"
    text = quiz_file.read_text(encoding="utf-8")
    reworded = text.replace(
        "Which role is a **learning** opportunity?", "Which role is built for learning?"
    )
    assert reworded != text
    quiz_file.write_text(reworded, encoding="utf-8")
    return make_app(CONTENT_DIR=str(content))


@pytest.fixture
def edited_cohort(manager, make_cohort, make_user, activity, edited_app):
    """12 learners answer before question 1 is reworded (8 right), 10 after (all right)."""
    before = [make_user() for _ in range(12)]
    for i, learner in enumerate(before):
        activity.quiz(learner, answers_for(i), at=BEFORE_EDIT)
    after = [make_user() for _ in range(10)]
    for learner in after:
        Activity(edited_app).quiz(learner, RIGHT, at=AFTER_EDIT)
    return make_cohort(manager, members=before + after)


def test_an_edited_question_is_counted_per_version(edited_app, edited_cohort):
    with edited_app.app_context(), new_session() as session:
        quiz = get_catalog().quizzes["fixture-quiz"]
        analysis = analyse_quiz(session, quiz, edited_cohort.id)
    stats = {q.question.id: q for q in analysis.questions}
    edited = stats["pick-one"]
    # The current version's figures only: the 10 answers since the change, all right.
    assert (edited.responses, edited.facility) == (10, 1.0)
    assert edited.changed_on == AFTER_EDIT
    [earlier] = edited.earlier
    assert (earlier.responses, earlier.facility) == (12, pytest.approx(8 / 12))
    assert earlier.first_answered == BEFORE_EDIT
    # The questions left alone keep one version over all 22 attempts.
    for question_id in ("pick-many", "is-accountable", "who-does-it"):
        assert stats[question_id].responses == 22
        assert stats[question_id].earlier == ()
        assert stats[question_id].changed_on is None


def test_the_page_shows_earlier_versions_with_the_date_of_the_change(
    edited_app, edited_cohort, manager, enter_as
):
    browser = enter_as(manager, on=edited_app.test_client())
    page = browser.get(f"/manage/cohorts/{edited_cohort.id}/quizzes/fixture-quiz").text
    assert page.count("<caption>Earlier versions</caption>") == 1
    question_1 = page.split('id="question-1"')[1].split('id="question-2"')[0]
    assert "This question changed on 9 Mar 2026" in question_1
    assert "<li><strong>10</strong> responses</li>" in question_1
    assert "<li><strong>100%</strong> facility</li>" in question_1
    assert '<th scope="row">First answered 2 Mar 2026</th>' in question_1
    assert "<td>12</td>" in question_1
    assert "<td>67%</td>" in question_1
    assert "Changed on 9 Mar 2026" in page.split("</table>")[0]  # the summary's note


def test_answers_from_before_versions_were_recorded_count_as_one_version(
    app, edited_app, edited_cohort
):
    with app.app_context(), new_session(write=True) as session:
        session.execute(update(QuizAnswer).values(question_version=None))
        # Facts rewritten behind the services' back: recount them as `course db check
        # --repair` would (the tallies of such answers were filled by their migration).
        rebuild_answer_tallies(session.connection())
        session.commit()
    with edited_app.app_context(), new_session() as session:
        quiz = get_catalog().quizzes["fixture-quiz"]
        analysis = analyse_quiz(session, quiz, edited_cohort.id)
    # Nothing tells the versions apart: all 22 answers count together, as before.
    assert all(stats.responses == 22 and not stats.earlier for stats in analysis.questions)


def test_a_question_version_follows_its_content_not_the_rest_of_the_file(app, edited_app):
    with app.app_context():
        original = get_catalog().quizzes["fixture-quiz"]
    with edited_app.app_context():
        edited = get_catalog().quizzes["fixture-quiz"]
    versions = {q.id: q.version for q in original.questions}
    assert original.version != edited.version  # the file's hash changed...
    for question in edited.questions:  # ...but only the reworded question's own version
        assert (question.version == versions[question.id]) == (question.id != "pick-one")
    assert all(len(question.version) == 12 for question in edited.questions)
    # What learners answer makes the version; the explanation and objective do not.
    question = edited.questions[0]
    assert replace(question, points=2.0).version != question.version
    assert replace(question, explanation_html="<p>Other.</p>").version == question.version


@pytest.fixture
def scenario_cohort(manager, make_cohort, make_user, activity):
    ana, ben, cai = (make_user(name=n) for n in ("Ana", "Ben", "Cai"))
    activity.scenario(ana, "careful", "ship")
    activity.scenario(ana, "rush", number=2)
    activity.scenario(ben, "careful", "wait", "recover")
    activity.scenario(cai, "ask")  # stands at the detour, unfinished
    return make_cohort(manager, members=[ana, ben, cai])


def test_scenario_analysis_counts_reach_choices_endings_and_stops(app, scenario_cohort):
    with app.app_context(), new_session() as session:
        scenario = get_catalog().scenarios["fixture-scenario"]
        analysis = analyse_scenario(session, scenario, member_ids(scenario_cohort.id))
    assert (analysis.runs, analysis.learners, analysis.unfinished) == (4, 3, 1)
    steps = {stats.step.id: stats for stats in analysis.steps}
    assert [stats.step.id for stats in analysis.steps] == ["kickoff", "checklist", "detour"]
    kickoff = {c.choice.id: (c.count, c.share) for c in steps["kickoff"].choices}
    assert kickoff == {"careful": (2, 0.5), "ask": (1, 0.25), "rush": (1, 0.25)}
    assert steps["kickoff"].learners == 3
    assert steps["checklist"].learners == 2
    assert (steps["detour"].learners, steps["detour"].stopped_here) == (2, 1)
    endings = {stats.ending.id: (stats.runs, stats.learners) for stats in analysis.endings}
    assert endings == {"success": (1, 1), "muddle": (1, 1), "stumble": (1, 1)}
    # Scores 100% (success), 75% (muddle: 3 of 4 points) and 0% (stumble), by band.
    bands = {stats.ending.id: stats.runs_by_band for stats in analysis.endings}
    assert bands == {"success": (0, 0, 0, 1), "muddle": (0, 0, 0, 1), "stumble": (1, 0, 0, 0)}
    # The best path's choice at each step, and the share of choices that took it.
    best = {s.step.id: (s.best.choice.id, s.best.share) for s in analysis.steps}
    assert best == {
        "kickoff": ("careful", 0.5),
        "checklist": ("ship", 0.5),
        "detour": ("recover", 1.0),  # Cai stands there undecided
    }


def test_best_choice_off_the_best_path_is_the_steps_most_points(
    app, manager, make_cohort, make_user, activity
):
    learner = make_user()
    activity.scenario(learner, "guess", "hold", "story", slug="fixture-routes")
    with app.app_context(), new_session() as session:
        scenario = get_catalog().scenarios["fixture-routes"]
        analysis = analyse_scenario(
            session, scenario, member_ids(make_cohort(manager, members=[learner]).id)
        )
    best = {s.step.id: (s.best.choice.id, s.best.count) for s in analysis.steps}
    assert best == {"brief": ("measure", 0), "findings": ("share", 0), "review": ("story", 1)}
    [dented] = [stats for stats in analysis.endings if stats.ending.id == "dented"]
    assert dented.runs_by_band == (0, 1, 0, 0)  # 2 of 6 points: 33%


def test_scenario_page_shows_shares_and_where_runs_stopped(client, scenario_cohort):
    page = client.get(f"/manage/cohorts/{scenario_cohort.id}/scenarios/fixture-scenario").text
    assert "4 runs by 3 learners; 1 unfinished." in page
    assert (
        '<th scope="row">Check the release checklist</th><td>Best</td><td>2 points</td><td>2</td>'
        "<td>50%</td>" in page
    )
    assert "Best choice here: <strong>Check the release checklist</strong>, chosen in 50%" in page
    assert '<th scope="col">75 to 100%</th>' in page
    assert "Where unfinished runs stand" in page
    assert "A smooth release" in page
