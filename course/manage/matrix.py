"""The cohort's progress matrix: one row per learner, filtered and sorted alike for page and CSV.

The page costs what it shows, not what the cohort holds: its counts, charts and
filters are queries over the learners' summary rows (``course.progress.summaries``),
each count a range of one index, and only the rows of the page shown are read
item by item. The CSV streams every learner the filter lets through in one
query, each row carrying the learner's item summaries packed in one text. A
cohort of any size costs the same few queries.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    and_,
    false,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.orm import Session

from course.auth.models import User
from course.content.model import Catalog, OutlineItem
from course.manage.cohorts import Member
from course.manage.paging import requested_page
from course.membership import Cohort
from course.progress.days import date_of, day_of
from course.progress.models import MemberSummary
from course.progress.risk import DUE_SOON_DAYS, INACTIVE_AFTER_DAYS
from course.progress.state import (
    LearnerProgress,
    packed_item_summaries,
    progress_for_learners,
)
from course.progress.status import ItemState
from course.progress.summaries import ensure_outline

BATCH_SIZE = 1000  # learners read at once, for the CSV and reminders
PROGRESS_BUCKETS = ((0, 0), (1, 24), (25, 49), (50, 74), (75, 99), (100, 100))

SHOW = {
    "all": "All learners",
    "not-started": "Not started",
    "in-progress": "In progress",
    "completed": "Completed",
    "at-risk": "At risk",
    "overdue": "Overdue",
}
# One compact mark per item state in the matrix, each with its words beside it
# for screen readers and in the legend: the mark alone never carries the meaning.
MARKS = {
    "done": ("✓", "done: completed, passed or finished"),
    "in progress": ("◐", "in progress"),
    "attempted": ("↻", "attempted, not passed yet"),
    "out of attempts": ("✕", "out of attempts, not passed"),
    "not started": ("○", "not started"),
    "locked": ("⊘", "locked until earlier items are done"),
}


def mark_of(state: ItemState) -> str:
    """Return which of MARKS the item's state shows as."""
    if state.is_locked:
        return "locked"
    if state.is_done:
        return "done"
    return state.status.value if state.status.value in MARKS else "in progress"


SORTS = {"name": "Name", "progress": "Progress", "activity": "Last activity"}


@dataclass(frozen=True)
class MatrixView:
    """Which rows the matrix shows, read from the query string; anything unknown is the default."""

    show: str = "all"
    sort: str = "name"
    descending: bool = False
    page: int = 1

    @classmethod
    def from_query(cls, args) -> MatrixView:
        """Read the view from a request's query arguments."""
        return cls(
            show=args.get("show") if args.get("show") in SHOW else "all",
            sort=args.get("sort") if args.get("sort") in SORTS else "name",
            descending=args.get("order") == "desc",
            page=requested_page(args),
        )

    def query(self, **changes) -> dict:
        """Return the query-string arguments of this view with ``changes``, for ``url_for``."""
        args = {
            "show": self.show,
            "sort": self.sort,
            "order": "desc" if self.descending else "asc",
            "page": self.page,
        }
        args.update(changes)
        return args


@dataclass(frozen=True)
class LearnerRow:
    """One learner's line in the matrix and the CSV."""

    user_id: int
    name: str
    email: str
    joined_at: datetime
    percent: int
    is_complete: bool
    is_started: bool
    completed_at: datetime | None
    last_activity_at: datetime | None
    items: tuple[ItemState, ...]  # every outline item's state, in outline order
    flags: tuple[str, ...]  # why the learner is at risk, in words
    due_on: date | None = None  # the learner's own date if a manager set one, else the cohort's
    is_overdue: bool = False  # unfinished, and their due date has passed

    @property
    def stage(self) -> str:
        if self.is_complete:
            return "completed"
        return "in-progress" if self.is_started else "not-started"

    @property
    def is_at_risk(self) -> bool:
        return bool(self.flags)


@dataclass(frozen=True)
class Summary:
    learners: int
    completed: int
    not_started: int
    at_risk: int
    overdue: int
    average_percent: int | None
    final_title: str | None
    final_average: float | None  # mean best score (0-1) of those who attempted the final quiz
    final_attempted: int


