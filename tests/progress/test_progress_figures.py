"""A learner's progress, item by item and in figures, is what their records say.

Hypothesis writes random activity through the services; the test recomputes
every item's state from that activity in plain Python and compares, and checks
that the summary rows the services wrote are what recomputing them from the
facts gives.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from course.content import get_catalog
from course.db import new_session, utcnow
from course.progress.lessons import complete_lesson, record_lesson_opened
from course.progress.models import LearnerSummary
from course.progress.quizzes import submit_attempt
from course.progress.scenarios import choose, start_run
from course.progress.state import LearnerProgress, progress_for_learners
from course.progress.status import ItemState, Status
from course.progress.summaries import ensure_outline, summary_differences
from tests.conftest import RIGHT, WRONG

# Ways through the fixture scenario: unfinished, passed (4 of 4 points), finished
# below the pass mark (1 of 4) and the poor ending (0 of 4).
RUNS = {"open": ("careful",), "best": ("careful", "ship"), "late": ("ask", "recover")}
RUNS["poor"] = ("rush",)
MINUTES = st.integers(min_value=0, max_value=60 * 24 * 30)
# Each lesson (the optional one and one no longer in the outline too): opened or
# completed, in any order and at any times, so a reopening may predate the completion.
LESSON = st.lists(st.tuples(st.sampled_from(["open", "complete"]), MINUTES), max_size=2)
LEARNER = st.fixed_dictionaries(
    {
        "lessons": st.fixed_dictionaries(
            {slug: LESSON for slug in ("welcome", "roles", "wrap-up", "retired-lesson")}
        ),
        "quiz": st.lists(st.tuples(st.booleans(), MINUTES), max_size=3),
        "runs": st.lists(st.tuples(st.sampled_from(sorted(RUNS)), MINUTES), max_size=3),
    }
)


def record(session, catalog, user_id: int, activity: dict, start) -> None:
    """Write the learner's activity through the progress services, ``start`` its first minute."""
    for slug, events in activity["lessons"].items():
        for event, minute in events:
            at = start + timedelta(minutes=minute)
            if event == "open":
                record_lesson_opened(session, user_id, slug, at)
            else:
                complete_lesson(session, user_id, slug, at)
    for number, (is_right, minute) in enumerate(activity["quiz"], start=1):
        at = start + timedelta(minutes=minute)
        submit_attempt(
            session,
            user_id=user_id,
            quiz=catalog.quizzes["fixture-quiz"],
            number=number,
            answers=RIGHT if is_right else WRONG,
            started_at=at,
            now=at,
        )
    scenario = catalog.scenarios["fixture-scenario"]
    for number, (way, minute) in enumerate(activity["runs"], start=1):
        at = start + timedelta(minutes=minute)
        run = start_run(session, user_id=user_id, scenario=scenario, number=number, now=at)
        for choice_id in RUNS[way]:
            step_id, position = run.current_step, len(run.choices)
            choose(
                session,
                run=run,
                scenario=scenario,
                step_id=step_id,
                position=position,
                choice_id=choice_id,
                now=at,
            )
    session.commit()


# What each way through the scenario scores, and where it ends (None: not ended).
ENDS = {"open": None, "best": (1.0, "A smooth release"), "late": (0.25, "A late release")}
ENDS["poor"] = (0.0, "A broken release")


def expected_lesson(item, events, start) -> ItemState:
    """Replay the lesson's openings and completions as the services write them."""
    if not events:
        return ItemState(item, Status.NOT_STARTED, False)
    completed_at = next((start + timedelta(minutes=m) for e, m in events if e == "complete"), None)
    last_opened_at = start + timedelta(minutes=events[-1][1])  # each event writes its time
    if completed_at is None:
        return ItemState(item, Status.IN_PROGRESS, False, last_activity_at=last_opened_at)
    last_at = max(completed_at, last_opened_at)
    return ItemState(item, Status.COMPLETED, True, last_activity_at=last_at, done_at=completed_at)


def expected_quiz(item, attempts, start) -> ItemState:
    if not attempts:
        return ItemState(item, Status.NOT_STARTED, False, max_attempts=3)
    passed = [start + timedelta(minutes=m) for is_right, m in attempts if is_right]
    if passed:
        status = Status.PASSED
    else:
        status = Status.OUT_OF_ATTEMPTS if len(attempts) >= 3 else Status.ATTEMPTED
    return ItemState(
        item,
        status,
        bool(passed),
        best_score=1.0 if passed else 0.0,
        attempts_used=len(attempts),
        max_attempts=3,
        last_activity_at=start + timedelta(minutes=max(m for _r, m in attempts)),
        done_at=min(passed, default=None),
    )


