"""Summary rows: where each learner stands on each item and on the course, kept with the facts.

The services that record learning call ``record_item`` in their own transaction,
so a summary can never disagree with the facts it sums up. The statements that
write one learner's rows are the statements that recompute everyone's
(``rebuild_summaries``): the same SELECT over the facts, once narrowed to one
learner and item, once not. Item status comes from ``item_kinds`` alone.

What an item's status and the course's figures depend on in the outline (which
items count, which are required, each quiz's limit) is kept in the table
``summary_outline_item``, so any process can write summaries in SQL without the
catalog; ``ensure_outline`` rewrites it and recomputes every summary when the
catalog's outline differs from it.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal_column,
    select,
    true,
    union_all,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool
from sqlalchemy.sql.compiler import Compiled

from course.auth.models import User
from course.content.model import Catalog
from course.db import run_compiled
from course.membership import JOINED, Cohort, CohortMember, LearnerDueDate
from course.progress.days import day_number
from course.progress.item_kinds import ITEM_KINDS, ONE, ZERO, LearnerFilter
from course.progress.models import ItemSummary, LearnerSummary, MemberSummary, SummaryOutlineItem
from course.progress.risk import at_risk_from_day, overdue_from_day
from course.progress.status import Status

OUTLINE = SummaryOutlineItem.__table__
ITEMS = ItemSummary.__table__
LEARNERS = LearnerSummary.__table__
MEMBERS = MemberSummary.__table__
ITEM_KEY = ("user_id", "item_kind", "item_slug")
ITEM_COLUMNS = (
    *ITEM_KEY,
    "status",
    "attempts",
    "granted",
    "best_score",
    "last_activity_at",
    "done_at",
    "unfinished",
    "ending_title",
)
LEARNER_COLUMNS = (
    "user_id",
    "required_done",
    "percent",
    "completed_at",
    "last_activity_at",
    "out_of_attempts",
)
MEMBER_KEY = ("cohort_id", "user_id")
MEMBER_COLUMNS = (
    *MEMBER_KEY,
    "sort_name",
    "joined_at",
    "percent",
    "completed_at",
    "last_activity_at",
    "out_of_attempts",
    "final_score",
    "active_day",
    "due_day",
    "completed_day",
    "at_risk_from_day",
    "overdue_from_day",
)
# Summary writes of one learner wait for each other on PostgreSQL (an advisory lock
# in this space, keyed by the learner): each recomputes the course row from the item
# rows, and must see the item row another transaction is writing.
LOCK_SPACE = 0x5EA1


def _item_summaries(kinds: list[str], learners: LearnerFilter, *, one_item: bool = False) -> Select:
    """SELECT the item summaries of ``kinds`` for the learners ``learners`` lets through.

    ``one_item``: only the item whose slug is bound as ``slug``.
    """
    facts = union_all(*(ITEM_KINDS[kind].facts(learners) for kind in kinds)).subquery("fact")
    fact = facts.c
    limit = OUTLINE.c.max_attempts
    if len(kinds) == 1:
        status = ITEM_KINDS[kinds[0]].status(fact, limit)
    else:
        status = case(
            *((fact.kind == name, ITEM_KINDS[name].status(fact, limit)) for name in kinds)
        )
    query = select(
        fact.user_id,
        fact.kind,
        fact.slug,
        status,
        fact.records,
        fact.granted,
        fact.best_score,
        fact.last_at,
        fact.done_at,
        fact.unfinished,
        fact.ending_title,
    ).select_from(
        facts.outerjoin(
            OUTLINE, and_(OUTLINE.c.item_kind == fact.kind, OUTLINE.c.item_slug == fact.slug)
        )
    )
    return query.where(fact.slug == bindparam("slug")) if one_item else query


def _learner_summaries(learners: LearnerFilter) -> Select:
    """SELECT the course summaries of learners from their item summaries and the outline."""
    item = ITEMS.c
    required = OUTLINE.c.is_required  # NULL for an item no longer in the outline
    in_outline = OUTLINE.c.item_kind.is_not(None)
    required_total = (
        select(func.count()).select_from(OUTLINE).where(OUTLINE.c.is_required).scalar_subquery()
    )
    done = func.sum(case((required & item.done_at.is_not(None), ONE), else_=ZERO))
    return (
        select(
            item.user_id,
            done,
            # Whole percent, rounded down in integers: 100 only when everything is done.
            case(
                (required_total == ZERO, literal_column("100")), else_=done * 100 // required_total
            ),
            case((done == required_total, func.max(case((required, item.done_at))))),
            func.max(case((in_outline, item.last_activity_at))),
            func.sum(
                case((required & (item.status == Status.OUT_OF_ATTEMPTS.value), ONE), else_=ZERO)
            ),
        )
        .select_from(
            ITEMS.outerjoin(
                OUTLINE,
                and_(OUTLINE.c.item_kind == item.item_kind, OUTLINE.c.item_slug == item.item_slug),
            )
        )
        .where(learners(item.user_id))
        .group_by(item.user_id)
    )


def _member_summaries(members: ColumnElement[bool]) -> Select:
    """SELECT the summaries of the joined cohort members ``members`` lets through.

    A member's course figures are their learner summary's (a learner without one has
    done nothing: complete only when nothing is required); the cohort adds when they
    joined and their due date, the latest a manager set for them, else the cohort's.
    The days from which the member is at risk and overdue follow from those figures
    in the same row (``course.progress.risk``), so they can never disagree with them.
    """
    member = CohortMember.__table__.c
    summary = LEARNERS.c
    final = ITEMS.alias("final")
    final_slug = (
        select(OUTLINE.c.item_slug)
        .where(OUTLINE.c.item_kind == "quiz", OUTLINE.c.is_required)
        .order_by(OUTLINE.c.position.desc())
        .limit(1)
        .scalar_subquery()
    )
    nothing_required = ~(select(OUTLINE.c.item_slug).where(OUTLINE.c.is_required).exists())
    untouched_percent = case((nothing_required, literal_column("100")), else_=ZERO)
    due = LearnerDueDate.__table__.c
    own_due_on = (
        select(due.due_on)
        .where(due.cohort_id == member.cohort_id, due.user_id == member.user_id)
        .order_by(due.set_at.desc(), due.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    cohort = Cohort.__table__.c
    user = User.__table__.c
    percent = func.coalesce(summary.percent, untouched_percent)
    out_of_attempts = func.coalesce(summary.out_of_attempts, ZERO)
    active_day = day_number(func.coalesce(summary.last_activity_at, member.joined_at))
    due_day = day_number(func.coalesce(own_due_on, cohort.due_on))
    return (
        select(
            member.cohort_id,
            member.user_id,
            func.lower(user.name),
            member.joined_at,
            percent,
            summary.completed_at,
            summary.last_activity_at,
            out_of_attempts,
            final.c.best_score,
            active_day,
            due_day,
            day_number(summary.completed_at),
            at_risk_from_day(percent, out_of_attempts, active_day, due_day),
            overdue_from_day(percent, due_day),
        )
        .select_from(
            CohortMember.__table__.join(Cohort.__table__, cohort.id == member.cohort_id)
            .join(User.__table__, user.id == member.user_id)
            .outerjoin(LEARNERS, summary.user_id == member.user_id)
            .outerjoin(
                final,
                and_(
                    final.c.user_id == member.user_id,
                    final.c.item_kind == "quiz",
                    final.c.item_slug == final_slug,
                ),
            )
        )
        .where(JOINED, members)
    )


def _one_learner(user_id: ColumnElement[int]) -> ColumnElement[bool]:
    return user_id == bindparam("user_id")


def _everyone(_user_id: ColumnElement[int]) -> ColumnElement[bool]:
    return true()


def _upsert(dialect: str, table, columns: tuple[str, ...], key: tuple[str, ...], source: Select):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    statement = dialect_insert(table).from_select(list(columns), source)
    return statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: statement.excluded[name] for name in columns if name not in key},
    )


# Compiled once per dialect and kind: SQLAlchemy does not cache the compiled form of an
# INSERT … ON CONFLICT, and compiling these took twice as long as the rest of a quiz
# submission.
_compiled: dict[tuple[str, str], Compiled] = {}


def _compiled_upsert(dialect: Dialect, name: str) -> Compiled:
    found = _compiled.get((dialect.name, name))
    if found is None:
        if name == "learner":
            source = _learner_summaries(_one_learner)
            upsert = _upsert(dialect.name, LEARNERS, LEARNER_COLUMNS, ("user_id",), source)
        else:
            source = _item_summaries([name], _one_learner, one_item=True)
            upsert = _upsert(dialect.name, ITEMS, ITEM_COLUMNS, ITEM_KEY, source)
        found = _compiled[(dialect.name, name)] = upsert.compile(dialect=dialect)
    return found


def _run_upsert(connection: Connection, name: str, params: dict) -> None:
    # Only plain ints and strings are bound (the learner, the slug, the statuses).
    run_compiled(connection, _compiled_upsert(connection.dialect, name), params)


def record_item(session: Session, user_id: int, kind: str, slug: str) -> None:
    """Recompute the learner's summary of one item, and of the course, from the facts.

    Called by every service that writes a fact, after it is flushed, in its transaction.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(LOCK_SPACE, user_id)))
    _run_upsert(connection, kind, {"user_id": user_id, "slug": slug})
    _run_upsert(connection, "learner", {"user_id": user_id})
    _refresh_learner_members(connection, user_id)