@dataclass(frozen=True)
class Headline:
    """A cohort's line on the manager's list of cohorts."""

    cohort: Cohort
    learners: int
    completed: int
    overdue: int

    @property
    def completed_share(self) -> float | None:
        return self.completed / self.learners if self.learners else None


MEMBER = MemberSummary.__table__.c


def _of_cohorts(cohorts: list[Cohort]) -> ColumnElement[bool]:
    if len(cohorts) == 1:
        return MEMBER.cohort_id == cohorts[0].id
    return MEMBER.cohort_id.in_([cohort.id for cohort in cohorts])


@dataclass(frozen=True)
class Conditions:
    """The matrix's filters as SQL over member summaries; the same rules as ``risk_flags``.

    At risk and overdue compare today with the first day each holds, kept in the
    row (``course.progress.risk``): the page's counts of them are index ranges, and
    its filtered rows follow the same rule.
    """

    is_complete: ColumnElement[bool]
    is_started: ColumnElement[bool]
    is_overdue: ColumnElement[bool]
    is_at_risk: ColumnElement[bool]

    @classmethod
    def of(cls, today: date) -> Conditions:
        today_day = literal(day_of(today), Integer)
        return cls(
            is_complete=MEMBER.percent == 100,
            is_started=MEMBER.last_activity_at.is_not(None),
            # NULL, and so false, for whoever finished (or has no due date).
            is_overdue=MEMBER.overdue_from_day <= today_day,
            is_at_risk=MEMBER.at_risk_from_day <= today_day,
        )

    def shown(self, show: str) -> ColumnElement[bool]:
        """Return the condition of the learners the matrix's "Show" choice lists."""
        return {
            "all": true(),
            "not-started": and_(~self.is_complete, ~self.is_started),
            "in-progress": and_(~self.is_complete, self.is_started),
            "completed": self.is_complete,
            "at-risk": self.is_at_risk,
            "overdue": self.is_overdue,
        }.get(show, false())


def _order(sort: str, descending: bool) -> list:
    """Return ORDER BY terms: by name (case-insensitive, A to Z) within every other order.

    Each order leads with a column one of the member summaries' indexes starts
    with (after the cohort), so a page of the matrix does not sort the cohort.
    """
    by_name = [MEMBER.sort_name, MEMBER.user_id]
    if sort == "progress":
        return [MEMBER.percent.desc() if descending else MEMBER.percent, *by_name]
    if sort == "activity":
        # Never-active learners sort as the least recent, whichever the direction.
        activity = MEMBER.last_activity_at
        return [activity.desc().nulls_last() if descending else activity.nulls_first(), *by_name]
    return [term.desc() for term in by_name] if descending else by_name


def _count(condition: ColumnElement[bool]):
    return func.count().filter(condition)


@dataclass(frozen=True)
class CohortReport:
    """The cohort page's figures: three queries over index ranges, whatever the cohort's size."""

    summary: Summary
    counts: dict[str, int]  # learners per "Show" choice
    buckets: tuple[int, ...]  # learners per stretch of PROGRESS_BUCKETS
    completions: dict[date, int]  # learners who completed the course, per day


def _count_query(condition: ColumnElement[bool]):
    """SELECT how many member rows ``condition`` lets through (``_count`` is the aggregate)."""
    return select(func.count()).select_from(MemberSummary.__table__).where(condition)


