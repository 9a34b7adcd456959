"""Factories for the manager's tests: cohorts, and activity recorded through the services."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from course.auth.accounts import begin_session
from course.auth.models import User
from course.auth.views import SESSION_TOKEN_KEY
from course.content import get_catalog
from course.db import new_session, utcnow
from course.manage.cohorts import create_cohort, join_cohort, renew_invite_code
from course.manage.models import Cohort
from course.progress.lessons import complete_lesson
from course.progress.quizzes import submit_attempt
from course.progress.scenarios import choose, start_run

RIGHT = {
    "pick-one": "intern",
    "pick-many": frozenset({"checklist", "calendar"}),
    "is-accountable": False,
    "who-does-it": {"capstone": "intern", "checklist": "coordinator"},
}
WRONG = {
    "pick-one": "coordinator",
    "pick-many": frozenset({"roadmap"}),
    "is-accountable": True,
    "who-does-it": {"capstone": "coordinator", "checklist": "intern"},
}


@pytest.fixture
def make_cohort(app):
    """Create a cohort: ``make_cohort(manager, members=[...], due_on=..., invite=True)``."""

    def make(
        manager,
        *,
        name: str = "Spring hires",
        members=(),
        starts_on: date | None = None,
        due_on: date | None = None,
        invite: bool = False,
        joined_at: datetime | None = None,
    ) -> Cohort:
        with app.app_context(), new_session(write=True) as session:
            cohort = create_cohort(
                session,
                name=name,
                starts_on=starts_on,
                due_on=due_on,
                manager_id=manager.id,
                now=utcnow(),
            )
            if invite:
                renew_invite_code(cohort)
            join_cohort(
                session,
                cohort_id=cohort.id,
                user_ids=[member.id for member in members],
                now=joined_at or utcnow(),
            )
            session.commit()
            return cohort

    return make


class Activity:
    """Write what a learner did through the progress services, at a chosen time."""

    def __init__(self, app):
        self.app = app

    def lessons(self, user, *slugs: str, at: datetime | None = None) -> None:
        with self.app.app_context(), new_session(write=True) as session:
            for slug in slugs:
                complete_lesson(session, user.id, slug, at or utcnow())
            session.commit()

    def quiz(self, user, answers: dict, *, number: int = 1, at: datetime | None = None) -> int:
        """Submit an attempt at the fixture quiz; return its id."""
        with self.app.app_context(), new_session(write=True) as session:
            when = at or utcnow()
            attempt = submit_attempt(
                session,
                user_id=user.id,
                quiz=get_catalog().quizzes["fixture-quiz"],
                number=number,
                answers=answers,
                started_at=when - timedelta(minutes=5),
                now=when,
            )
            session.commit()
            return attempt.id

    def scenario(self, user, *choices: str, number: int = 1, at: datetime | None = None) -> int:
        """Play the fixture scenario making ``choices``; return the run's id."""
        with self.app.app_context(), new_session(write=True) as session:
            when = at or utcnow()
            scenario = get_catalog().scenarios["fixture-scenario"]
            run = start_run(session, user_id=user.id, scenario=scenario, number=number, now=when)
            for choice_id in choices:
                choose(
                    session,
                    run=run,
                    scenario=scenario,
                    step_id=run.current_step,
                    position=len(run.choices),
                    choice_id=choice_id,
                    now=when,
                )
            session.commit()
            return run.id

    def everything(self, user, at: datetime | None = None) -> None:
        """Complete every required item of the fixture course."""
        self.lessons(user, "welcome", "roles", at=at)
        self.quiz(user, RIGHT, at=at)
        self.scenario(user, "careful", "ship", at=at)


@pytest.fixture
def activity(app) -> Activity:
    return Activity(app)


@pytest.fixture
def enter_as(app, client):
    """Sign ``user`` in on a client without the sign-in form (and its deliberately slow hash).

    For tests about what a signed-in user may do, not about signing in.
    """

    def enter(user, on=None):
        browser = on or client
        with app.app_context(), new_session(write=True) as session:
            token = begin_session(session, session.get(User, user.id))
            session.commit()
        with browser.session_transaction() as cookie:
            cookie["_user_id"] = str(user.id)
            cookie["_fresh"] = True
            cookie[SESSION_TOKEN_KEY] = token
        return browser

    return enter
