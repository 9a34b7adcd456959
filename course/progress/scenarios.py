"""Scenario runs: start, choose, finish; every choice stored as it is made.

A run's state is its points and flags. The points are kept on the run; the
flags are what its choices set, recomputed from the choices whenever needed.
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from course.content.model import Choice, Scenario, Step
from course.progress.completions import Completion, tell_completed
from course.progress.models import ScenarioChoice, ScenarioRun
from course.progress.quizzes import is_passing
from course.progress.records import Verb, record_event
from course.progress.summaries import record_item


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
    session: Session,
    *,
    user_id: int,
    scenario: Scenario,
    number: int,
    now: datetime,
    rng: random.Random | None = None,
) -> ScenarioRun:
    """Add a new run at the scenario's first step (``number`` collides on a double start).

    With ``shuffle``, every step's choice order is drawn now and kept on the run.
    """
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
        choice_order=_draw_choice_order(scenario, rng or random.SystemRandom())
        if scenario.shuffle
        else None,
    )
    session.add(run)
    session.flush()
    record_item(session, user_id, "scenario", scenario.slug)
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
    choice = step.choice(choice_id)
    if choice is None:
        raise StaleChoice("That choice is not part of this step.")
    flags = run_flags(run, scenario) | choice.sets
    made = ScenarioChoice(
        position=position,
        step_id=step_id,
        choice_id=choice.id,
        choice_text=choice.text,
        feedback_html=choice.feedback_html,
        points=choice.points,
        rating=choice.rating,
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
    # The route reads the run's state with this choice counted in.
    next_id = choice.next_for(flags, scenario.score_percent(run.points))
    ending = scenario.endings.get(next_id)
    if ending is None:
        run.current_step = next_id
    else:
        _finish(session, run, scenario, ending, now)
    session.flush()
    record_item(session, run.user_id, "scenario", scenario.slug)
    if ending is not None:
        # Told after the summary holds the ending: listeners read the learner's progress.
        tell_completed(
            session, Completion(user_id=run.user_id, kind="scenario", slug=scenario.slug, at=now)
        )
    return made


def run_flags(run: ScenarioRun, scenario: Scenario) -> frozenset[str]:
    """Return the flags the run's choices so far have set."""
    flags: set[str] = set()
    for made in run.choices:
        step = scenario.steps.get(made.step_id)
        choice = step.choice(made.choice_id) if step is not None else None
        if choice is not None:
            flags |= choice.sets
    return frozenset(flags)


def choices_in_run_order(run: ScenarioRun, step: Step) -> list[Choice]:
    """Return the step's choices in the order this run shows them.

    A choice added to the file after the order was drawn comes last; one
    removed since is left out.
    """
    drawn = (run.choice_order or {}).get(step.id, [])
    rank = {choice_id: index for index, choice_id in enumerate(drawn)}
    return sorted(step.choices, key=lambda choice: rank.get(choice.id, len(rank)))


def _draw_choice_order(scenario: Scenario, rng: random.Random) -> dict[str, list[str]]:
    order = {}
    for step in scenario.steps.values():
        ids = [choice.id for choice in step.choices]
        rng.shuffle(ids)
        order[step.id] = ids
    return order


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