def cohort_report(session: Session, catalog: Catalog, cohort: Cohort, today: date) -> CohortReport:
    """Return the cohort's headline figures, filter counts and chart data."""
    ensure_outline(session.connection(), catalog)
    conditions = Conditions.of(today)
    final = final_quiz(catalog)
    connection = session.connection()
    in_cohort = _of_cohorts([cohort])
    # A handful of rows, read from the percent index alone: the learners, their
    # mean, the completed ones and the chart's buckets.
    learners_by_percent = dict(
        connection.execute(
            select(MEMBER.percent, func.count()).where(in_cohort).group_by(MEMBER.percent)
        ).all()
    )
    # Each a range of one index read alone, so each costs what it counts.
    attempted_final = (
        select(func.count(), func.sum(MEMBER.final_score))
        .where(in_cohort, MEMBER.final_score.is_not(None))
        .subquery()
    )
    not_started, at_risk, overdue, final_attempted, final_sum = connection.execute(
        select(
            _count_query(and_(in_cohort, conditions.shown("not-started"))).scalar_subquery(),
            _count_query(and_(in_cohort, conditions.is_at_risk)).scalar_subquery(),
            _count_query(and_(in_cohort, conditions.is_overdue)).scalar_subquery(),
            *attempted_final.c,
        )
    ).one()
    learners = sum(learners_by_percent.values())
    completed = learners_by_percent.get(100, 0)
    counts = {
        "all": learners,
        "not-started": not_started,
        "in-progress": learners - completed - not_started,
        "completed": completed,
        "at-risk": at_risk,
        "overdue": overdue,
    }
    buckets = tuple(
        sum(count for percent, count in learners_by_percent.items() if low <= percent <= high)
        for low, high in PROGRESS_BUCKETS
    )
    percent_sum = sum(percent * count for percent, count in learners_by_percent.items())
    summary = Summary(
        learners=learners,
        completed=completed,
        not_started=not_started,
        at_risk=at_risk,
        overdue=overdue,
        average_percent=round(percent_sum / learners) if learners else None,
        final_title=final.title if final else None,
        final_average=final_sum / final_attempted if final_attempted else None,
        final_attempted=final_attempted,
    )
    return CohortReport(summary, counts, buckets, _completions(session, cohort))


def _completions(session: Session, cohort: Cohort) -> dict[date, int]:
    rows = session.connection().execute(
        select(MEMBER.completed_day, func.count())
        .where(_of_cohorts([cohort]), MEMBER.completed_day.is_not(None))
        .group_by(MEMBER.completed_day)
    )
    return {date_of(day): count for day, count in rows}


USER = User.__table__.c


def _rows_query(cohort: Cohort, today: date, view: MatrixView, *columns) -> Select:
    """SELECT ``columns`` of the members ``view`` lists, in its order."""
    return (
        select(*columns)
        .join_from(MemberSummary.__table__, User.__table__, USER.id == MEMBER.user_id)
        .where(_of_cohorts([cohort]), Conditions.of(today).shown(view.show))
        .order_by(*_order(view.sort, view.descending))
    )


MATRIX_COLUMNS = (MEMBER.user_id, USER.name, USER.email, MEMBER.joined_at, MEMBER.due_day)


def _learner_rows(session: Session, catalog: Catalog, members, today: date) -> list[LearnerRow]:
    """Build the rows of these members (user id, name, email, joined, due day), in order."""
    members = list(members)
    progress = progress_for_learners(
        session.connection(), catalog, [member[0] for member in members]
    )
    return [
        learner_row(
            Member(user_id, name, email, joined_at, True, None, False),
            progress[user_id],
            None if due_day is None else date_of(due_day),
            today,
        )
        for user_id, name, email, joined_at, due_day in members
    ]


def cohort_page(
    session: Session,
    catalog: Catalog,
    cohort: Cohort,
    today: date,
    view: MatrixView,
    *,
    offset: int,
    size: int,
) -> list[LearnerRow]:
    """Return the rows of one page of the matrix as ``view`` filters and sorts it (two queries)."""
    ensure_outline(session.connection(), catalog)
    query = _rows_query(cohort, today, view, *MATRIX_COLUMNS).limit(size).offset(offset)
    return _learner_rows(session, catalog, session.connection().execute(query), today)


def _streamed(session: Session, query: Select) -> Iterator[Sequence[Row]]:
    """Yield the rows of ``query`` BATCH_SIZE at a time, read as a stream."""
    # Streamed for this statement only: Connection.execution_options would keep the whole
    # connection streaming, and PostgreSQL cannot stream the INSERTs that may follow.
    rows = session.connection().execute(query, execution_options={"yield_per": BATCH_SIZE})
    try:
        yield from rows.partitions()
    finally:
        rows.close()  # a server-side cursor on PostgreSQL, also when the reader stops early


def cohort_row_batches(
    session: Session, catalog: Catalog, cohort: Cohort, today: date, view: MatrixView
) -> Iterator[list[LearnerRow]]:
    """Yield the rows ``view`` selects, BATCH_SIZE at a time, reading the learners as a stream."""
    ensure_outline(session.connection(), catalog)
    for members in _streamed(session, _rows_query(cohort, today, view, *MATRIX_COLUMNS)):
        yield _learner_rows(session, catalog, members, today)


