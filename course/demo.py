"""``course demo``: a demo manager and a cohort of learners at varied stages, inserted in bulk.

Learners walk the real outline: they open and complete lessons, answer quiz
questions graded by the real question types (better learners answer better,
harder questions are missed more, retries improve), and choose their way
through the real scenario graphs, leaving the learning records that real
activity leaves (so the cohort's xAPI export reads like a real one). Learners
are made a batch at a time, each batch's rows sent in bulk as plain tuples
(``course.bulk_insert``: COPY on PostgreSQL) with its summaries, and every
learner shares one password hash, so a hundred thousand take minutes and the
memory of one batch.
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
from datetime import UTC, datetime, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import Column, Connection, Integer, MetaData, Table, insert, select, update
from sqlalchemy.orm import Session

from course.auth.models import AuthSession, Role, User
from course.auth.passwords import hash_password
from course.bulk_insert import (
    BulkInsert,
    indexes_built_after,
    refresh_statistics,
    sqlite_rollback_journal,
)
from course.content import get_catalog
from course.content.model import Catalog, Choice, Quiz, Scenario, Step
from course.content.question_types import Question
from course.db import new_session, utcnow, writing_connection
from course.manage.cohorts import create_cohort, renew_invite_code
from course.membership import CohortMember
from course.progress.answer_tallies import tally_new_learners
from course.progress.item_kinds import LearnerFilter
from course.progress.models import (
    AnswerReview,
    ItemSummary,
    LearnerSummary,
    LearningRecord,
    LessonProgress,
    MemberSummary,
    QuizAnswer,
    QuizAttempt,
    ScenarioChoice,
    ScenarioRun,
)
from course.progress.quizzes import is_passing
from course.progress.records import Verb
from course.progress.reviews import known_review_ids, review_digest
from course.progress.summaries import ensure_outline, refresh_members, summarise_new_learners

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

BATCH = 2_000  # learners made and sent at a time
SORT_MEMORY = "512MB"  # PostgreSQL's, to sort every learning record at the end

# Each table's rows as tuples of these columns, named in the table's order.
USERS, USER_COLUMNS = User.__table__, ("id", "email", "name", "role", "password_hash", "created_at")
MEMBERS, MEMBER_COLUMNS = (
    CohortMember.__table__,
    ("cohort_id", "user_id", "joined_at", "created_account"),
)
LESSONS, LESSON_COLUMNS = (
    LessonProgress.__table__,
    ("user_id", "lesson_slug", "first_opened_at", "last_opened_at", "completed_at"),
)
ATTEMPTS, ATTEMPT_COLUMNS = (
    QuizAttempt.__table__,
    (
        "id", "user_id", "quiz_slug", "content_version", "number", "started_at", "submitted_at",
        "points", "max_points", "score", "pass_mark", "is_passed",
    ),
)  # fmt: skip
ANSWERS, ANSWER_COLUMNS = (
    QuizAnswer.__table__,
    (
        "attempt_id", "position", "question_id", "question_type", "question_version", "answer",
        "points", "max_points", "is_correct", "review_id",
    ),
)  # fmt: skip
REVIEWS, REVIEW_COLUMNS = AnswerReview.__table__, ("id", "digest", "review")
ANSWER_POINTS = ANSWER_COLUMNS.index("points")
RUNS, RUN_COLUMNS = (
    ScenarioRun.__table__,
    (
        "id", "user_id", "scenario_slug", "content_version", "number", "started_at",
        "updated_at", "current_step", "ending_id", "ending_title", "ending_rating",
        "finished_at", "points", "max_points", "score", "pass_mark", "is_passed",
    ),
)  # fmt: skip
CHOICES, CHOICE_COLUMNS = (
    ScenarioChoice.__table__,
    (
        "run_id", "position", "step_id", "choice_id", "choice_text", "feedback_html", "points",
        "rating", "chosen_at",
    ),
)  # fmt: skip
RECORDS, RECORD_COLUMNS = (
    LearningRecord.__table__,
    (
        "user_id", "verb", "object_kind", "object_slug", "object_part", "score", "is_success",
        "is_completion", "response", "recorded_at",
    ),
)  # fmt: skip
# What the cohort's member summaries are written from.
SUMMARISED = (USERS, MEMBERS, LearnerSummary.__table__, ItemSummary.__table__)
# Every table the demo fills but the users (whose first row, the manager, is in before).
FILLED = (
    MEMBERS, LESSONS, ATTEMPTS, ANSWERS, RUNS, CHOICES, RECORDS, ItemSummary.__table__,
    LearnerSummary.__table__, MemberSummary.__table__,
)  # fmt: skip
LEARNER = Role.LEARNER.value
# The verbs as stored: plain strings, as the services' records hold them.
(
    VERB_OPENED, VERB_COMPLETED, VERB_ATTEMPTED, VERB_PASSED, VERB_FAILED, VERB_CHOSE,
    VERB_FINISHED,
) = (
    verb.value
    for verb in (
        Verb.OPENED, Verb.COMPLETED, Verb.ATTEMPTED, Verb.PASSED, Verb.FAILED, Verb.CHOSE,
        Verb.FINISHED,
    )
)  # fmt: skip


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
    with (
        writing_connection() as connection,
        sqlite_rollback_journal(connection),
        new_session(write=True, connection=connection) as session,
    ):
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
    batch: int = BATCH,
) -> DemoCohort:
    """Add the demo manager (or reset its password and sign-ins), a cohort and its records.

    Learners are made ``batch`` at a time: each batch's rows are sent and dropped
    before the next is made, so memory does not grow with the cohort.
    """
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
    session.flush()
    # The stored outline first (which recomputes existing summaries if it changed), so
    # that each batch's summaries are written for the catalog's outline.
    ensure_outline(session.connection(), catalog)
    now = now.astimezone(UTC)  # rows hold UTC (SQLite's as text)
    start = now - timedelta(days=28)
    # Drawn for the whole cohort before anyone's activity, as they always were, so a
    # seed gives the same cohort whatever the batch size.
    names = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(learners)]
    roster = Roster(cohort.id, tag, names, standings(learners, rng), password_hash, start, now)
    connection = session.connection()
    # On a fresh database the tables' own indexes are built once they are full.
    with indexes_built_after(connection, FILLED):
        send_learners(connection, catalog, roster, rng, batch)
        # What joining would have written for the cohort: its learners' rows in its
        # reports, from the summaries now in, read by plans made for the tables' new size.
        refresh_statistics(connection, SUMMARISED)
        refresh_members(session, cohort_id=cohort.id)
    return DemoCohort(cohort.id, cohort.name, MANAGER_EMAIL, learners, _email(tag, 0), was_reset)


@dataclass(frozen=True)
class Roster:
    """Who the demo's learners are: drawn for the whole cohort before anyone's activity."""

    cohort_id: int
    tag: str  # in every learner's email
    names: list[str]
    standings: list[float]
    password_hash: str
    start: datetime  # when the cohort opened
    now: datetime


def send_learners(
    connection: Connection, catalog: Catalog, roster: Roster, rng: random.Random, batch: int
) -> None:
    """Make the roster's learners and their activity ``batch`` at a time, and send them."""
    start, now, cohort_id = roster.start, roster.now, roster.cohort_id
    reviews = known_review_ids(connection)  # before the connection is the sender's
    staged = staged_records()
    staged.create(connection)
    with BulkInsert(connection) as bulk:
        activity = Activity(catalog, rng, bulk, reviews, staged)
        new_user_id = bulk.new_ids(USERS)
        created = bulk.stamp(start)
        for first in range(0, len(roster.names), batch):
            numbers = range(first, min(first + batch, len(roster.names)))
            user_ids = [new_user_id() for _ in numbers]
            people = [
                (user_id, _email(roster.tag, number), roster.names[number], LEARNER,
                 roster.password_hash, created)
                for user_id, number in zip(user_ids, numbers, strict=True)
            ]  # fmt: skip
            joined = []
            for user_id, number in zip(user_ids, numbers, strict=True):
                joined_at = start + timedelta(hours=rng.uniform(0, 72))
                joined.append((cohort_id, user_id, bulk.stamp(joined_at), False))
                Learner(activity, user_id, roster.standings[number]).walk(joined_at, now)
            # The batch before is in by now, or this waits for it: two batches at most
            # are held, one being sent while the next is made.
            bulk.wait()
            bulk.send(USERS, USER_COLUMNS, people)
            bulk.send(MEMBERS, MEMBER_COLUMNS, joined)
            activity.send()
            # The summaries and tallies the services would have written, from the facts
            # just sent, while they are in the database's cache.
            theirs = _cohort_learners(cohort_id, user_ids)
            bulk.call(summarise_new_learners, connection, theirs)
            bulk.call(tally_new_learners, connection, cohort_id, theirs)
        bulk.wait()
    insert_in_time_order(connection, staged)
    staged.drop(connection)


