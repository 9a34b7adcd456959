"""The answer tallies follow every submission and membership change, and agree with the facts."""

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from statistics import StatisticsError, correlation, fmean

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, text

from course.auth.models import Role
from course.content import get_catalog
from course.content.question_types.reflection import Reflection
from course.db import new_session
from course.manage.cohorts import (
    accept_invitation,
    invite_to_cohort,
    join_cohort,
    remove_member,
)
from course.manage.quiz_analysis import analyse_quiz
from course.manage.removals import put_back, remove_from_cohort, undoable
from course.membership import JOINED, CohortMember, CohortRemoval
from course.progress.answer_tallies import tally_differences
from course.progress.models import AnswerTally, AttemptTally, QuizAttempt
from course.progress.quizzes import submit_attempt
from tests.conftest import RIGHT, WRONG

LEARNERS = 5
START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
REFLECTION = Reflection(id="reflect", prompt_html="<p>What would you change?</p>", points=0)
REWORDED = "<p>Which role is built for learning?</p>"

# Per question of the fixture quiz: right, wrong, or (pick-many) one right option of two.
answer_choice = st.sampled_from(["right", "wrong", "half"])
submission = st.tuples(
    st.just("submit"),
    st.integers(0, LEARNERS - 1),
    st.fixed_dictionaries(
        {
            "pick-one": answer_choice,
            "pick-many": answer_choice,
            "is-accountable": answer_choice,
            "who-does-it": answer_choice,
            "reflect": st.sampled_from([None, "", "Ask the team first."]),
        }
    ),
    st.booleans(),  # answered the reworded first question (its other version)
    st.integers(0, 500),  # hours after START: submissions are not in time order
)
membership_change = st.tuples(
    st.sampled_from(["join", "invite", "accept", "remove", "undo"]),
    st.integers(0, LEARNERS - 1),
    st.integers(0, 1),  # which of the two cohorts
)
# Who is in each cohort at the start, then what happens.
starting_members = st.lists(
    st.tuples(st.just("join"), st.integers(0, LEARNERS - 1), st.integers(0, 1)), max_size=8
)
plan_strategy = st.tuples(
    starting_members, st.lists(st.one_of(submission, membership_change), min_size=1, max_size=24)
).map(lambda parts: parts[0] + parts[1])


def quiz_versions(catalog):
    """The fixture quiz with a free-text question and no limit, and its reworded copy."""
    fixture = catalog.quizzes["fixture-quiz"]
    quiz = replace(fixture, questions=(*fixture.questions, REFLECTION), max_attempts=None)
    first, *rest = quiz.questions
    reworded = replace(quiz, questions=(replace(first, prompt_html=REWORDED), *rest))
    assert reworded.questions[0].version != first.version
    return quiz, reworded


def answers_for(quiz, choices):
    answers = {}
    for question in quiz.questions:
        choice = choices[question.id]
        if question.id == "reflect":
            answers[question.id] = choice
        elif choice == "half" and question.id == "pick-many":
            answers[question.id] = frozenset({"checklist"})
        else:
            answers[question.id] = (RIGHT if choice == "right" else WRONG)[question.id]
    return answers


@pytest.fixture
def world(make_user, make_cohort):
    manager = make_user(role=Role.MANAGER)
    learners = [make_user() for _ in range(LEARNERS)]
    cohorts = [make_cohort(manager, name=name) for name in ("Spring", "Autumn")]
    return manager, learners, cohorts


