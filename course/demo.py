"""``course demo``: a demo manager and a cohort of learners at varied stages, inserted in bulk.

Learners walk the real outline: they open and complete lessons, answer quiz
questions graded by the real question types (better learners answer better,
harder questions are missed more, retries improve), and choose their way
through the real scenario graphs, leaving the learning records that real
activity leaves (so the cohort's xAPI export reads like a real one). Rows go in
with one bulk INSERT per table, and every learner shares one password hash, so
thousands take seconds.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import random
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import JSON, TypeDecorator, bindparam, insert, select, update
from sqlalchemy.orm import Session

from course.auth.models import AuthSession, Role, User
from course.auth.passwords import hash_password
from course.content import get_catalog
from course.content.model import Catalog, Quiz, Scenario
from course.content.question_types import Question
from course.db import new_session, utcnow
from course.manage.cohorts import create_cohort, renew_invite_code
from course.membership import CohortMember
from course.progress.answer_tallies import rebuild_answer_tallies
from course.progress.models import (
    LearningRecord,
    LessonProgress,
    QuizAnswer,
    QuizAttempt,
    ScenarioChoice,
    ScenarioRun,
)
from course.progress.quizzes import is_passing
from course.progress.records import Verb, record_values
from course.progress.summaries import summarise_everyone

MANAGER_EMAIL = "demo.manager@example.com"
# fmt: off
FIRST_NAMES = (
    "Ada", "Ben", "Chloe", "Dev", "Elif", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi",
    "Liam", "Maya", "Noor", "Oscar", "Priya", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera",
    "Wen", "Xavi", "Yara", "Zoe",
)
LAST_NAMES = (
    "Adeyemi", "Berg", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Haddad", "Ivanova",
    "Jensen", "Khan", "Larsen", "Moreau", "Nakamura", "Okafor", "Patel", "Quispe", "Rossi",
    "Silva", "Tanaka", "Umeh", "Varga", "Weber", "Yilmaz", "Zhang",
)
# fmt: on


@dataclass(frozen=True)
class DemoCohort:
    cohort_id: int
    cohort_name: str
    manager_email: str
    learners: int
    learner_email: str
    manager_was_reset: bool  # the manager existed: its password changed and its sessions ended


@click.command("demo")
@click.option("--learners", type=click.IntRange(1, 100_000), default=40, show_default=True)
@click.option("--seed", type=int, default=None, help="Seed the randomness, to repeat a cohort.")
@with_appcontext
def demo_command(learners: int, seed: int | None) -> None:
    """Fill the database with a demo cohort owned by a demo manager."""
    began = time.perf_counter()
    password = "-".join(secrets.token_hex(3) for _ in range(3))
    with new_session(write=True) as session:
        made = fill_demo(
            session,
            get_catalog(),
            learners=learners,
            password_hash=hash_password(password),
            now=utcnow(),
            rng=random.Random(seed),  # noqa: S311  (demo data, not secrets)
        )
        session.commit()
    click.echo(
        f"Created “{made.cohort_name}” (cohort {made.cohort_id}) with {made.learners} learners "
        f"in {time.perf_counter() - began:.1f}s."
    )
    if made.manager_was_reset:
        click.echo(
            f"The demo manager {made.manager_email} existed already: its password is now "
            "the one below, and it is signed out everywhere it was signed in."
        )
    click.echo(f"Sign in as the demo manager: {made.manager_email}")
    click.echo(f"Or as one of the demo learners: {made.learner_email}")
    click.echo(f"Password (for the manager and every demo learner): {password}")


def fill_demo(
    session: Session,
    catalog: Catalog,
    *,
    learners: int,
    password_hash: str,
    now: datetime,
    rng: random.Random,
) -> DemoCohort:
    """Add the demo manager (or reset its password and sign-ins), a cohort and its records."""
    manager = session.scalar(select(User).where(User.email == MANAGER_EMAIL))
    was_reset = manager is not None
    if manager is None:
        manager = User(email=MANAGER_EMAIL, name="Demo Manager", role=Role.MANAGER)
        session.add(manager)
    else:
        # A new password ends the old one's sign-ins, as changing it on /account does.
        session.execute(
            update(AuthSession)
            .where(AuthSession.user_id == manager.id, AuthSession.ended_at.is_(None))
            .values(ended_at=now)
        )
    if not manager.is_manager:
        manager.role = Role.MANAGER
    manager.password_hash = password_hash
    session.flush()
    tag = secrets.token_hex(3)
    today = now.date()
    cohort = create_cohort(
        session,
        name=f"Demo cohort {tag}",
        starts_on=today - timedelta(days=28),
        due_on=today + timedelta(days=5),
        manager_id=manager.id,
        now=now - timedelta(days=30),
    )
    renew_invite_code(cohort)
    start = now - timedelta(days=28)
    people = [
        {
            "email": f"demo-{tag}-{number:05d}@example.com",
            "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "role": Role.LEARNER,
            "password_hash": password_hash,
            "created_at": start,
        }
        for number in range(1, learners + 1)
    ]
    user_ids = session.scalars(
        insert(User).returning(User.id, sort_by_parameter_order=True), people
    ).all()
    records = Records(rng)
    joined = []
    for user_id, standing in zip(user_ids, standings(learners, rng), strict=True):
        joined_at = start + timedelta(hours=rng.uniform(0, 72))
        joined.append({"cohort_id": cohort.id, "user_id": user_id, "joined_at": joined_at})
        Learner(catalog, rng, records, user_id, standing).walk(joined_at, now)
    session.execute(insert(CohortMember.__table__), joined)
    records.insert(session)
    summarise_everyone(session, catalog)  # the summaries the services would have written
    rebuild_answer_tallies(session.connection())  # and the tallies
    return DemoCohort(
        cohort.id, cohort.name, MANAGER_EMAIL, learners, people[0]["email"], was_reset
    )


NOT_STARTED = 0.1  # the share of the cohort that has not begun
FINISHED = 0.6  # the share that has been through every item; the rest stopped on the way


def standings(learners: int, rng: random.Random) -> list[float]:
    """Return how far along each learner is, from 0 to 1, spread evenly over the cohort.

    Evenly rather than independently at random, so that even a small cohort has
    its share of learners at every stage: enough reach each quiz, the final
    included, for every figure of the question analysis to show.
    """
    spread = [(number + rng.random()) / learners for number in range(learners)]
    rng.shuffle(spread)
    return spread


class Dealer:
    """Draws for a quiz with sections, dealt so that each question comes up as often as any.

    Each draw is a real one (``draw`` questions of each section); across the
    cohort the least drawn questions go first, ties at random, as a large
    cohort's random draws even out. A small cohort so answers every question
    of the bank often enough for its figures to show.
    """

    def __init__(self, quiz: Quiz, rng: random.Random):
        self.quiz, self.rng = quiz, rng
        self.drawn = dict.fromkeys((q for s in quiz.sections for q in s.question_ids), 0)

    def deal(self) -> list[str]:
        """Return one attempt's question ids, in the quiz's order."""
        picked = set()
        for section in self.quiz.sections:
            ranked = sorted(section.question_ids, key=lambda q: (self.drawn[q], self.rng.random()))
            picked.update(ranked[: section.draw])
        for question_id in picked:
            self.drawn[question_id] += 1
        return [question.id for question in self.quiz.questions if question.id in picked]


class SerializedJSON(TypeDecorator):
    """A JSON column's value serialized already: sent as it is, not serialized per row."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect):
        return None