def cohort_packed_batches(
    session: Session, catalog: Catalog, cohort: Cohort, today: date, view: MatrixView
) -> Iterator[Sequence[Row]]:
    """Yield the learners ``view`` selects in its order, BATCH_SIZE at a time, in one query.

    Each row is (name, email, percent, due day, last activity, item summaries packed
    in one text: ``course.progress.state.unpack_item_summaries``). What the CSV of a
    whole cohort reads: one row per learner rather than one per learner and item.
    """
    ensure_outline(session.connection(), catalog)
    query = _rows_query(
        cohort,
        today,
        view,
        USER.name,
        USER.email,
        MEMBER.percent,
        MEMBER.due_day,
        MEMBER.last_activity_at,
        packed_item_summaries(MEMBER.user_id),
    )
    yield from _streamed(session, query)


def cohort_rows(
    session: Session, catalog: Catalog, cohort: Cohort, today: date
) -> list[LearnerRow]:
    """Return a row per member of the cohort (not those only invited), by name."""
    batches = cohort_row_batches(session, catalog, cohort, today, MatrixView())
    return [row for batch in batches for row in batch]


def headlines(
    session: Session, catalog: Catalog, cohorts: list[Cohort], today: date
) -> list[Headline]:
    """Return each cohort's learners, completions and overdue learners, in one query for all."""
    if not cohorts:
        return []
    ensure_outline(session.connection(), catalog)
    conditions = Conditions.of(today)
    rows = session.connection().execute(
        select(
            MEMBER.cohort_id,
            func.count(),
            _count(conditions.is_complete),
            _count(conditions.is_overdue),
        )
        .where(_of_cohorts(cohorts))
        .group_by(MEMBER.cohort_id)
    )
    figures = {cohort_id: (count, done, overdue) for cohort_id, count, done, overdue in rows}
    return [Headline(cohort, *figures.get(cohort.id, (0, 0, 0))) for cohort in cohorts]


def learner_row(
    member: Member, progress: LearnerProgress, due_on: date | None, today: date
) -> LearnerRow:
    """Build one learner's row, with the reasons they are at risk."""
    return LearnerRow(
        user_id=member.user_id,
        name=member.name,
        email=member.email,
        joined_at=member.joined_at,
        percent=progress.percent,
        is_complete=progress.is_complete,
        is_started=progress.is_started,
        completed_at=progress.completed_at,
        last_activity_at=progress.last_activity_at,
        items=progress.items,
        flags=risk_flags(progress, member.joined_at, due_on, today),
        due_on=due_on,
        is_overdue=not progress.is_complete and due_on is not None and due_on < today,
    )


def risk_flags(
    progress: LearnerProgress, joined_at: datetime, due_on: date | None, today: date
) -> tuple[str, ...]:
    """Say why an unfinished learner is at risk: idle, out of attempts, near or past due."""
    if progress.is_complete:
        return ()
    flags = []
    if progress.last_activity_at is None:
        waited = (today - joined_at.date()).days
        if waited >= INACTIVE_AFTER_DAYS:
            flags.append(f"not started {days(waited)} after joining")
    else:
        idle = (today - progress.last_activity_at.date()).days
        if idle >= INACTIVE_AFTER_DAYS:
            flags.append(f"no activity for {days(idle)}")
    flags.extend(f"out of attempts on {item.title}" for item in progress.out_of_attempts)
    if due_on is not None:
        left = (due_on - today).days
        if left < 0:
            flags.append(f"{progress.percent}% done, overdue by {days(-left)}")
        elif left <= DUE_SOON_DAYS and progress.percent < 100 * (1 - left / DUE_SOON_DAYS):
            # Behind an even pace through the final week: at 3 days left, below 57%.
            when = "today" if left == 0 else f"in {days(left)}"
            flags.append(f"{progress.percent}% done, due {when}")
    return tuple(flags)


def days(count: int) -> str:
    """Return ``1 day`` or ``9 days``."""
    return f"{count} day" if count == 1 else f"{count} days"


def final_quiz(catalog: Catalog) -> OutlineItem | None:
    """Return the outline's last required quiz: the one whose score the summary reports."""
    quizzes = [item for item in catalog.items if item.kind == "quiz" and item.required]
    return quizzes[-1] if quizzes else None
