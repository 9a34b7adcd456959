"""Reminders: learners near or past their cohort's due date or long inactive, and digests.

Who is behind is read from the cohort's matrix rows (``cohort_rows``), the same
rows and flags the manager's page shows. Each reminder is recorded once per
learner, cohort, kind and date (``SentReminder``) in the transaction that queues
its mail, so a reminder is never sent twice however often it is asked for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.auth.models import User
from course.content.model import Catalog
from course.db import insert_for
from course.mail.models import SentReminder
from course.mail.outbox import link_to, queue_mails, render_mail
from course.manage.matrix import LearnerRow, cohort_rows, days
from course.membership import Cohort, CohortManager
from course.progress.risk import INACTIVE_AFTER_DAYS

DUE_SOON_DAYS = (3, 1)  # reminders this many days before the due date

# kind -> how a mail names it, most pressing first
KINDS = {
    "overdue": "overdue",
    "due-1": "due within a day",
    "due-3": "due within 3 days",
    "inactive": "inactive",
    "manual": "a reminder from your manager",
}
DIGEST = "digest"


@dataclass(frozen=True)
class Reminder:
    """One reminder to one person about one cohort."""

    cohort_id: int
    cohort_name: str
    user_id: int
    name: str
    email: str
    kind: str
    about_on: date  # the due date, the day activity stopped, or today
    reason: str  # in words, for the mail and the command's output


@dataclass(frozen=True)
class Digest:
    """A manager's list of a cohort's learners at risk, and why."""

    cohort_id: int
    cohort_name: str
    user_id: int
    name: str
    email: str
    at_risk: tuple[LearnerRow, ...]
    about_on: date


def due_kind(due_on: date, today: date) -> str | None:
    """Return which due-date reminder applies today, if any."""
    left = (due_on - today).days
    if left < 0:
        return "overdue"
    for before in sorted(DUE_SOON_DAYS):
        if left <= before:
            return f"due-{before}"
    return None


def _due_reason(kind: str, due_on: date, today: date) -> str:
    left = (due_on - today).days
    if kind == "overdue":
        return f"the course was due {due_on:%-d %B %Y}, {days(-left)} ago"
    return f"the course is due {due_on:%-d %B %Y}" + (
        " (today)" if left == 0 else f", in {days(left)}"
    )


def _reminders_for(cohort: Cohort, row: LearnerRow, today: date) -> list[Reminder]:
    def reminder(kind: str, about_on: date, reason: str) -> Reminder:
        return Reminder(
            cohort.id, cohort.name, row.user_id, row.name, row.email, kind, about_on, reason
        )

    if row.is_complete:
        return []
    found = []
    if cohort.due_on is not None:
        kind = due_kind(cohort.due_on, today)
        if kind is not None:
            found.append(reminder(kind, cohort.due_on, _due_reason(kind, cohort.due_on, today)))
    # The inactivity the matrix flags, by the same rule: since the last activity, or joining.
    since = (row.last_activity_at or row.joined_at).date()
    idle = (today - since).days
    if idle >= INACTIVE_AFTER_DAYS:
        words = "no activity" if row.last_activity_at else "not started"
        found.append(reminder("inactive", since, f"{words} for {days(idle)}"))
    return found


@dataclass
class Plan:
    reminders: list[Reminder]
    digests: list[Digest]


def plan_reminders(session: Session, catalog: Catalog, today: date) -> Plan:
    """Return the reminders and digests due today that were not sent before."""
    plan = Plan([], [])
    cohorts = list(session.scalars(select(Cohort).order_by(Cohort.id)))
    for cohort in cohorts:
        rows = cohort_rows(session, catalog, cohort, today)
        for row in rows:
            plan.reminders.extend(_reminders_for(cohort, row, today))
        at_risk = tuple(row for row in rows if row.is_at_risk)
        if at_risk:
            for manager in _manager_accounts(session, cohort.id):
                plan.digests.append(
                    Digest(cohort.id, cohort.name, *manager, at_risk=at_risk, about_on=today)
                )
    sent = _already_sent(
        session,
        [(r.cohort_id, r.user_id, r.kind, r.about_on) for r in plan.reminders]
        + [(d.cohort_id, d.user_id, DIGEST, d.about_on) for d in plan.digests],
    )
    plan.reminders = [
        r for r in plan.reminders if (r.cohort_id, r.user_id, r.kind, r.about_on) not in sent
    ]
    plan.digests = [
        d for d in plan.digests if (d.cohort_id, d.user_id, DIGEST, d.about_on) not in sent
    ]
    return plan


def _manager_accounts(session: Session, cohort_id: int) -> list[tuple[int, str, str]]:
    return list(
        session.execute(
            select(User.id, User.name, User.email)
            .join(CohortManager, CohortManager.user_id == User.id)
            .where(CohortManager.cohort_id == cohort_id)
            .order_by(CohortManager.id)
        )
    )


def _already_sent(session: Session, keys: list[tuple]) -> set[tuple]:
    if not keys:
        return set()
    columns = (
        SentReminder.cohort_id,
        SentReminder.user_id,
        SentReminder.kind,
        SentReminder.about_on,
    )
    cohort_ids = sorted({key[0] for key in keys})
    rows = session.execute(select(*columns).where(SentReminder.cohort_id.in_(cohort_ids)))
    return {tuple(row) for row in rows} & set(keys)


def _record(session: Session, keys: list[tuple], now: datetime) -> set[tuple]:
    """Record the reminders; return those recorded now (not by another run meanwhile)."""
    if not keys:
        return set()
    table = SentReminder.__table__
    statement = (
        insert_for(session, table)
        .on_conflict_do_nothing(
            index_elements=[table.c.cohort_id, table.c.user_id, table.c.kind, table.c.about_on]
        )
        .returning(table.c.cohort_id, table.c.user_id, table.c.kind, table.c.about_on)
    )
    rows = session.execute(
        statement,
        [
            {"cohort_id": c, "user_id": u, "kind": k, "about_on": a, "queued_at": now}
            for c, u, k, a in keys
        ],
    )
    return {tuple(row) for row in rows}


def queue_reminders(session: Session, plan: Plan, now: datetime) -> Plan:
    """Record the plan's reminders and queue their mails, one per learner and cohort.

    Returns what was queued: a reminder another run recorded meanwhile is left out.
    """
    recorded = _record(
        session,
        [(r.cohort_id, r.user_id, r.kind, r.about_on) for r in plan.reminders]
        + [(d.cohort_id, d.user_id, DIGEST, d.about_on) for d in plan.digests],
        now,
    )
    reminders = [
        r for r in plan.reminders if (r.cohort_id, r.user_id, r.kind, r.about_on) in recorded
    ]
    digests = [d for d in plan.digests if (d.cohort_id, d.user_id, DIGEST, d.about_on) in recorded]
    by_person: dict[tuple[int, int], list[Reminder]] = defaultdict(list)
    for reminder in reminders:
        by_person[reminder.cohort_id, reminder.user_id].append(reminder)
    continue_link = link_to("learn.outline")
    mails = [
        render_mail(
            "reminder",
            to=found[0].email,
            subject=_subject(found),
            name=found[0].name,
            cohort_name=found[0].cohort_name,
            reasons=[reminder.reason for reminder in found],
            link=continue_link,
        )
        for found in by_person.values()
    ]
    mails += [
        render_mail(
            "digest",
            to=digest.email,
            subject=f"{len(digest.at_risk)} at risk in “{digest.cohort_name}”",
            name=digest.name,
            cohort_name=digest.cohort_name,
            at_risk=digest.at_risk,
            link=link_to("manage.cohort", cohort_id=digest.cohort_id, show="at-risk"),
        )
        for digest in digests
    ]
    queue_mails(session, mails, now)
    return Plan(reminders, digests)


def _subject(found: list[Reminder]) -> str:
    kinds = {reminder.kind for reminder in found}
    cohort = found[0].cohort_name
    if "overdue" in kinds:
        return f"“{cohort}” is overdue"
    if kinds & {"due-1", "due-3"}:
        return f"“{cohort}” is due soon"
    if "inactive" in kinds:
        return f"Pick up “{cohort}” where you left it"
    return f"A reminder about “{cohort}”"


def plan_manual_reminders(
    session: Session, catalog: Catalog, cohort: Cohort, today: date
) -> tuple[Plan, int]:
    """Plan a reminder today for each learner of ``cohort`` not finished; also count those
    who had one today already."""
    unfinished = [
        row for row in cohort_rows(session, catalog, cohort, today) if not row.is_complete
    ]
    reminders = [
        Reminder(
            cohort.id,
            cohort.name,
            row.user_id,
            row.name,
            row.email,
            "manual",
            today,
            f"you are {row.percent}% of the way through",
        )
        for row in unfinished
    ]
    sent = _already_sent(session, [(r.cohort_id, r.user_id, r.kind, r.about_on) for r in reminders])
    fresh = [r for r in reminders if (r.cohort_id, r.user_id, r.kind, r.about_on) not in sent]
    return Plan(fresh, []), len(reminders) - len(fresh)


def describe(plan: Plan) -> list[str]:
    """Return one line per mail of the plan, for the command's output."""
    lines = [
        f"{reminder.email}\t{reminder.cohort_name}\t{reminder.kind}: {reminder.reason}"
        for reminder in plan.reminders
    ]
    lines += [
        f"{digest.email}\t{digest.cohort_name}\tdigest: {len(digest.at_risk)} at risk"
        for digest in plan.digests
    ]
    return lines