def refresh_members(
    session: Session, *, cohort_id: int | None = None, user_ids: list[int] | None = None
) -> None:
    """Rewrite the member summaries of a cohort, of learners, or of learners in a cohort.

    Called, in their transaction, by whatever changes what a member summary holds
    besides the learning itself: joining or leaving a cohort, a due date, a name.
    """
    session.flush()
    stored, members = [], []
    if cohort_id is not None:
        stored.append(MEMBERS.c.cohort_id == cohort_id)
        members.append(CohortMember.cohort_id == cohort_id)
    if user_ids is not None:
        stored.append(MEMBERS.c.user_id.in_(user_ids))
        members.append(CohortMember.user_id.in_(user_ids))
    if not stored:
        raise ValueError("refresh_members needs a cohort, learners or both")
    connection = session.connection()
    connection.execute(delete(MEMBERS).where(*stored))
    connection.execute(
        insert(MEMBERS).from_select(list(MEMBER_COLUMNS), _member_summaries(and_(*members)))
    )


# One learner's rows, rewritten with every fact they record: built once, so SQLAlchemy
# compiles each statement once and caches it.
_DELETE_LEARNER_MEMBERS = delete(MEMBERS).where(MEMBERS.c.user_id == bindparam("user_id"))
_INSERT_LEARNER_MEMBERS = insert(MEMBERS).from_select(
    list(MEMBER_COLUMNS), _member_summaries(CohortMember.user_id == bindparam("user_id"))
)