def staged_records() -> Table:
    """Return a temporary table for the learning records, numbered in the order they are made.

    Each batch's records are sent there as they are made; at the end one INSERT
    … SELECT copies them all in time order, so that row ids follow time as they
    do for real activity (the LRS forwarder sends in that order). The database
    sorts them, in C and on disk, rather than Python holding or merging them.
    """
    return Table(
        "demo_staged_learning_record",
        MetaData(),
        Column("made", Integer, primary_key=True),  # counts on as rows are inserted
        *(Column(name, RECORDS.c[name].type) for name in RECORD_COLUMNS),
        prefixes=["TEMPORARY"],
    )


def insert_in_time_order(connection: Connection, staged: Table) -> None:
    """Copy the staged records into the learning records, oldest first (ties as made)."""
    if connection.dialect.name == "postgresql":
        # Enough to sort them in memory, for this transaction only.
        connection.exec_driver_sql(f"SET LOCAL work_mem = '{SORT_MEMORY}'")
    columns = [staged.c[name] for name in RECORD_COLUMNS]
    in_order = select(*columns).order_by(staged.c.recorded_at, staged.c.made)
    connection.execute(insert(RECORDS).from_select(list(RECORD_COLUMNS), in_order))


def _email(tag: str, number: int) -> str:
    return f"demo-{tag}-{number + 1:05d}@example.com"


