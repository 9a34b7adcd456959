"""Scenario runs: start, choose, finish; every choice stored as it is made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from course.content.model import Scenario
from course.progress.models import ScenarioChoice, ScenarioRun
from course.progress.quizzes import is_passing
from course.progress.records import Verb, record_event


class StaleChoice(Exception):
    """A choice that does not fit the run as it stands (Back button, second tab, tampering)."""


def runs_of(session: Session, user_id: int, slug: str) -> list[ScenarioRun]:
    """Return the learner's runs of a scenario, newest first, with their choices."""
    return list(
        session.scalars(
            select(ScenarioRun)
            .where(ScenarioRun.user_id == user_id, ScenarioRun.scenario_slug == slug)
            .order_by(ScenarioRun.number.desc())
            .options(selectinload(ScenarioRun.choices))
        )
    )


def unfinished_run(runs: list[ScenarioRun], scenario: Scenario) -> ScenarioRun | None:
    """Return the run the learner is in the middle of, if any.

    A run whose current step was since removed from the file cannot go on; it
    is kept as it stands and the learner starts a new one.
    """
    return next(
        (run for run in runs if not run.is_finished and run.current_step in scenario.steps),
        None,
    )


def start_run(
    session: Session, *, user_id: int, scenario: Scenario, number: int, now: datetime
) -> ScenarioRun:
    """Add a new run at the scenario's first step (``number`` collides on a double start)."""
    run = ScenarioRun(
        user_id=user_id,
        scenario_slug=scenario.slug,
        content_version=scenario.version,
        number=number,
        started_at=now,
        updated_at=now,
        current_step=scenario.start,
        points=0.0,
        max_points=scenario.max_points,
        pass_mark=scenario.pass_mark,
    )
    session.add(run)
    session.flush()
    return run


def choose(
    session: Session,
    *,
    run: ScenarioRun,
    scenario: Scenario,
    step_id: str,
    position: int,
    choice_id: str,
    now: datetime,
) -> ScenarioChoice:
    """Record a choice at the run's current step and move the run on.

    ``step_id`` and ``position`` are what the learner's form was made for; if
    the run has moved since, the choice is refused rather than applied elsewhere.
    """
    if run.is_finished:
        raise StaleChoice("This run has already ended.")
    if step_id != run.current_step or position != len(run.choices):
        raise StaleChoice("That step was already answered. Here is where you are now.")
    step = scenario.steps.get(step_id)
    if step is None:
        raise StaleChoice("This scenario has changed since you started it. Start again.")
    choice = next((c for c in step.choices if c.id == choice_id), None)
    if choice is None:
        raise StaleChoice("That choice is not part of this step.")
    made = ScenarioChoice(
        position=position,
        step_id=step_id,
        choice_id=choice.id,
        choice_text=choice.text,
        feedback_html=choice.feedback_html,
        points=choice.points,
        chosen_at=now,
    )
    run.choices.append(made)
    run.points += choice.points
    run.updated_at = now
    record_event(
        session,
        user_id=run.user_id,
        verb=Verb.CHOSE,
        kind="scenario",
        slug=scenario.slug,
        part=step_id,
        response=choice.id,
        at=now,
    )
    ending = scenario.endings.get(choice.next)
    if ending is None:
        run.current_step = choice.next
    else:
        _finish(session, run, scenario, ending, now)
    session.flush()
    return made


def _finish(session: Session, run: ScenarioRun, scenario: Scenario, ending, now) -> None:
    run.current_step = None
    run.ending_id = ending.id
    run.ending_title = ending.title
    run.ending_rating = ending.rating
    run.finished_at = now
    run.score = min(1.0, run.points / run.max_points) if run.max_points else 1.0
    run.is_passed = True if run.pass_mark is None else is_passing(run.score, run.pass_mark)
    record_event(
        session,
        user_id=run.user_id,
        verb=Verb.FINISHED,
        kind="scenario",
        slug=scenario.slug,
        part=ending.id,
        score=run.score,
        is_success=run.is_passed,
        is_completion=True,
        at=now,
    )