def play(session, plan, quiz, reworded, learners, cohorts, manager):
    """Carry out the plan through the services, each step its own transaction."""
    numbers = defaultdict(int)
    for step in plan:
        kind = step[0]
        if kind == "submit":
            _, who, choices, is_reworded, hours = step
            learner = learners[who]
            numbers[learner.id] += 1
            taken = reworded if is_reworded else quiz
            at = START + timedelta(hours=hours)
            submit_attempt(
                session,
                user_id=learner.id,
                quiz=taken,
                number=numbers[learner.id],
                answers=answers_for(taken, choices),
                started_at=at - timedelta(minutes=5),
                now=at,
            )
        else:
            _, who, which = step
            user_id, cohort_id = learners[who].id, cohorts[which].id
            at = START + timedelta(days=30)
            if kind == "join":
                join_cohort(session, cohort_id=cohort_id, user_ids=[user_id], now=at)
            elif kind == "invite":
                invite_to_cohort(
                    session, cohort_id=cohort_id, user_ids=[user_id], invited_by=manager.id, now=at
                )
            elif kind == "accept":
                accept_invitation(session, cohort_id=cohort_id, user_id=user_id, now=at)
            elif kind == "remove":
                if (
                    remove_from_cohort(
                        session, cohort_id=cohort_id, user_id=user_id, removed_by=manager.id, now=at
                    )
                    is None
                ):
                    remove_member(session, cohort_id=cohort_id, user_id=user_id)
            else:
                removal = session.scalar(
                    select(CohortRemoval)
                    .where(CohortRemoval.cohort_id == cohort_id, CohortRemoval.user_id == user_id)
                    .order_by(CohortRemoval.id.desc())
                )
                if removal is not None and undoable(session, cohort_id, removal.id, at):
                    put_back(session, removal, now=at)
        session.commit()


def worked_out(session, quiz, cohort_id, *, first_only):
    """The figures the old page summed from the answers, worked out here one answer at a time."""
    members = select(CohortMember.user_id).where(CohortMember.cohort_id == cohort_id, JOINED)
    attempts = session.scalars(
        select(QuizAttempt).where(
            QuizAttempt.user_id.in_(members), QuizAttempt.quiz_slug == quiz.slug
        )
    ).all()
    if first_only:
        attempts = [attempt for attempt in attempts if attempt.number == 1]
    figures = {}
    for question in quiz.questions:
        by_version = defaultdict(list)
        for attempt in attempts:
            for answer in attempt.answers:
                if answer.question_id == question.id:
                    by_version[answer.question_version].append((answer, attempt))
        earlier = sorted(
            (
                min(attempt.submitted_at for _, attempt in pairs),
                len(pairs),
                _facility(pairs),
            )
            for version, pairs in by_version.items()
            if version != question.version
        )
        current = by_version.get(question.version, [])
        graded = [(answer, attempt) for answer, attempt in current if answer.max_points > 0]
        xs = [answer.points / answer.max_points for answer, _ in graded]
        ys = [attempt.points - answer.points for answer, attempt in graded]
        try:
            discrimination = correlation(xs, ys)
        except StatisticsError:  # fewer than two, or one side never varies
            discrimination = None
        figures[question.id] = {
            "responses": len(current),
            "facility": _facility(current),
            "discrimination": discrimination,
            "counts": question.summarise([answer.answer for answer, _ in current])
            if current
            else [],
            "earlier": earlier,
            "changed_on": min(attempt.submitted_at for _, attempt in current)
            if current and earlier
            else None,
        }
    learners = len({attempt.user_id for attempt in attempts})
    return len(attempts), learners, figures


def _facility(pairs):
    graded = [answer for answer, _ in pairs if answer.max_points > 0]
    return fmean(answer.points / answer.max_points for answer in graded) if graded else None


def assert_same_figures(analysis, expected):
    attempts, learners, figures = expected
    assert (analysis.attempts, analysis.learners) == (attempts, learners)
    for stats in analysis.questions:
        want = figures[stats.question.id]
        assert stats.responses == want["responses"]
        assert stats.facility == pytest.approx(want["facility"])
        assert stats.discrimination == pytest.approx(want["discrimination"], abs=1e-9)
        assert list(stats.counts) == want["counts"]
        assert [
            (each.first_answered, each.responses, pytest.approx(each.facility))
            for each in stats.earlier
        ] == want["earlier"]
        assert stats.changed_on == want["changed_on"]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=plan_strategy)
def test_tallies_follow_submissions_and_members_and_agree_with_the_facts(app, world, plan):
    manager, learners, cohorts = world
    with app.app_context():
        quiz, reworded = quiz_versions(get_catalog())
        with new_session(write=True) as session:
            for model in (QuizAttempt, CohortMember, CohortRemoval, AnswerTally, AttemptTally):
                session.execute(delete(model))
            session.commit()
            play(session, plan, quiz, reworded, learners, cohorts, manager)
        with new_session() as session:
            assert tally_differences(session.connection()) == []
            for cohort in cohorts:
                for first_only in (True, False):
                    analysis = analyse_quiz(session, quiz, cohort.id, first_only=first_only)
                    expected = worked_out(session, quiz, cohort.id, first_only=first_only)
                    assert_same_figures(analysis, expected)


