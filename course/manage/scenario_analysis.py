"""Choice analysis of a cohort's scenario runs: who reached each step, what they chose, endings."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from sqlalchemy import Select, case, func, literal_column, select, union
from sqlalchemy.orm import Session

from course.content.model import Choice, Ending, Scenario, Step
from course.progress.models import ScenarioChoice, ScenarioRun


@dataclass(frozen=True)
class ChoiceStats:
    choice: Choice
    count: int
    share: float | None  # of the choices made at the step


# Finished runs' scores, grouped for the endings table: (label, lowest score in it).
SCORE_BANDS = (("0 to 24%", 0.0), ("25 to 49%", 0.25), ("50 to 74%", 0.5), ("75 to 100%", 0.75))


@dataclass(frozen=True)
class StepStats:
    number: int
    step: Step
    learners: int  # who reached it in any run
    choices_made: int
    choices: tuple[ChoiceStats, ...]
    stopped_here: int  # unfinished runs standing at this step
    best: ChoiceStats | None  # the best path's choice here (or the step's most points)


@dataclass(frozen=True)
class EndingStats:
    ending: Ending
    runs: int
    learners: int
    runs_by_band: tuple[int, ...]  # finished runs per SCORE_BANDS entry


@dataclass(frozen=True)
class ScenarioAnalysis:
    scenario: Scenario
    runs: int
    learners: int
    unfinished: int
    steps: tuple[StepStats, ...]
    endings: tuple[EndingStats, ...]


def analyse_scenario(session: Session, scenario: Scenario, learner_ids: Select) -> ScenarioAnalysis:
    """Return, over every run of the learners, each step's reach and choices, and the endings."""
    runs = (
        select(ScenarioRun)
        .where(ScenarioRun.scenario_slug == scenario.slug, ScenarioRun.user_id.in_(learner_ids))
        .subquery()
    )
    picked = {
        (step_id, choice_id): count
        for step_id, choice_id, count in session.execute(
            select(ScenarioChoice.step_id, ScenarioChoice.choice_id, func.count())
            .join(runs, ScenarioChoice.run_id == runs.c.id)
            .group_by(ScenarioChoice.step_id, ScenarioChoice.choice_id)
        )
    }
    # A learner reached a step if they chose there, or a run of theirs stands there now.
    visits = union(
        select(runs.c.user_id, ScenarioChoice.step_id.label("step_id")).join(
            runs, ScenarioChoice.run_id == runs.c.id
        ),
        select(runs.c.user_id, runs.c.current_step.label("step_id")).where(
            runs.c.current_step.is_not(None)
        ),
    ).subquery()
    reached = dict(
        session.execute(
            select(visits.c.step_id, func.count(literal_column("*"))).group_by(visits.c.step_id)
        ).all()
    )
    outcomes = session.execute(
        select(
            runs.c.ending_id,
            runs.c.current_step,
            func.count(),
            func.count(runs.c.user_id.distinct()),
        ).group_by(runs.c.ending_id, runs.c.current_step)
    ).all()
    total_runs, total_learners = session.execute(
        select(func.count(), func.count(runs.c.user_id.distinct()))
    ).one()
    # The highest band whose lowest score the run reaches.
    band = case(
        *(
            (runs.c.score >= lowest, index)
            for index, (_label, lowest) in reversed(list(enumerate(SCORE_BANDS)))
        ),
        else_=0,
    )
    by_band = {
        (ending_id, index): count
        for ending_id, index, count in session.execute(
            select(runs.c.ending_id, band, func.count())
            .where(runs.c.ending_id.is_not(None))
            .group_by(runs.c.ending_id, band)
        )
    }
    ended = {ending_id: (count, people) for ending_id, _s, count, people in outcomes if ending_id}
    stopped = {step_id: count for ending_id, step_id, count, _p in outcomes if step_id}
    steps = tuple(
        _step_stats(
            number,
            step,
            scenario.best_choice(step.id),
            picked,
            reached.get(step.id, 0),
            stopped.get(step.id, 0),
        )
        for number, step in enumerate(steps_in_order(scenario), start=1)
    )
    endings = tuple(
        EndingStats(
            ending,
            *ended.get(ending.id, (0, 0)),
            tuple(by_band.get((ending.id, index), 0) for index in range(len(SCORE_BANDS))),
        )
        for ending in scenario.endings.values()
    )
    return ScenarioAnalysis(
        scenario, total_runs, total_learners, sum(stopped.values()), steps, endings
    )


def _step_stats(number, step, best, picked, reached, stopped) -> StepStats:
    counts = [picked.get((step.id, choice.id), 0) for choice in step.choices]
    made = sum(counts)
    choices = tuple(
        ChoiceStats(choice, count, count / made if made else None)
        for choice, count in zip(step.choices, counts, strict=True)
    )
    best_stats = next((stats for stats in choices if best and stats.choice.id == best.id), None)
    return StepStats(number, step, reached, made, choices, stopped, best_stats)


def steps_in_order(scenario: Scenario) -> list[Step]:
    """Return the steps breadth-first from the start, so the page reads like the scenario."""
    order, seen = [], {scenario.start}
    queue = deque([scenario.start])
    while queue:
        step = scenario.steps.get(queue.popleft())
        if step is None:
            continue
        order.append(step)
        for target in (target for choice in step.choices for target in choice.targets):
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return order
