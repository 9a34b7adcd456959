"""The cohort's progress matrix: one plain row per learner, read by the page and the CSV alike.

Rows come from the progress service for every member at once, so a cohort of
any size costs the same few queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from statistics import mean

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.content.model import Catalog, OutlineItem
from course.manage.cohorts import Member, members_of
from course.manage.overrides import own_due_dates
from course.manage.paging import requested_page
from course.membership import Cohort, CohortMember
from course.progress.state import LearnerProgress, progress_for_learners
from course.progress.status import ItemState

INACTIVE_AFTER_DAYS = 7  # this long without activity, an unfinished learner is at risk
DUE_SOON_DAYS = 7  # this close to the due date, an unfinished learner is at risk

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


def headlines(
    session: Session, catalog: Catalog, cohorts: list[Cohort], today: date
) -> list[Headline]:
    """Return each cohort's learners, completions and overdue learners, in two steps for all."""
    members: dict[int, list[int]] = {cohort.id: [] for cohort in cohorts}
    rows = session.execute(
        select(CohortMember.cohort_id, CohortMember.user_id).where(
            CohortMember.cohort_id.in_(list(members)), CohortMember.joined_at.is_not(None)
        )
    )
    for cohort_id, user_id in rows:
        members[cohort_id].append(user_id)
    everyone = {user_id for ids in members.values() for user_id in ids}
    progress = progress_for_learners(session, catalog, sorted(everyone)) if everyone else {}
    own_dates = own_due_dates(session, list(members)) if everyone else {}
    lines = []
    for cohort in cohorts:
        unfinished = [uid for uid in members[cohort.id] if not progress[uid].is_complete]
        due_dates = (own_dates.get((cohort.id, uid), cohort.due_on) for uid in unfinished)
        overdue = sum(due_on is not None and due_on < today for due_on in due_dates)
        count = len(members[cohort.id])
        lines.append(Headline(cohort, count, count - len(unfinished), overdue))
    return lines


def cohort_rows(
    session: Session, catalog: Catalog, cohort: Cohort, today: date
) -> list[LearnerRow]:
    """Return a row per member of the cohort (not those only invited), by name."""
    members = members_of(session, cohort.id)
    progress = progress_for_learners(session, catalog, [member.user_id for member in members])
    own_dates = own_due_dates(session, [cohort.id])
    return [
        learner_row(
            member,
            progress[member.user_id],
            own_dates.get((cohort.id, member.user_id), cohort.due_on),
            today,
        )
        for member in members
    ]


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


def summarise(rows: list[LearnerRow], catalog: Catalog) -> Summary:
    """Return the cohort's headline figures from its rows."""
    final = final_quiz(catalog)
    final_scores = []
    if final is not None:
        best_scores = (row.items[final.index].best_score for row in rows)
        final_scores = [score for score in best_scores if score is not None]
    return Summary(
        learners=len(rows),
        completed=sum(row.is_complete for row in rows),
        not_started=sum(not row.is_started for row in rows),
        at_risk=sum(row.is_at_risk for row in rows),
        overdue=sum(row.is_overdue for row in rows),
        average_percent=round(mean(row.percent for row in rows)) if rows else None,
        final_title=final.title if final else None,
        final_average=mean(final_scores) if final_scores else None,
        final_attempted=len(final_scores),
    )


def select_rows(rows: list[LearnerRow], show: str, sort: str, descending: bool) -> list[LearnerRow]:
    """Return the rows to show, filtered by stage (or risk, or being overdue) and sorted."""
    if show == "at-risk":
        rows = [row for row in rows if row.is_at_risk]
    elif show == "overdue":
        rows = [row for row in rows if row.is_overdue]
    elif show in SHOW and show != "all":
        rows = [row for row in rows if row.stage == show]
    by_name = sorted(rows, key=lambda row: (row.name.casefold(), row.user_id))
    if sort == "progress":
        return sorted(by_name, key=lambda row: row.percent, reverse=descending)
    if sort == "activity":
        # Never-active learners sort as the least recent, whichever the direction.
        active = [row for row in by_name if row.last_activity_at is not None]
        idle = [row for row in by_name if row.last_activity_at is None]
        active.sort(key=lambda row: row.last_activity_at, reverse=descending)
        return active + idle if descending else idle + active
    return list(reversed(by_name)) if descending else by_name