class Records:
    """The rows to insert, gathered per table; children wait for their parents' ids."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        # Per quiz and attempt number: the analysis counts first attempts by default.
        self.dealers: dict[tuple[str, int], Dealer] = {}
        self.lessons: list[dict] = []
        self.attempts: list[dict] = []
        self.answers: list[list[dict]] = []  # per attempt, in the same order
        self.runs: list[dict] = []
        self.choices: list[list[dict]] = []  # per run
        self.reviews: dict[tuple, dict] = {}  # graded answers, reused across learners
        self.learning: list[dict] = []  # learning records, as the services would write them

    def draw(self, quiz: Quiz, number: int) -> Quiz:
        """Return the quiz as attempt ``number`` of a learner gets it, drawn if it has sections."""
        if not quiz.has_draws:
            return quiz
        dealer = self.dealers.setdefault((quiz.slug, number), Dealer(quiz, self.rng))
        return quiz.drawn(dealer.deal())

    def insert(self, session: Session) -> None:
        """Insert every gathered row, parents first, one bulk INSERT per table."""
        if self.lessons:
            session.execute(insert(LessonProgress.__table__), self.lessons)
        # The graded answers and reviews were serialized once each, when first given.
        answers = insert(QuizAnswer.__table__).values(
            answer=bindparam("answer_json", type_=SerializedJSON()),
            review=bindparam("review_json", type_=SerializedJSON()),
        )
        self._insert_with_children(session, QuizAttempt, self.attempts, answers, self.answers)
        self._insert_with_children(
            session, ScenarioRun, self.runs, insert(ScenarioChoice.__table__), self.choices
        )
        if self.learning:
            # In time order, so row ids follow it as they do for real activity (a
            # stable sort keeps "attempted" before "passed" at the same instant).
            self.learning.sort(key=lambda row: row["recorded_at"])
            # Into the table, not through the ORM: the ORM leaves out a row's None
            # values and so splits rows of differing shapes into many INSERTs.
            session.execute(insert(LearningRecord.__table__), self.learning)

    @staticmethod
    def _insert_with_children(session, parent, rows, insert_children, children) -> None:
        # Core INSERTs into the tables: the ORM's bulk path costs more per row and
        # adds nothing for rows never loaded as objects here.
        if not rows:
            return
        table = parent.__table__
        ids = session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True), rows
        ).scalars()
        (key,) = (
            fk.parent.name for fk in insert_children.table.foreign_keys if fk.column.table is table
        )
        flat = []
        for parent_id, child_rows in zip(ids, children, strict=True):
            for row in child_rows:
                row[key] = parent_id
            flat += child_rows
        if flat:
            session.execute(insert_children, flat)


class Learner:
    """One demo learner: how able, how far along and how recently active."""

    def __init__(
        self, catalog: Catalog, rng: random.Random, records: Records, user_id: int, standing: float
    ):
        self.catalog, self.rng, self.records, self.user_id = catalog, rng, records, user_id
        self.skill = rng.gauss(1.8, 1.0)
        self.persistence = rng.uniform(0.3, 0.95)
        count = len(catalog.items)
        if standing < NOT_STARTED:
            self.reach = 0
        elif standing >= 1 - FINISHED:
            self.reach = count
        else:
            # Those on the way stand anywhere from the first item to the last but one.
            on_the_way = (standing - NOT_STARTED) / (1 - FINISHED - NOT_STARTED)
            self.reach = 1 + int(on_the_way * (count - 1))

    def walk(self, joined_at: datetime, now: datetime) -> None:
        """Do the first ``reach`` items of the outline, spread from joining until lately."""
        if self.reach == 0:
            return
        idle_days = self.rng.uniform(8, 20) if self.rng.random() < 0.3 else self.rng.uniform(0, 4)
        last = max(now - timedelta(days=idle_days), joined_at + timedelta(hours=1))
        step = (last - joined_at) / self.reach
        for index, item in enumerate(self.catalog.items[: self.reach]):
            at = joined_at + step * (index + 1)
            is_frontier = index == self.reach - 1 and self.reach < len(self.catalog.items)
            if item.kind == "lesson":
                self.lesson(item.slug, at, is_frontier)
            elif item.kind == "quiz":
                self.quiz(self.catalog.quizzes[item.slug], at)
            else:
                self.scenario(self.catalog.scenarios[item.slug], at, is_frontier)

    def learned(self, verb: Verb, kind: str, slug: str, at: datetime, **result) -> None:
        """Keep the learning record the services would write for this event."""
        self.records.learning.append(
            record_values(user_id=self.user_id, verb=verb, kind=kind, slug=slug, at=at, **result)
        )

    def lesson(self, slug: str, at: datetime, is_frontier: bool) -> None:
        """Open the lesson, and complete it unless it is where the learner stopped."""
        done = None if is_frontier and self.rng.random() < 0.6 else at + timedelta(minutes=8)
        self.learned(Verb.OPENED, "lesson", slug, at)
        if done is not None:
            self.learned(Verb.COMPLETED, "lesson", slug, done, is_completion=True)
        self.records.lessons.append(
            {
                "user_id": self.user_id,
                "lesson_slug": slug,
                "first_opened_at": at,
                "last_opened_at": done or at,
                "completed_at": done,
            }
        )

    def quiz(self, quiz: Quiz, at: datetime) -> None:
        """Take the quiz until passed, out of attempts, or out of patience."""
        limit = quiz.max_attempts or 3
        whole = quiz
        for number in range(1, limit + 1):
            # Each attempt at a quiz with sections gets its own draw, as the quiz page makes.
            quiz = self.records.draw(whole, number)
            submitted = at + timedelta(hours=number - 1, minutes=10)
            answers = [
                self.answer(question, position, number)
                for position, question in enumerate(quiz.questions)
            ]
            points = sum(answer["points"] for answer in answers)
            score = points / quiz.total_points if quiz.total_points else 1.0
            is_passed = is_passing(score, quiz.pass_mark)
            self.records.attempts.append(
                {
                    "user_id": self.user_id,
                    "quiz_slug": quiz.slug,
                    "content_version": quiz.version,
                    "number": number,
                    "started_at": submitted - timedelta(minutes=quiz.minutes),
                    "submitted_at": submitted,
                    "points": points,
                    "max_points": quiz.total_points,
                    "score": score,
                    "pass_mark": quiz.pass_mark,
                    "is_passed": is_passed,
                }
            )
            self.records.answers.append(answers)
            for verb in (Verb.ATTEMPTED, Verb.PASSED if is_passed else Verb.FAILED):
                self.learned(
                    verb,
                    "quiz",
                    quiz.slug,
                    submitted,
                    score=score,
                    is_success=is_passed,
                    is_completion=True,
                )
            if is_passed or self.rng.random() > self.persistence:
                return

    def answer(self, question: Question, position: int, attempt: int) -> dict:
        """Answer as this learner would: more often right when able, retrying, or it is easy."""
        chance = 1 / (1 + math.exp(-(self.skill + 0.6 * (attempt - 1) - difficulty(question))))
        given = self.rng.random() < chance
        response = question.pick_answer(given, self.rng)
        stored = question.answer_to_json(response)
        key = (question.id, json.dumps(stored, sort_keys=True))
        if key not in self.records.reviews:
            grade = question.grade(response)
            review = question.review(response, grade)
            self.records.reviews[key] = {
                "grade": grade,
                "answer": json.dumps(stored),
                "review": json.dumps(review),
            }
        graded = self.records.reviews[key]
        return {
            "position": position,
            "question_id": question.id,
            "question_type": question.type,
            "question_version": question.version,
            "answer_json": graded["answer"],
            "points": graded["grade"].points,
            "max_points": question.points,
            "is_correct": graded["grade"].is_correct,
            "review_json": graded["review"],
        }

    def scenario(self, scenario: Scenario, at: datetime, is_frontier: bool) -> None:
        """Play the scenario, again after a poor ending if persistent enough.

        Where the learner stopped, the run may stand unfinished; elsewhere a first
        run is now and then left part-way and begun afresh, as real runs are.
        """
        for number in range(1, 4):
            stops = is_frontier and number == 1 and self.rng.random() < 0.5
            leaves = not is_frontier and number == 1 and self.rng.random() < 0.1
            passed = self.run(scenario, number, at + timedelta(hours=number - 1), stops or leaves)
            if stops or passed or (not leaves and self.rng.random() > self.persistence):
                return

    def run(self, scenario: Scenario, number: int, at: datetime, stops: bool) -> bool:
        """Add one run through the real graph; return whether it passed."""
        choices, points, node = [], 0.0, scenario.start
        flags: set[str] = set()
        while node in scenario.steps:
            step = scenario.steps[node]
            if stops and choices and self.rng.random() < 0.5:
                break
            weights = [math.exp(self.skill * choice.points / 2) for choice in step.choices]
            choice = self.rng.choices(step.choices, weights)[0]
            chosen_at = at + timedelta(minutes=len(choices) + 1)
            choices.append(
                {
                    "position": len(choices),
                    "step_id": step.id,
                    "choice_id": choice.id,
                    "choice_text": choice.text,
                    "feedback_html": choice.feedback_html,
                    "rating": choice.rating,
                    "points": choice.points,
                    "chosen_at": chosen_at,
                }
            )
            self.learned(
                Verb.CHOSE,
                "scenario",
                scenario.slug,
                chosen_at,
                part=step.id,
                response=choice.id,
            )
            points += choice.points
            flags |= choice.sets
            node = choice.next_for(flags, scenario.score_percent(points))
        ending = scenario.endings.get(node)
        score = None
        is_passed = None
        if ending is not None:
            score = min(1.0, points / scenario.max_points) if scenario.max_points else 1.0
            is_passed = scenario.pass_mark is None or is_passing(score, scenario.pass_mark)
            self.learned(
                Verb.FINISHED,
                "scenario",
                scenario.slug,
                at + timedelta(minutes=len(choices)),
                part=ending.id,
                score=score,
                is_success=is_passed,
                is_completion=True,
            )
        self.records.runs.append(
            {
                "user_id": self.user_id,
                "scenario_slug": scenario.slug,
                "content_version": scenario.version,
                "number": number,
                "started_at": at,
                "updated_at": at + timedelta(minutes=len(choices)),
                "current_step": None if ending else node,
                "ending_id": ending.id if ending else None,
                "ending_title": ending.title if ending else None,
                "ending_rating": ending.rating if ending else None,
                "finished_at": at + timedelta(minutes=len(choices)) if ending else None,
                "points": points,
                "max_points": scenario.max_points,
                "score": score,
                "pass_mark": scenario.pass_mark,
                "is_passed": is_passed,
            }
        )
        self.records.choices.append(choices)
        return bool(is_passed)


def difficulty(question: Question) -> float:
    """Return a stable difficulty for a question, from -1 (easy) to 1.5 (hard)."""
    return _difficulty_of(question.id)


@functools.cache  # asked once per answer: a large demo asks millions of times
def _difficulty_of(question_id: str) -> float:
    digest = hashlib.sha256(question_id.encode()).digest()
    return -1 + 2.5 * digest[0] / 255