def expected_scenario(item, runs, start) -> ItemState:
    if not runs:
        return ItemState(item, Status.NOT_STARTED, False)
    ended = [ENDS[way] for way, _m in runs if ENDS[way] is not None]
    best = max(ended, default=(None, None))  # the best score; its ending's title
    passed = [start + timedelta(minutes=m) for way, m in runs if way == "best"]
    if passed:
        status = Status.FINISHED
    elif len(ended) < len(runs):
        status = Status.IN_PROGRESS
    else:
        status = Status.ATTEMPTED
    return ItemState(
        item,
        status,
        bool(passed),
        best_score=best[0],
        attempts_used=len(runs),
        last_activity_at=start + timedelta(minutes=max(m for _w, m in runs)),
        done_at=min(passed, default=None),
        ending_title=best[1],
    )


def expected_states(catalog, activity, start) -> list[ItemState]:
    """Recompute every outline item's state from what the learner did, in plain Python."""
    states = []
    for item in catalog.items:
        if item.kind == "lesson":
            states.append(expected_lesson(item, activity["lessons"][item.slug], start))
        elif item.kind == "quiz":
            states.append(expected_quiz(item, activity["quiz"], start))
        elif item.slug == "fixture-scenario":
            states.append(expected_scenario(item, activity["runs"], start))
        else:  # the fixture's other scenarios are never played here
            states.append(expected_scenario(item, [], start))
    return states


def assert_progress_is(progress: LearnerProgress, states: list[ItemState], sequential: bool):
    """Check the item states and each figure against the recomputed states."""
    required = [state for state in states if state.item.required]
    done = [state for state in required if state.is_done]
    first = next((s.item.index for s in required if not s.is_done), len(states))
    if sequential:
        states = [state._replace(is_locked=state.item.index > first) for state in states]
    assert progress.items == tuple(states)
    assert progress.required_done == len(done)
    assert progress.required_total == len(required)
    is_complete = len(done) == len(required)
    assert progress.is_complete == is_complete
    assert progress.completed_at == (max(s.done_at for s in done) if is_complete else None)
    activity = [state.last_activity_at for state in states if state.last_activity_at]
    assert progress.last_activity_at == max(activity, default=None)
    assert progress.is_started == any(state.is_started for state in states)
    assert progress.out_of_attempts == tuple(
        state.item for state in required if state.status == Status.OUT_OF_ATTEMPTS
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(learners=st.lists(LEARNER, min_size=1, max_size=3))
def test_progress_is_what_the_records_say(app, make_user, learners):
    user_ids = [make_user().id for _ in learners]
    start = utcnow() - timedelta(days=60)
    with app.app_context(), new_session(write=True) as session:
        catalog = get_catalog()
        ensure_outline(session.connection(), catalog)
        session.commit()
        for user_id, activity in zip(user_ids, learners, strict=True):
            record(session, catalog, user_id, activity, start)
        # What the services wrote with the facts is what recomputing from the facts gives.
        assert summary_differences(session.connection()) == []
        course_rows = {row.user_id: row for row in session.scalars(select(LearnerSummary))}
        # A sequential course locks what follows the first unfinished required item.
        sequential = dataclasses.replace(
            catalog, course=dataclasses.replace(catalog.course, sequential=True)
        )
        for course, is_sequential in ((catalog, False), (sequential, True)):
            everyone = progress_for_learners(session.connection(), course, user_ids)
            for user_id, activity in zip(user_ids, learners, strict=True):
                expected = expected_states(catalog, activity, start)
                assert_progress_is(everyone[user_id], expected, is_sequential)
                alone = progress_for_learners(session.connection(), course, [user_id])[user_id]
                assert alone == everyone[user_id]
                assert_course_row_is(course_rows.get(user_id), alone)


def assert_course_row_is(row: LearnerSummary | None, progress: LearnerProgress) -> None:
    """Check the learner's course summary row against their progress read item by item."""
    if row is None:  # no row: the learner has done nothing, and reports read them so
        assert progress.required_done == 0
        assert not progress.is_started
        return
    assert row.required_done == progress.required_done
    assert row.percent == progress.percent
    assert row.completed_at == progress.completed_at
    assert row.last_activity_at == progress.last_activity_at
    assert row.out_of_attempts == len(progress.out_of_attempts)


def test_a_lesson_reopened_with_an_earlier_clock_keeps_its_completion_as_last_activity(
    app, make_user
):
    user_id = make_user().id
    completed_at = utcnow()
    with app.app_context(), new_session(write=True) as session:
        catalog = get_catalog()
        complete_lesson(session, user_id, "welcome", completed_at)
        reopened_at = completed_at - timedelta(minutes=5)  # another server's clock
        record_lesson_opened(session, user_id, "welcome", reopened_at)
        complete_lesson(session, user_id, "roles", completed_at)
        reopened_at = completed_at + timedelta(minutes=5)
        record_lesson_opened(session, user_id, "roles", reopened_at)
        session.commit()
        progress = progress_for_learners(session.connection(), catalog, [user_id])[user_id]
    assert progress.state_of("lesson", "welcome").last_activity_at == completed_at
    roles = progress.state_of("lesson", "roles")
    assert roles.last_activity_at == reopened_at
    assert roles.done_at == completed_at