def _refresh_learner_members(connection: Connection, user_id: int) -> None:
    # Delete and insert rather than upsert: the statements stay those of any refresh.
    connection.execute(_DELETE_LEARNER_MEMBERS, {"user_id": user_id})
    connection.execute(_INSERT_LEARNER_MEMBERS, {"user_id": user_id})


def rebuild_summaries(connection: Connection, *, with_members: bool = True) -> None:
    """Recompute every summary row from the facts, in bulk (three INSERT … SELECT).

    ``with_members=False`` only for the migration that predates the member summaries.
    """
    if with_members:
        connection.execute(delete(MEMBERS))
    connection.execute(delete(LEARNERS))
    connection.execute(delete(ITEMS))
    connection.execute(
        insert(ITEMS).from_select(list(ITEM_COLUMNS), _item_summaries(list(ITEM_KINDS), _everyone))
    )
    connection.execute(
        insert(LEARNERS).from_select(list(LEARNER_COLUMNS), _learner_summaries(_everyone))
    )
    if with_members:
        rebuild_member_summaries(connection, delete_first=False)


def rebuild_member_summaries(connection: Connection, *, delete_first: bool = True) -> None:
    """Recompute every member summary from the learner summaries and the memberships."""
    if delete_first:
        connection.execute(delete(MEMBERS))
    connection.execute(insert(MEMBERS).from_select(list(MEMBER_COLUMNS), _member_summaries(true())))


def summarise_new_learners(connection: Connection, learners: LearnerFilter) -> None:
    """Write the summaries of learners who have none yet, from their facts inserted in bulk.

    The statements ``rebuild_summaries`` runs, narrowed to ``learners``; the stored
    outline must already be the catalog's (``ensure_outline``).
    """
    connection.execute(
        insert(ITEMS).from_select(list(ITEM_COLUMNS), _item_summaries(list(ITEM_KINDS), learners))
    )
    connection.execute(
        insert(LEARNERS).from_select(list(LEARNER_COLUMNS), _learner_summaries(learners))
    )


def outline_rows(catalog: Catalog) -> set[tuple]:
    """Return what the summaries depend on in the catalog's outline, as the table's rows."""
    return {
        (
            item.kind,
            item.slug,
            item.index,
            item.required,
            catalog.quizzes[item.slug].max_attempts if item.kind == "quiz" else None,
        )
        for item in catalog.items
    }


