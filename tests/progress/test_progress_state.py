"""The one progress service: each kind of item, each status, and the course as a whole."""

from datetime import timedelta

import pytest

from course.content import get_catalog
from course.db import new_session, utcnow
from course.progress.lessons import complete_lesson, is_worth_recording, record_lesson_opened
from course.progress.quizzes import submit_attempt
from course.progress.scenarios import choose, runs_of, start_run
from course.progress.state import progress_for_learner, progress_for_learners
from course.progress.status import Status
from tests.conftest import RIGHT, WRONG


@pytest.fixture
def world(app, make_user):
    """A learner, a session to write records in, and the fixture catalog."""
    learner = make_user()
    with app.app_context():
        session = new_session(write=True)
        yield session, get_catalog(), learner.id
        session.close()


def state(world, kind, slug):
    session, catalog, user_id = world
    return progress_for_learner(session.connection(), catalog, user_id).state_of(kind, slug)


def attempt(world, answers, number):
    session, catalog, user_id = world
    submit_attempt(
        session,
        user_id=user_id,
        quiz=catalog.quizzes["fixture-quiz"],
        number=number,
        answers=answers,
        started_at=utcnow(),
        now=utcnow(),
    )
    session.commit()


def play(world, *choice_ids):
    session, catalog, user_id = world
    scenario = catalog.scenarios["fixture-scenario"]
    number = len(runs_of(session, user_id, scenario.slug)) + 1
    run = start_run(session, user_id=user_id, scenario=scenario, number=number, now=utcnow())
    for choice_id in choice_ids:
        choose(
            session,
            run=run,
            scenario=scenario,
            step_id=run.current_step,
            position=len(run.choices),
            choice_id=choice_id,
            now=utcnow(),
        )
    session.commit()
    return run


def test_everything_starts_not_started(world):
    session, catalog, user_id = world
    progress = progress_for_learner(session.connection(), catalog, user_id)
    assert {s.status for s in progress.items} == {Status.NOT_STARTED}
    assert progress.percent == 0
    assert progress.next_item.item.slug == "welcome"
    assert not progress.is_complete


def test_lesson_opened_then_completed(world):
    session, _catalog, user_id = world
    record_lesson_opened(session, user_id, "welcome", utcnow())
    session.commit()
    assert state(world, "lesson", "welcome").status == Status.IN_PROGRESS
    complete_lesson(session, user_id, "welcome", utcnow())
    session.commit()
    lesson = state(world, "lesson", "welcome")
    assert lesson.status == Status.COMPLETED
    assert lesson.is_done


def test_reopening_within_a_minute_is_not_worth_a_write():
    now = utcnow()
    assert is_worth_recording(None, now)
    assert not is_worth_recording(now - timedelta(seconds=30), now)
    assert is_worth_recording(now - timedelta(minutes=1), now)


def test_quiz_attempted_then_passed_keeps_best_score(world):
    attempt(world, WRONG, 1)
    quiz = state(world, "quiz", "fixture-quiz")
    assert quiz.status == Status.ATTEMPTED
    assert quiz.best_score == 0
    assert quiz.attempts_used == 1
    attempt(world, RIGHT, 2)
    attempt(world, WRONG, 3)
    quiz = state(world, "quiz", "fixture-quiz")
    assert quiz.status == Status.PASSED
    assert quiz.best_score == 1.0
    assert quiz.attempts_used == 3
    assert quiz.is_done


def test_quiz_out_of_attempts(world):
    for number in (1, 2, 3):
        attempt(world, WRONG, number)
    quiz = state(world, "quiz", "fixture-quiz")
    assert quiz.status == Status.OUT_OF_ATTEMPTS
    assert not quiz.is_done


def test_scenario_in_progress_then_finished_with_best_ending(world):
    play(world, "careful")
    scenario = state(world, "scenario", "fixture-scenario")
    assert scenario.status == Status.IN_PROGRESS
    play(world, "rush")  # a poor ending: 0 points, below the pass mark
    scenario = state(world, "scenario", "fixture-scenario")
    assert scenario.status == Status.IN_PROGRESS  # the first run is still open
    assert scenario.best_score == 0
    play(world, "careful", "ship")
    scenario = state(world, "scenario", "fixture-scenario")
    assert scenario.status == Status.FINISHED
    assert scenario.best_score == 1.0
    assert scenario.ending_title == "A smooth release"


def test_scenario_finished_below_pass_mark_is_not_done(world):
    play(world, "ask", "recover")  # 1 of 4 points
    scenario = state(world, "scenario", "fixture-scenario")
    assert scenario.status == Status.ATTEMPTED
    assert not scenario.is_done
    assert scenario.best_score == pytest.approx(0.25)


def test_course_complete_when_every_required_item_is_done(world):
    session, catalog, user_id = world
    for slug in ("welcome", "roles"):
        complete_lesson(session, user_id, slug, utcnow())
    session.commit()
    attempt(world, RIGHT, 1)
    progress = progress_for_learner(session.connection(), catalog, user_id)
    assert progress.percent == 75
    assert progress.next_item.item.slug == "fixture-scenario"
    play(world, "careful", "ship")
    progress = progress_for_learner(session.connection(), catalog, user_id)
    assert progress.is_complete
    assert progress.percent == 100
    assert progress.next_item is None
    assert progress.completed_at is not None
    # The optional lesson counts for nothing.
    assert progress.state_of("lesson", "wrap-up").status == Status.NOT_STARTED


def test_many_learners_in_one_call(world, make_user):
    session, catalog, user_id = world
    other = make_user()
    complete_lesson(session, user_id, "welcome", utcnow())
    session.commit()
    both = progress_for_learners(session.connection(), catalog, [user_id, other.id])
    assert both[user_id].required_done == 1
    assert both[other.id].required_done == 0


def test_each_learning_event_is_recorded_once(world):
    from sqlalchemy import select

    from course.progress.models import LearningRecord

    session, _catalog, user_id = world
    start = utcnow()
    for minutes in (0, 5):
        record_lesson_opened(session, user_id, "welcome", start + timedelta(minutes=minutes))
        session.commit()
    for _ in range(2):
        complete_lesson(session, user_id, "welcome", utcnow())
        session.commit()
    attempt(world, RIGHT, 1)
    play(world, "careful", "ship")
    records = session.execute(
        select(
            LearningRecord.verb,
            LearningRecord.object_slug,
            LearningRecord.score,
            LearningRecord.is_success,
        ).order_by(LearningRecord.id)
    ).all()
    assert [(verb, slug) for verb, slug, _score, _ok in records] == [
        ("opened", "welcome"),
        ("completed", "welcome"),
        ("attempted", "fixture-quiz"),
        ("passed", "fixture-quiz"),
        ("chose", "fixture-scenario"),
        ("chose", "fixture-scenario"),
        ("finished", "fixture-scenario"),
    ]
    assert records[-1].score == 1.0
    assert records[-1].is_success is True
