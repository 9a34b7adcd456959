"""The cohort's progress matrix: one plain row per learner, read by the page and the CSV alike.

The page costs what it shows, not what the cohort holds: its counts, charts and
filters are aggregate queries over the learners' summary rows
(``course.progress.summaries``), and only the rows of the page shown (or of one
batch of the CSV) are read item by item. A cohort of any size costs the same
few queries.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from course.auth.models import User
from course.content.model import Catalog, OutlineItem
from course.db import UTCDateTime
from course.manage.cohorts import JOINED, Member
from course.manage.paging import requested_page
from course.membership import Cohort, CohortMember, LearnerDueDate
from course.progress.models import ItemSummary, LearnerSummary
from course.progress.state import LearnerProgress, progress_for_learners
from course.progress.status import ItemState
from course.progress.summaries import ensure_outline

# This long without activity (or since joining, when never active), an unfinished
# learner is at risk, and is reminded: one rule for the flag and the reminder.
INACTIVE_AFTER_DAYS = 14
DUE_SOON_DAYS = 7  # this close to the due date, an unfinished learner is at risk
BATCH_SIZE = 1000  # learners read item by item at once, for the CSV and reminders
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


def _latest_due_dates(cohort_ids) -> Select:
    """SELECT each learner's own due date per cohort: the latest a manager set."""
    rank = (
        func.row_number()
        .over(
            partition_by=(LearnerDueDate.cohort_id, LearnerDueDate.user_id),
            order_by=(LearnerDueDate.set_at.desc(), LearnerDueDate.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(LearnerDueDate.cohort_id, LearnerDueDate.user_id, LearnerDueDate.due_on, rank)
        .where(LearnerDueDate.cohort_id.in_(cohort_ids))
        .subquery("ranked_due_date")
    )
    return (
        select(ranked.c.cohort_id, ranked.c.user_id, ranked.c.due_on)
        .where(ranked.c.rank == 1)
        .subquery("own_due_date")
    )


def _no_summary_percent(catalog: Catalog) -> int:
    # A learner without a summary row has done nothing: complete only if nothing is required.
    return 0 if catalog.required_items else 100


def _learners(catalog: Catalog, cohorts: list[Cohort], *, with_names: bool = False):
    """Return a subquery of the cohorts' members with their course summaries and due dates.

    ``with_names``: their names and emails too, for rows to show (counts need none).
    """
    own = _latest_due_dates([cohort.id for cohort in cohorts])
    if len(cohorts) == 1:
        cohort_due_on = literal(cohorts[0].due_on, Date)
    else:
        cohort_due_on = case(
            *(
                (CohortMember.cohort_id == cohort.id, literal(cohort.due_on, Date))
                for cohort in cohorts
            ),
            else_=literal(None, Date),
        )
    summary = LearnerSummary
    names = (User.name.label("name"), User.email.label("email")) if with_names else ()
    query = (
        select(
            CohortMember.cohort_id.label("cohort_id"),
            CohortMember.user_id.label("user_id"),
            *names,
            CohortMember.joined_at.label("joined_at"),
            func.coalesce(summary.percent, _no_summary_percent(catalog)).label("percent"),
            summary.last_activity_at.label("last_activity_at"),
            func.coalesce(summary.out_of_attempts, 0).label("out_of_attempts"),
            summary.completed_at.label("completed_at"),
            func.coalesce(own.c.due_on, cohort_due_on).label("due_on"),
        )
        .select_from(CohortMember)
        .outerjoin(summary, summary.user_id == CohortMember.user_id)
        .outerjoin(
            own,
            and_(own.c.cohort_id == CohortMember.cohort_id, own.c.user_id == CohortMember.user_id),
        )
        .where(CohortMember.cohort_id.in_([cohort.id for cohort in cohorts]), JOINED)
    )
    if with_names:
        query = query.join(User, User.id == CohortMember.user_id)
    return query.subquery("learner")


@dataclass(frozen=True)
class Conditions:
    """The matrix's filters as SQL over ``_learners``' columns; the same rules as ``risk_flags``."""

    is_complete: ColumnElement[bool]
    is_started: ColumnElement[bool]
    is_overdue: ColumnElement[bool]
    is_at_risk: ColumnElement[bool]

    @classmethod
    def of(cls, learner, today: date) -> Conditions:
        is_complete = learner.percent == 100
        # Idle for INACTIVE_AFTER_DAYS whole days, counted by date as risk_flags counts them.
        cutoff = datetime.combine(today - timedelta(days=INACTIVE_AFTER_DAYS - 1), time.min, UTC)
        since = func.coalesce(learner.last_activity_at, learner.joined_at)
        is_inactive = since < literal(cutoff, UTCDateTime())
        # Behind an even pace through the final week: percent < 100 * (1 - left / 7).
        is_behind = or_(
            *(
                and_(
                    learner.due_on == today + timedelta(days=left),
                    learner.percent * DUE_SOON_DAYS < 100 * (DUE_SOON_DAYS - left),
                )
                for left in range(DUE_SOON_DAYS + 1)
            )
        )
        is_past_due = learner.due_on < today
        return cls(
            is_complete=is_complete,
            is_started=learner.last_activity_at.is_not(None),
            is_overdue=and_(~is_complete, is_past_due),
            is_at_risk=and_(
                ~is_complete,
                or_(is_inactive, learner.out_of_attempts > 0, is_past_due, is_behind),
            ),
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


def _order(learner, sort: str, descending: bool) -> list:
    """Return ORDER BY terms: by name (case-insensitive) within every other order."""
    by_name = [func.lower(learner.name), learner.user_id]
    if sort == "progress":
        return [learner.percent.desc() if descending else learner.percent, *by_name]
    if sort == "activity":
        # Never-active learners sort as the least recent, whichever the direction.
        never = case((learner.last_activity_at.is_(None), 1), else_=0)
        if descending:
            return [never, learner.last_activity_at.desc(), *by_name]
        return [never.desc(), learner.last_activity_at, *by_name]
    return [term.desc() for term in by_name] if descending else by_name


def _count(condition: ColumnElement[bool]):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


@dataclass(frozen=True)
class CohortReport:
    """The cohort page's figures, from two aggregate queries whatever the cohort's size."""

    summary: Summary
    counts: dict[str, int]  # learners per "Show" choice
    buckets: tuple[int, ...]  # learners per stretch of PROGRESS_BUCKETS
    completions: dict[date, int]  # learners who completed the course, per day


def cohort_report(session: Session, catalog: Catalog, cohort: Cohort, today: date) -> CohortReport:
    """Return the cohort's headline figures, filter counts and chart data."""
    ensure_outline(session, catalog)
    learners_table = _learners(catalog, [cohort])
    learner = learners_table.c
    conditions = Conditions.of(learner, today)
    final = final_quiz(catalog)
    final_score = ItemSummary.best_score if final is not None else literal(None)
    query = select(
        func.count(),
        func.coalesce(func.sum(learner.percent), 0),
        func.count(final_score),
        func.sum(final_score),
        *(_count(conditions.shown(key)) for key in SHOW),
        *(_count(learner.percent.between(low, high)) for low, high in PROGRESS_BUCKETS),
    ).select_from(learners_table)
    if final is not None:
        query = query.outerjoin(
            ItemSummary,
            and_(
                ItemSummary.user_id == learner.user_id,
                ItemSummary.item_kind == final.kind,
                ItemSummary.item_slug == final.slug,
            ),
        )
    row = tuple(session.connection().execute(query).one())
    learners, percent_sum, final_attempted, final_sum = row[:4]
    counts = dict(zip(SHOW, row[4 : 4 + len(SHOW)], strict=True))
    buckets = tuple(row[4 + len(SHOW) :])
    summary = Summary(
        learners=learners,
        completed=counts["completed"],
        not_started=counts["not-started"],
        at_risk=counts["at-risk"],
        overdue=counts["overdue"],
        average_percent=round(percent_sum / learners) if learners else None,
        final_title=final.title if final else None,
        final_average=final_sum / final_attempted if final_attempted else None,
        final_attempted=final_attempted,
    )
    return CohortReport(summary, counts, buckets, _completions(session, learner))


def _completions(session: Session, learner) -> dict[date, int]:
    if session.get_bind().dialect.name == "postgresql":
        day = func.date(func.timezone("UTC", learner.completed_at))
    else:
        day = func.date(learner.completed_at)  # stored in UTC, as text
    rows = session.connection().execute(
        select(day, func.count()).where(learner.completed_at.is_not(None)).group_by(day)
    )
    return {date.fromisoformat(str(day)): count for day, count in rows}


def _rows_query(catalog: Catalog, cohort: Cohort, today: date, view: MatrixView) -> Select:
    learner = _learners(catalog, [cohort], with_names=True).c
    return (
        select(
            learner.user_id,
            learner.name,
            learner.email,
            learner.joined_at,
            learner.due_on,
        )
        .where(Conditions.of(learner, today).shown(view.show))
        .order_by(*_order(learner, view.sort, view.descending))
    )


def _learner_rows(session: Session, catalog: Catalog, members, today: date) -> list[LearnerRow]:
    """Build the rows of these members (user id, name, email, joined, due date), in order."""
    members = list(members)
    progress = progress_for_learners(session, catalog, [member[0] for member in members])
    return [
        learner_row(
            Member(user_id, name, email, joined_at, True, None, False),
            progress[user_id],
            due_on,
            today,
        )
        for user_id, name, email, joined_at, due_on in members
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
    query = _rows_query(catalog, cohort, today, view).limit(size).offset(offset)
    return _learner_rows(session, catalog, session.connection().execute(query), today)


def cohort_row_batches(
    session: Session, catalog: Catalog, cohort: Cohort, today: date, view: MatrixView
) -> Iterator[list[LearnerRow]]:
    """Yield the rows ``view`` selects, BATCH_SIZE at a time, reading the learners as a stream."""
    ensure_outline(session, catalog)
    # Streamed for this statement only: Connection.execution_options would keep the whole
    # connection streaming, and PostgreSQL cannot stream the INSERTs that may follow.
    members = session.connection().execute(
        _rows_query(catalog, cohort, today, view), execution_options={"yield_per": BATCH_SIZE}
    )
    try:
        for batch in members.partitions():
            yield _learner_rows(session, catalog, batch, today)
    finally:
        members.close()  # a server-side cursor on PostgreSQL, also when the reader stops early


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
    ensure_outline(session, catalog)
    learner = _learners(catalog, cohorts).c
    conditions = Conditions.of(learner, today)
    rows = session.connection().execute(
        select(
            learner.cohort_id,
            func.count(),
            _count(conditions.is_complete),
            _count(conditions.is_overdue),
        ).group_by(learner.cohort_id)
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