def stored_outline(connection: Connection) -> set[tuple]:
    """Return the outline the summaries were computed for."""
    outline = OUTLINE.c
    rows = connection.execute(
        select(
            outline.item_kind,
            outline.item_slug,
            outline.position,
            outline.is_required,
            outline.max_attempts,
        )
    )
    return {tuple(row) for row in rows}


def replace_outline(connection: Connection, rows: set[tuple], *, with_members: bool = True) -> None:
    """Store ``rows`` as the outline and recompute every summary for it."""
    connection.execute(delete(OUTLINE))
    if rows:
        names = ("item_kind", "item_slug", "position", "is_required", "max_attempts")
        connection.execute(insert(OUTLINE), [dict(zip(names, row, strict=True)) for row in rows])
    rebuild_summaries(connection, with_members=with_members)


def summarise_everyone(session: Session, catalog: Catalog) -> None:
    """Recompute every summary for the catalog's outline: after facts inserted in bulk."""
    connection = session.connection()
    wanted = outline_rows(catalog)
    if stored_outline(connection) != wanted:
        replace_outline(connection, wanted)  # which recomputes every summary
    else:
        rebuild_summaries(connection)


# The catalog whose outline each database was last seen to hold, so that a process
# checks the stored outline once per catalog (it is immutable: a reload makes a new
# one) rather than on every page. Keyed by the connection pool, which the reading
# and the writing engine of one database share.
_checked: weakref.WeakKeyDictionary[Pool, Catalog] = weakref.WeakKeyDictionary()


def ensure_outline(session: Session, catalog: Catalog, *, remember: bool = False) -> bool:
    """Bring the summaries in line with the catalog's outline; tell whether they had to change.

    ``remember`` once the caller commits: later calls for this catalog then cost nothing.
    """
    pool = session.get_bind().engine.pool  # bound to an engine or one of its connections
    if outline_is_checked(pool, catalog):
        return False
    wanted = outline_rows(catalog)
    connection = session.connection()
    changed = stored_outline(connection) != wanted
    if changed:
        replace_outline(connection, wanted)
    if remember:
        _checked[pool] = catalog
    return changed


def outline_is_checked(pool: Pool, catalog: Catalog) -> bool:
    """Tell whether this process saw the database behind ``pool`` hold the catalog's outline."""
    return _checked.get(pool) is catalog


@dataclass(frozen=True)
class Difference:
    """A stored summary row that disagrees with the facts."""

    user_id: int
    item: str | None  # "kind slug", or None for the learner's course row
    stored: tuple | None
    recomputed: tuple | None


def summary_differences(connection: Connection) -> list[Difference]:
    """Recompute every summary from the facts and return where the stored rows differ."""
    found = []
    items = _item_summaries(list(ITEM_KINDS), _everyone)
    stored_items = {
        tuple(row[:3]): tuple(row[3:])
        for row in connection.execute(select(*(ITEMS.c[name] for name in ITEM_COLUMNS)))
    }
    recomputed_items = {tuple(row[:3]): tuple(row[3:]) for row in connection.execute(items)}
    for key in sorted(stored_items.keys() | recomputed_items.keys()):
        stored, recomputed = stored_items.get(key), recomputed_items.get(key)
        if stored != recomputed:
            found.append(Difference(key[0], f"{key[1]} {key[2]}", stored, recomputed))
    learners = _learner_summaries(_everyone)
    stored_learners = {
        row[0]: tuple(row[1:])
        for row in connection.execute(select(*(LEARNERS.c[name] for name in LEARNER_COLUMNS)))
    }
    recomputed_learners = {row[0]: tuple(row[1:]) for row in connection.execute(learners)}
    for user_id in sorted(stored_learners.keys() | recomputed_learners.keys()):
        stored, recomputed = stored_learners.get(user_id), recomputed_learners.get(user_id)
        if stored != recomputed:
            found.append(Difference(user_id, None, stored, recomputed))
    stored_members = {
        tuple(row[:2]): tuple(row[2:])
        for row in connection.execute(select(*(MEMBERS.c[name] for name in MEMBER_COLUMNS)))
    }
    recomputed_members = {
        tuple(row[:2]): tuple(row[2:]) for row in connection.execute(_member_summaries(true()))
    }
    for key in sorted(stored_members.keys() | recomputed_members.keys()):
        stored, recomputed = stored_members.get(key), recomputed_members.get(key)
        if stored != recomputed:
            found.append(Difference(key[1], f"their row in cohort {key[0]}", stored, recomputed))
    return found
