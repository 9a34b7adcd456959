"""Playing a scenario: one step per page, every choice kept, resumed anywhere."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from course.content.model import Choice, Scenario, Step
from course.db import get_session, utcnow
from course.learn.navigation import course_contents, neighbours
from course.learn.views import bp, load_item, open_item
from course.permissions import can_view_learner
from course.progress.certificates import issue_if_complete
from course.progress.models import ScenarioChoice, ScenarioRun
from course.progress.scenarios import (
    StaleChoice,
    choices_in_run_order,
    choose,
    run_flags,
    runs_of,
    start_run,
    unfinished_run,
)

# A choice's rating in words: the signal must never be colour alone.
RATING_WORDS = {"good": "Good choice", "partial": "Partly right", "poor": "Costly choice"}


def _int_field(name: str) -> int:
    value = request.form.get(name, "")
    if not value.isdigit() or len(value) > 9:
        abort(400, f"The form's {name} is missing or malformed.")
    return int(value)


@bp.get("/scenarios/<slug>")
@login_required
def scenario(slug: str):
    """Show the intro and earlier runs, the current step, or the latest ending."""
    opened = open_item("scenario", slug)
    catalog, scenario, outline_item = opened.catalog, opened.content, opened.outline_item
    session = get_session()
    runs = runs_of(session, current_user.id, slug)
    current = unfinished_run(runs, scenario)
    previous_item, next_item = neighbours(catalog, outline_item)
    context = {
        "scenario": scenario,
        "item": outline_item,
        "runs": runs,
        "previous_item": previous_item,
        "next_item": next_item,
        "contents": course_contents(catalog, opened.progress, outline_item),
    }
    if current is not None:
        step = scenario.steps[current.current_step]
        flags = run_flags(current, scenario)
        return render_template(
            "learn/scenario_step.html",
            run=current,
            step=step,
            step_html=step.text_for(flags, scenario.score_percent(current.points)),
            choices=choices_in_run_order(current, step),
            last_choice=current.choices[-1] if current.choices else None,
            rating_words=RATING_WORDS,
            **context,
        )
    return render_template("learn/scenario_intro.html", **context)


@bp.post("/scenarios/<slug>/start")
@login_required
def start_scenario(slug: str):
    """Start a new run, or resume the one in progress."""
    scenario = open_item("scenario", slug).content
    session = get_session()
    runs = runs_of(session, current_user.id, slug)
    if unfinished_run(runs, scenario) is None:
        try:
            start_run(
                session,
                user_id=current_user.id,
                scenario=scenario,
                number=len(runs) + 1,
                now=utcnow(),
            )
            session.commit()
        except IntegrityError:
            session.rollback()  # a double click started it already
    return redirect(url_for("learn.scenario", slug=slug))


@bp.post("/scenarios/<slug>/choose")
@login_required
def choose_in_scenario(slug: str):
    """Record a choice at the current step; a stale form changes nothing."""
    catalog, scenario, _item = load_item("scenario", slug)
    session = get_session()
    run_id = _int_field("run")
    position = _int_field("position")
    step_id = request.form.get("step", "")
    choice_id = request.form.get("choice", "")
    run = session.get(ScenarioRun, run_id)
    if run is None or run.user_id != current_user.id or run.scenario_slug != slug:
        abort(404)
    try:
        now = utcnow()
        choose(
            session,
            run=run,
            scenario=scenario,
            step_id=step_id,
            position=position,
            choice_id=choice_id,
            now=now,
        )
        issued = None
        if run.is_passed:  # this choice ended the run at or above the pass mark
            issued = issue_if_complete(
                session, catalog, user_id=current_user.id, learner_name=current_user.name, now=now
            )
        session.commit()
    except StaleChoice as stale:
        session.rollback()
        flash(str(stale), "warning")
        return redirect(url_for("learn.scenario", slug=slug))
    except IntegrityError:
        session.rollback()
        flash("That step was already answered. Here is where you are now.", "warning")
        return redirect(url_for("learn.scenario", slug=slug))
    if issued is not None:  # this choice completed the course
        flash(f"You passed “{scenario.title}”.", "success")
        return redirect(url_for("progress.certificate"))
    if run.is_finished:
        return redirect(url_for("learn.scenario_run", slug=slug, run_id=run.id))
    return redirect(url_for("learn.scenario", slug=slug))


@bp.get("/scenarios/<slug>/runs/<id:run_id>")
@login_required
def scenario_run(slug: str, run_id: int):
    """Show a run: its ending, score and debrief, and the whole path taken."""
    catalog, scenario, outline_item = load_item("scenario", slug)
    session = get_session()
    run = session.get(ScenarioRun, run_id)
    if (
        run is None
        or run.scenario_slug != slug
        or not can_view_learner(session, current_user, run.user_id)
    ):
        abort(404)
    if not run.is_finished:
        return redirect(url_for("learn.scenario", slug=slug))
    runs = runs_of(session, run.user_id, slug)
    earlier = next((r for r in runs if r.number < run.number and r.is_finished), None)
    previous_item, next_item = neighbours(catalog, outline_item)
    ending = scenario.endings.get(run.ending_id)
    flags = run_flags(run, scenario)
    return render_template(
        "learn/scenario_ending.html",
        scenario=scenario,
        item=outline_item,
        run=run,
        ending=ending,
        ending_html=ending.text_for(flags, scenario.score_percent(run.points)) if ending else "",
        debrief=debrief(run, scenario, earlier),
        best_path=best_path(scenario),
        rating_words=RATING_WORDS,
        based_on=catalog.lessons.get(scenario.based_on) if scenario.based_on else None,
        previous_item=previous_item,
        next_item=next_item,
    )


@dataclass(frozen=True)
class DebriefRow:
    """One decision of a finished run, beside what the best path does at that step."""

    made: ScenarioChoice
    step: Step | None  # None when the step was since removed from the file
    best: Choice | None  # the best choice at this step, when the learner's differs
    earlier: ScenarioChoice | None  # what the run before chose here, when it differs


def debrief(run: ScenarioRun, scenario: Scenario, earlier: ScenarioRun | None) -> list[DebriefRow]:
    """Pair each choice of ``run`` with the best choice at its step and the earlier run's."""
    earlier_choices = {c.step_id: c for c in earlier.choices} if earlier else {}
    rows = []
    for made in run.choices:
        best = scenario.best_choice(made.step_id)
        before = earlier_choices.get(made.step_id)
        rows.append(
            DebriefRow(
                made=made,
                step=scenario.steps.get(made.step_id),
                best=best if best is not None and best.id != made.choice_id else None,
                earlier=before
                if before is not None and before.choice_id != made.choice_id
                else None,
            )
        )
    return rows


def best_path(scenario: Scenario) -> list[tuple[Step, Choice]]:
    """Return the best path's steps and choices, in order."""
    return [
        (scenario.steps[step_id], scenario.steps[step_id].choice(choice_id))
        for step_id, choice_id in scenario.best_path
    ]