def test_a_learner_who_answered_first_leaving_moves_the_first_answer_on(app, world):
    """The date a version was first answered follows who is still in the cohort."""
    manager, learners, cohorts = world
    early, late = learners[:2]
    spring = cohorts[0]
    with app.app_context():
        quiz, reworded = quiz_versions(get_catalog())
        choices = dict.fromkeys(("pick-one", "pick-many", "is-accountable", "who-does-it"), "right")
        plan = [
            ("join", 0, 0),
            ("join", 1, 0),
            ("submit", 0, {**choices, "reflect": None}, True, 10),
            ("submit", 1, {**choices, "reflect": None}, True, 20),
            ("submit", 1, {**choices, "reflect": None}, False, 30),
        ]
        with new_session(write=True) as session:
            play(session, plan, quiz, reworded, learners, cohorts, manager)
            before = analyse_quiz(session, quiz, spring.id, first_only=False)
            remove_from_cohort(
                session, cohort_id=spring.id, user_id=early.id, removed_by=manager.id, now=START
            )
            session.commit()
            after = analyse_quiz(session, quiz, spring.id, first_only=False)
            assert tally_differences(session.connection()) == []
    assert late.id != early.id
    assert [e.first_answered for e in before.questions[0].earlier] == [START + timedelta(hours=10)]
    assert [e.first_answered for e in after.questions[0].earlier] == [START + timedelta(hours=20)]
    assert (before.attempts, after.attempts) == (3, 2)


def test_db_check_reports_a_tampered_tally_and_repairs_it(app, runner, world, activity):
    _manager, learners, cohorts = world
    with app.app_context(), new_session(write=True) as session:
        join_cohort(session, cohort_id=cohorts[0].id, user_ids=[learners[0].id], now=START)
        session.commit()
    activity.quiz(learners[0], RIGHT)
    assert runner.invoke(args=["db", "check"]).exit_code == 0
    with app.app_context(), new_session(write=True) as session:
        session.execute(
            text("UPDATE answer_tally SET responses = responses + 1 WHERE question_id = 'pick-one'")
        )
        session.commit()
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 1
    assert f"answer_tally ({cohorts[0].id}, 'fixture-quiz', 'pick-one'" in result.output
    assert "1 answer tallies disagree with the facts" in result.output
    repaired = runner.invoke(args=["db", "check", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert "Recomputed every answer tally (1 rows differed)" in repaired.output
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert "Every answer tally agrees with the facts." in result.output


def test_submissions_at_once_all_count(app, world):
    """Learners of one cohort submitting together add to the same tallies without losing any."""
    from tests.test_concurrency import run_in_threads

    _manager, learners, cohorts = world
    with app.app_context(), new_session(write=True) as session:
        for cohort in cohorts:
            join_cohort(
                session, cohort_id=cohort.id, user_ids=[each.id for each in learners], now=START
            )
        session.commit()

    def submit(index):
        with app.app_context(), new_session(write=True) as session:
            quiz, _ = quiz_versions(get_catalog())
            choices = dict.fromkeys(
                ("pick-one", "pick-many", "is-accountable", "who-does-it"),
                "right" if index % 2 else "wrong",
            )
            submit_attempt(
                session,
                user_id=learners[index].id,
                quiz=quiz,
                number=1,
                answers=answers_for(quiz, {**choices, "reflect": "Ask."}),
                started_at=START,
                now=START + timedelta(minutes=index),
            )
            session.commit()

    run_in_threads(submit, LEARNERS)
    with app.app_context(), new_session() as session:
        assert tally_differences(session.connection()) == []
        quiz, _ = quiz_versions(get_catalog())
        for cohort in cohorts:
            assert analyse_quiz(session, quiz, cohort.id).attempts == LEARNERS
