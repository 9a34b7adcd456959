"""Benchmark 7: a quiz's question analysis over 200,000 attempts, on SQLite and on PostgreSQL.

The attempts are at the real final assessment, each with its own draw of
questions, answered right or wrong by learners of varied skill and graded by
the real question types. TEMPLATE learners' attempts go in with bulk INSERTs;
the database then copies them (INSERT ... SELECT, new ids and emails) until
there are ATTEMPTS, which fills 2.4 million answers in seconds rather than the
many minutes Python takes to send them. The answer tallies the page reads are
then computed from those facts by the recomputation the migration and
``course db check --repair`` use (the services would have kept them as each
attempt came in), and the analysis is timed as the manager's page computes it.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, literal, select, text
from sqlalchemy.orm import Session

from bench.databases import each_database, migrate
from bench.processes import REPOSITORY
from bench.report import Figure, Target, say

BENCHMARK = "7. Question analysis"
ATTEMPTS = 200_000
TEMPLATE = 2_000  # learners made in Python; ATTEMPTS is a whole number of copies of them
QUIZ = "final-assessment"
MAX_S = 0.5
REPEATS = 3
BATCH = 20_000  # rows per INSERT statement's parameter list


def run(workspace: Path) -> list[Figure]:
    """Fill each database with the attempts, then time the analysis on it."""
    backends = each_database(workspace, "analysis")
    figures = []
    for backend, database in backends.items():
        name = f"{backend}: {ATTEMPTS:,} attempts"
        try:
            with database() as database_url:
                migrate(database_url)
                seconds, note = time_analysis(database_url, backend)
        except Exception as error:  # one database missing must not hide the other's figures
            figures.append(Figure(BENCHMARK, name, None, error=str(error)))
            continue
        figures.append(Figure(BENCHMARK, name, seconds, "s", Target("<=", MAX_S), 3, note))
    return figures


def time_analysis(database_url: str, backend: str) -> tuple[float, str]:
    """Fill the database, then return the median analysis time and a note on the run."""
    from course.content.loader import load_catalog
    from course.db import make_engine
    from course.manage.quiz_analysis import analyse_quiz
    from course.models import import_all_models
    from course.progress.answer_tallies import rebuild_answer_tallies

    import_all_models()
    quiz = load_catalog(REPOSITORY).quizzes[QUIZ]
    engine = make_engine(database_url)
    try:
        say(f"filling {backend} with {ATTEMPTS:,} attempts at {QUIZ}")
        began = time.perf_counter()
        with Session(engine) as session:
            cohort_id, answers = fill(session, quiz, random.Random(1))
            session.commit()
        filled = time.perf_counter() - began
        say(f"tallying the answers on {backend}")
        began = time.perf_counter()
        with Session(engine) as session:
            rebuild_answer_tallies(session.connection())
            session.commit()
        tallied = time.perf_counter() - began
        settle(engine)
        say(f"timing the analysis on {backend}")
        seconds = []
        with Session(engine) as session:
            analysis = analyse_quiz(session, quiz, cohort_id)  # warm-up
            for _ in range(REPEATS):
                began = time.perf_counter()
                analysis = analyse_quiz(session, quiz, cohort_id)
                seconds.append(time.perf_counter() - began)
    finally:
        engine.dispose()
    if analysis.attempts != ATTEMPTS or not all(q.is_enough for q in analysis.questions):
        raise RuntimeError(f"the analysis counted {analysis.attempts:,} attempts")
    runs = ", ".join(f"{s:.3f}" for s in seconds)
    note = (
        f"{answers:,} answers filled in {filled:.0f} s, tallied in {tallied:.0f} s; "
        f"median of {runs} s after a warm-up"
    )
    return statistics.median(seconds), note


def settle(engine) -> None:
    """Gather the planner's statistics (and PostgreSQL's visibility map), as autovacuum would.

    Without them a freshly filled database is planned as if empty.
    """
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        statement = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
        connection.execute(text(statement))


def fill(session: Session, quiz, rng: random.Random) -> tuple[int, int]:
    """Add a manager and a cohort of ATTEMPTS learners with an attempt each.

    Return the cohort's id and how many answers there are.
    """
    from course.auth.models import Role, User
    from course.manage.cohorts import create_cohort
    from course.membership import CohortMember
    from course.progress.draws import draw_questions
    from course.progress.models import QuizAnswer, QuizAttempt
    from course.progress.quizzes import is_passing

    now = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    manager = User(email="bench.manager@example.com", name="Bench Manager", role=Role.MANAGER)
    session.add(manager)
    session.flush()
    cohort = create_cohort(
        session, name="Bench cohort", starts_on=None, due_on=None, manager_id=manager.id, now=now
    )
    session.flush()
    user_ids: list[int] = []
    for first in range(0, TEMPLATE, BATCH):
        people = [
            {
                "email": f"bench-{number:06d}@example.com",
                "name": f"Bench Learner {number}",
                "role": Role.LEARNER,
                "password_hash": None,
                "created_at": now,
            }
            for number in range(first, min(first + BATCH, TEMPLATE))
        ]
        user_ids += session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True), people
        ).all()
    insert_batches(
        session,
        CohortMember.__table__,
        [{"cohort_id": cohort.id, "user_id": user_id, "joined_at": now} for user_id in user_ids],
    )
    # Each question's right and wrong answer, graded once: the rows differ only in who gave it.
    graded = {}
    for question in quiz.questions:
        for is_right in (True, False):
            response = question.pick_answer(is_right, rng)
            grade = question.grade(response)
            graded[question.id, is_right] = {
                "question_id": question.id,
                "question_type": question.type,
                "question_version": question.version,
                "answer": question.answer_to_json(response),
                "points": grade.points,
                "max_points": question.points,
                "is_correct": grade.is_correct,
                "review": question.review(response, grade),
            }
    difficulty = {question.id: rng.uniform(-1.0, 1.5) for question in quiz.questions}
    attempts, answers = [], []
    for user_id in user_ids:
        skill = rng.gauss(1.5, 1.0)
        drawn = quiz.drawn(draw_questions(quiz, rng))
        mine = []
        for position, question in enumerate(drawn.questions):
            chance = 1 / (1 + math.exp(difficulty[question.id] - skill))
            mine.append({**graded[question.id, rng.random() < chance], "position": position})
        points = sum(answer["points"] for answer in mine)
        score = points / drawn.total_points
        submitted = now - timedelta(minutes=rng.uniform(0, 60 * 24 * 28))
        attempts.append(
            {
                "user_id": user_id,
                "quiz_slug": quiz.slug,
                "content_version": quiz.version,
                "number": 1,
                "started_at": submitted - timedelta(minutes=20),
                "submitted_at": submitted,
                "points": points,
                "max_points": drawn.total_points,
                "score": score,
                "pass_mark": quiz.pass_mark,
                "is_passed": is_passing(score, quiz.pass_mark),
            }
        )
        answers.append(mine)
    attempt_ids: list[int] = []
    for first in range(0, len(attempts), BATCH):
        attempt_ids += session.scalars(
            insert(QuizAttempt).returning(QuizAttempt.id, sort_by_parameter_order=True),
            attempts[first : first + BATCH],
        ).all()
    rows = [
        {**answer, "attempt_id": attempt_id}
        for attempt_id, mine in zip(attempt_ids, answers, strict=True)
        for answer in mine
    ]
    insert_batches(session, QuizAnswer.__table__, rows)
    shifts = {
        User.__table__: {"id": TEMPLATE},
        CohortMember.__table__: {"id": TEMPLATE, "user_id": TEMPLATE},
        QuizAttempt.__table__: {"id": TEMPLATE, "user_id": TEMPLATE},
        QuizAnswer.__table__: {"id": len(rows), "attempt_id": TEMPLATE},
    }
    copied = {table: session.scalar(select(func.max(table.c.id))) for table in shifts}
    for copy in range(1, ATTEMPTS // TEMPLATE):
        for table, shift in shifts.items():
            copy_rows(session, table, copied[table], shift, copy)
    return cohort.id, len(rows) * (ATTEMPTS // TEMPLATE)


def copy_rows(session: Session, table, up_to_id: int, shift: dict[str, int], copy: int) -> None:
    """Copy ``table``'s rows up to ``up_to_id``, their ids moved by ``copy`` times ``shift``.

    Copied accounts get a new email; the manager (the first account) is not copied.
    """
    columns = []
    for column in table.c:
        if column.name in shift:
            columns.append(column + copy * shift[column.name])
        elif column.name == "email":
            columns.append(literal(f"copy{copy}-") + column)
        else:
            columns.append(column)
    lowest = 2 if table.name == "user" else 1
    session.execute(
        insert(table).from_select(
            [column.name for column in table.c],
            select(*columns).where(table.c.id.between(lowest, up_to_id)),
        )
    )


def insert_batches(session: Session, table, rows: list[dict]) -> None:
    """Insert ``rows`` into ``table`` with one executemany per BATCH rows."""
    for first in range(0, len(rows), BATCH):
        session.execute(insert(table), rows[first : first + BATCH])