def _cohort_learners(cohort_id: int, user_ids: list[int]) -> LearnerFilter:
    """Return a filter letting through this batch's learners: the cohort's, in their id range.

    The range is put on each table's own learner column too, so that its index is
    read whatever PostgreSQL's statistics say: with figures from an earlier
    analysis, the batch's course summaries were planned as a scan of every item
    summary (0.25 s a batch at 100,000 learners, 0.05 s by the index).
    """
    first, last = min(user_ids), max(user_ids)
    batch = (
        select(CohortMember.user_id)
        .where(CohortMember.cohort_id == cohort_id)
        .where(CohortMember.user_id.between(first, last))
    )
    return lambda user_id: user_id.between(first, last) & user_id.in_(batch)


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


class Activity:
    """The rows one batch of learners leaves, and what lasts from batch to batch.

    Rows are tuples in their table's order of columns. What every learner shares is
    made once: the draws are dealt across the whole cohort, and each distinct answer
    to a question is graded, reviewed and serialized the first time it is given.
    """

    def __init__(
        self,
        catalog: Catalog,
        rng: random.Random,
        bulk: BulkInsert,
        reviews: dict[str, int],
        staged_records: Table,
    ):
        self.catalog, self.rng, self.bulk = catalog, rng, bulk
        self.staged_records = staged_records
        # Every stored review's id by its digest, the demo's own added as they are made.
        self.review_ids = reviews
        self.new_review_id = bulk.new_ids(REVIEWS)
        self.stamp = bulk.stamp
        # Per quiz and attempt number: the analysis counts first attempts by default.
        self.dealers: dict[tuple[str, int], Dealer] = {}
        self.drawn: dict[tuple[str, tuple[str, ...]], Quiz] = {}
        # (question id, answer) -> the answer row's columns from question_id to review_id
        self.graded: dict[tuple, tuple] = {}
        # Per scenario choice: the choice row's columns from step_id to rating
        self.chosen: dict[tuple[str, str, str], tuple] = {}
        self.new_attempt_id = bulk.new_ids(ATTEMPTS)
        self.new_run_id = bulk.new_ids(RUNS)
        self.reviews: list[tuple] = []  # those first given in this batch
        self.lessons: list[tuple] = []
        self.attempts: list[tuple] = []
        self.answers: list[tuple] = []
        self.runs: list[tuple] = []
        self.choices: list[tuple] = []
        self.learning: list[tuple] = []  # learning records, as the services would write them

    def draw(self, quiz: Quiz, number: int) -> Quiz:
        """Return the quiz as attempt ``number`` of a learner gets it, drawn if it has sections."""
        if not quiz.has_draws:
            return quiz
        dealer = self.dealers.get((quiz.slug, number))
        if dealer is None:
            dealer = self.dealers[quiz.slug, number] = Dealer(quiz, self.rng)
        question_ids = tuple(dealer.deal())
        drawn = self.drawn.get((quiz.slug, question_ids))
        if drawn is None:
            drawn = self.drawn[quiz.slug, question_ids] = quiz.drawn(question_ids)
        return drawn

    def graded_answer(self, question: Question, response) -> tuple:
        """Return the answer row's columns from question_id on, for this response."""
        key = (question.id, type(response), _hashable(response))
        found = self.graded.get(key)
        if found is None:
            grade = question.grade(response)
            found = self.graded[key] = (
                question.id,
                question.type,
                question.version,
                json.dumps(question.answer_to_json(response)),
                grade.points,
                question.points,
                grade.is_correct,
                self.review_id(question.review(response, grade)),
            )
        return found

    def review_id(self, review: dict) -> int:
        """Return the id of a stored review, storing it with this batch if it is new."""
        digest = review_digest(review)
        found = self.review_ids.get(digest)
        if found is None:
            found = self.review_ids[digest] = self.new_review_id()
            self.reviews.append((found, digest, json.dumps(review)))
        return found

    def chosen_columns(self, scenario: Scenario, step: Step, choice: Choice) -> tuple:
        """Return the choice row's columns from step_id to rating."""
        key = (scenario.slug, step.id, choice.id)
        found = self.chosen.get(key)
        if found is None:
            found = self.chosen[key] = (
                step.id,
                choice.id,
                choice.text,
                choice.feedback_html,
                choice.points,
                choice.rating,
            )
        return found

    def send(self) -> None:
        """Insert the batch's rows, parents first (its learning records staged), and forget them."""
        bulk = self.bulk
        bulk.send(REVIEWS, REVIEW_COLUMNS, self.reviews)
        bulk.send(LESSONS, LESSON_COLUMNS, self.lessons)
        bulk.send(ATTEMPTS, ATTEMPT_COLUMNS, self.attempts)
        bulk.send(ANSWERS, ANSWER_COLUMNS, self.answers)
        bulk.send(RUNS, RUN_COLUMNS, self.runs)
        bulk.send(CHOICES, CHOICE_COLUMNS, self.choices)
        bulk.send(self.staged_records, RECORD_COLUMNS, self.learning)
        self.reviews, self.lessons, self.attempts, self.answers = [], [], [], []
        self.runs, self.choices, self.learning = [], [], []


