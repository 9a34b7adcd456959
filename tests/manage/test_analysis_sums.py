"""The analysis figures the database sums up equal those worked out answer by answer."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from statistics import StatisticsError, correlation, fmean

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from course.auth.models import Role
from course.content import get_catalog
from course.content.question_types.reflection import Reflection
from course.db import new_session
from course.manage.quiz_analysis import analyse_quiz
from course.progress.answer_tallies import rebuild_answer_tallies
from course.progress.models import QuizAnswer, QuizAttempt
from course.progress.reviews import stored_review_ids
from tests.conftest import RIGHT, WRONG

LEARNERS = 14
REFLECTION = Reflection(id="reflect", prompt_html="<p>What would you change?</p>", points=0)
START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)

# One answer to a question: whether the stored answer is the right one, and the points
# it earned as a share of the question's (partial credit makes them differ).
answer_strategy = st.tuples(st.booleans(), st.sampled_from([0.0, 0.25, 0.5, 1.0]))
attempt_strategy = st.fixed_dictionaries(
    {
        "pick-one": answer_strategy,
        "pick-many": answer_strategy,
        "is-accountable": answer_strategy,
        "who-does-it": answer_strategy,
        "reflect": st.sampled_from([None, "", "Ask the team first.", "Ship smaller."]),
    }
)
# Per learner: none, one or two attempts.
cohort_strategy = st.lists(
    st.lists(attempt_strategy, max_size=2), min_size=LEARNERS, max_size=LEARNERS
)


@pytest.fixture
def cohort(make_user, make_cohort):
    manager = make_user(role=Role.MANAGER)
    learners = [make_user() for _ in range(LEARNERS)]
    return make_cohort(manager, members=learners), learners


def expected_figures(quiz, attempts):
    """Work out each question's figures from the attempts, one answer at a time."""
    expected = {}
    for question in quiz.questions:
        answers = [attempt[question.id] for attempt in attempts]
        if question.points:
            scores = [answer["points"] for answer in answers]
            rests = [
                attempt["total"] - answer["points"]
                for attempt, answer in zip(attempts, answers, strict=True)
            ]
            facility = fmean(s / question.points for s in scores) if scores else None
            try:
                discrimination = correlation(scores, rests)
            except StatisticsError:  # fewer than two, or one side never varies
                discrimination = None
        else:
            facility = discrimination = None
        # A question nobody answered lists no picks at all.
        counts = question.summarise([a["answer"] for a in answers]) if answers else []
        expected[question.id] = (len(answers), facility, discrimination, counts)
    return expected


def stored_answer(question, is_right, given):
    if question.id == "reflect":
        return given
    return question.answer_to_json((RIGHT if is_right else WRONG)[question.id])


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=cohort_strategy)
def test_summed_figures_equal_those_worked_out_answer_by_answer(app, cohort, plan):
    group, learners = cohort
    with app.app_context():
        fixture = get_catalog().quizzes["fixture-quiz"]
        quiz = replace(fixture, questions=(*fixture.questions, REFLECTION))
        first_attempts = []
        with new_session(write=True) as session:
            session.execute(delete(QuizAttempt))
            (no_review,) = stored_review_ids(session, [{}])
            for learner, attempts in zip(learners, plan, strict=True):
                for number, drawn in enumerate(attempts, start=1):
                    answers = {}
                    for position, question in enumerate(quiz.questions):
                        if question.id == "reflect":
                            given, points = drawn["reflect"], 0.0
                            answer = stored_answer(question, False, given)
                        else:
                            is_right, share = drawn[question.id]
                            answer = stored_answer(question, is_right, None)
                            points = share * question.points
                        answers[question.id] = {
                            "position": position,
                            "question_id": question.id,
                            "question_type": question.type,
                            "question_version": question.version,
                            "answer": answer,
                            "points": points,
                            "max_points": question.points,
                            "is_correct": points == question.points,
                            "review_id": no_review,
                        }
                    total = sum(answer["points"] for answer in answers.values())
                    at = START + timedelta(hours=number)
                    session.add(
                        QuizAttempt(
                            user_id=learner.id,
                            quiz_slug=quiz.slug,
                            content_version=quiz.version,
                            number=number,
                            started_at=at - timedelta(minutes=5),
                            submitted_at=at,
                            points=total,
                            max_points=quiz.total_points,
                            score=total / quiz.total_points,
                            pass_mark=quiz.pass_mark,
                            is_passed=False,
                            answers=[QuizAnswer(**answer) for answer in answers.values()],
                        )
                    )
                    if number == 1:
                        first_attempts.append({**answers, "total": total})
            session.flush()
            # Attempts written straight to the tables, not by the service that tallies them.
            rebuild_answer_tallies(session.connection())
            session.commit()
        with new_session() as session:
            analysis = analyse_quiz(session, quiz, group.id)
    expected = expected_figures(quiz, first_attempts)
    assert analysis.attempts == len(first_attempts)
    for stats in analysis.questions:
        responses, facility, discrimination, counts = expected[stats.question.id]
        assert stats.responses == responses
        assert stats.facility == pytest.approx(facility)
        assert stats.discrimination == pytest.approx(discrimination)
        assert list(stats.counts) == counts
