"""A learner's figures are read from their facts without the item states: they must agree."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course.content import get_catalog
from course.db import new_session, utcnow
from course.progress import item_kinds
from course.progress.lessons import complete_lesson, record_lesson_opened
from course.progress.quizzes import submit_attempt
from course.progress.scenarios import choose, start_run
from course.progress.state import LearnerProgress, OutlineReader, progress_for_learners
from course.progress.status import Status
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


def record(session, catalog, user_id: int, activity: dict) -> None:
    """Write the learner's activity through the progress services."""
    start = utcnow() - timedelta(days=60)
    for slug, events in activity["lessons"].items():
        for event, minute in events:
            at = start + timedelta(minutes=minute)
            if event == "open":
                record_lesson_opened(session, user_id, slug, at, last_activity_at=None)
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


def assert_figures_agree_with_items(progress: LearnerProgress) -> None:
    """Check each figure against the item states, read as a whole and one by one."""
    states = tuple(progress.items)
    assert tuple(progress.items[index] for index in range(len(states))) == states
    assert progress.items[1:3] == states[1:3]
    required = [state for state in states if state.item.required]
    done = [state for state in required if state.is_done]
    assert progress.required_done == len(done)
    assert progress.required_total == len(required)
    is_complete = len(done) == len(required)
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
def test_figures_say_what_the_item_states_say(app, make_user, learners):
    user_ids = [make_user().id for _ in learners]
    with app.app_context(), new_session(write=True) as session:
        catalog = get_catalog()
        for user_id, activity in zip(user_ids, learners, strict=True):
            record(session, catalog, user_id, activity)
        everyone = progress_for_learners(session, catalog, user_ids)
        for user_id in user_ids:
            assert_figures_agree_with_items(everyone[user_id])
        # A sequential course locks what follows the first unfinished required item.
        sequential = dataclasses.replace(
            catalog, course=dataclasses.replace(catalog.course, sequential=True)
        )
        outline = OutlineReader.of(sequential)
        facts = item_kinds.fetch_facts(session, user_ids)
        for user_id in user_ids:
            progress = outline.progress(facts.get(user_id, {}))
            assert_figures_agree_with_items(progress)
            states = tuple(progress.items)
            unlocked = tuple(state._replace(is_locked=False) for state in states)
            assert unlocked == tuple(everyone[user_id].items)
            first = next(
                (i for i, s in enumerate(states) if s.item.required and not s.is_done), len(states)
            )
            assert [state.is_locked for state in states] == [i > first for i in range(len(states))]


def test_a_lesson_reopened_with_an_earlier_clock_keeps_its_completion_as_last_activity(
    app, make_user
):
    user_id = make_user().id
    completed_at = utcnow()
    with app.app_context(), new_session(write=True) as session:
        catalog = get_catalog()
        complete_lesson(session, user_id, "welcome", completed_at)
        reopened_at = completed_at - timedelta(minutes=5)  # another server's clock
        record_lesson_opened(session, user_id, "welcome", reopened_at, last_activity_at=None)
        complete_lesson(session, user_id, "roles", completed_at)
        reopened_at = completed_at + timedelta(minutes=5)
        record_lesson_opened(session, user_id, "roles", reopened_at, last_activity_at=None)
        session.commit()
        progress = progress_for_learners(session, catalog, [user_id])[user_id]
    assert progress.state_of("lesson", "welcome").last_activity_at == completed_at
    roles = progress.state_of("lesson", "roles")
    assert roles.last_activity_at == reopened_at
    assert roles.done_at == completed_at