def _hashable(response):
    """Return a response as a dictionary key (a classify answer is a dict)."""
    if isinstance(response, dict):
        return tuple(sorted(response.items()))
    if isinstance(response, list):
        return tuple(response)
    return response


class Learner:
    """One demo learner: how able, how far along and how recently active."""

    def __init__(self, activity: Activity, user_id: int, standing: float):
        self.activity, self.user_id = activity, user_id
        self.catalog, self.rng, self.stamp = activity.catalog, activity.rng, activity.stamp
        self.skill = self.rng.gauss(1.8, 1.0)
        self.persistence = self.rng.uniform(0.3, 0.95)
        count = len(self.catalog.items)
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

    def lesson(self, slug: str, at: datetime, is_frontier: bool) -> None:
        """Open the lesson, and complete it unless it is where the learner stopped."""
        opened = self.stamp(at)
        learning = self.activity.learning
        learning.append(
            (self.user_id, VERB_OPENED, "lesson", slug, None, None, None, None, None, opened)
        )
        if is_frontier and self.rng.random() < 0.6:
            done = None
        else:
            done = self.stamp(at + timedelta(minutes=8))
            learning.append(
                (self.user_id, VERB_COMPLETED, "lesson", slug, None, None, None, True, None, done)
            )
        self.activity.lessons.append((self.user_id, slug, opened, done or opened, done))

    def quiz(self, quiz: Quiz, at: datetime) -> None:
        """Take the quiz until passed, out of attempts, or out of patience."""
        activity, user_id = self.activity, self.user_id
        limit = quiz.max_attempts or 3
        whole = quiz
        for number in range(1, limit + 1):
            # Each attempt at a quiz with sections gets its own draw, as the quiz page makes.
            quiz = activity.draw(whole, number)
            submitted = at + timedelta(hours=number - 1, minutes=10)
            attempt_id = activity.new_attempt_id()
            answers = [
                (attempt_id, position, *self.answer(question, number))
                for position, question in enumerate(quiz.questions)
            ]
            points = sum(answer[ANSWER_POINTS] for answer in answers)
            score = points / quiz.total_points if quiz.total_points else 1.0
            is_passed = is_passing(score, quiz.pass_mark)
            at_submission = self.stamp(submitted)
            activity.attempts.append(
                (
                    attempt_id,
                    user_id,
                    quiz.slug,
                    quiz.version,
                    number,
                    self.stamp(submitted - timedelta(minutes=quiz.minutes)),
                    at_submission,
                    points,
                    quiz.total_points,
                    score,
                    quiz.pass_mark,
                    is_passed,
                )
            )
            activity.answers += answers
            outcome = VERB_PASSED if is_passed else VERB_FAILED
            # Attempted, then passed or failed, at the same instant.
            activity.learning += tuple(
                (user_id, verb, "quiz", quiz.slug, None, score, is_passed, True, None, when)
                for verb, when in ((VERB_ATTEMPTED, at_submission), (outcome, at_submission))
            )
            if is_passed or self.rng.random() > self.persistence:
                return

    def answer(self, question: Question, attempt: int) -> tuple:
        """Answer as this learner would: more often right when able, retrying, or it is easy."""
        chance = 1 / (1 + math.exp(-(self.skill + 0.6 * (attempt - 1) - difficulty(question))))
        given = self.rng.random() < chance
        return self.activity.graded_answer(question, question.pick_answer(given, self.rng))

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
        activity, user_id, slug = self.activity, self.user_id, scenario.slug
        run_id = activity.new_run_id()
        made, points, node = 0, 0.0, scenario.start
        flags: set[str] = set()
        while node in scenario.steps:
            step = scenario.steps[node]
            if stops and made and self.rng.random() < 0.5:
                break
            weights = [math.exp(self.skill * choice.points / 2) for choice in step.choices]
            choice = self.rng.choices(step.choices, weights)[0]
            made += 1
            chosen_at = self.stamp(at + timedelta(minutes=made))
            activity.choices.append(
                (run_id, made - 1, *activity.chosen_columns(scenario, step, choice), chosen_at)
            )
            activity.learning.append(
                (
                    user_id,
                    VERB_CHOSE,
                    "scenario",
                    slug,
                    step.id,
                    None,
                    None,
                    None,
                    choice.id,
                    chosen_at,
                )
            )
            points += choice.points
            flags |= choice.sets
            node = choice.next_for(flags, scenario.score_percent(points))
        ending = scenario.endings.get(node)
        updated_at = self.stamp(at + timedelta(minutes=made))
        score = None
        is_passed = None
        if ending is not None:
            score = min(1.0, points / scenario.max_points) if scenario.max_points else 1.0
            is_passed = scenario.pass_mark is None or is_passing(score, scenario.pass_mark)
            activity.learning.append(
                (
                    user_id,
                    VERB_FINISHED,
                    "scenario",
                    slug,
                    ending.id,
                    score,
                    is_passed,
                    True,
                    None,
                    updated_at,
                )
            )
        activity.runs.append(
            (
                run_id,
                user_id,
                slug,
                scenario.version,
                number,
                self.stamp(at),
                updated_at,
                None if ending else node,
                ending.id if ending else None,
                ending.title if ending else None,
                ending.rating if ending else None,
                updated_at if ending else None,
                points,
                scenario.max_points,
                score,
                scenario.pass_mark,
                is_passed,
            )
        )
        return bool(is_passed)


def difficulty(question: Question) -> float:
    """Return a stable difficulty for a question, from -1 (easy) to 1.5 (hard)."""
    return _difficulty_of(question.id)


@functools.cache  # asked once per answer: a large demo asks millions of times
def _difficulty_of(question_id: str) -> float:
    digest = hashlib.sha256(question_id.encode()).digest()
    return -1 + 2.5 * digest[0] / 255
