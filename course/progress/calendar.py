"""The learner's due dates as a private iCalendar feed, and the feed's secret address."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

import icalendar
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from course.db import insert_for
from course.deadlines import DueDate
from course.progress.models import CalendarFeed

# What calendar_token makes (32 bytes of HMAC-SHA256, base64url without padding).
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")


def calendar_token(secret_key: str | bytes, user_id: int, nonce: str) -> str:
    """Derive the token of a learner's feed from the secret key, their id and the feed's nonce."""
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    digest = hmac.digest(key, f"calendar:{user_id}:{nonce}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    """Return the stored form of a token (a plain hash: the token itself is unguessable)."""
    return hashlib.sha256(token.encode()).hexdigest()


def current_feed_token(session: Session, secret_key: str | bytes, user_id: int) -> str | None:
    """Return the token of the learner's feed, or None when they have no working one yet."""
    feed = session.get(CalendarFeed, user_id)
    if feed is None:
        return None
    token = calendar_token(secret_key, user_id, feed.nonce)
    # A feed made under another secret key no longer matches what it derives to.
    return token if hmac.compare_digest(token_hash(token), feed.token_hash) else None


def renew_feed_token(session: Session, secret_key: str | bytes, user_id: int, now: datetime) -> str:
    """Give the learner a new feed address and return its token; the old address stops working."""
    nonce = secrets.token_hex(16)
    token = calendar_token(secret_key, user_id, nonce)
    table = CalendarFeed.__table__
    values = {"nonce": nonce, "token_hash": token_hash(token), "created_at": now}
    statement = insert_for(session, table).values(user_id=user_id, **values)
    session.execute(statement.on_conflict_do_update(index_elements=[table.c.user_id], set_=values))
    return token


def feed_owner(session: Session, token: str) -> int | None:
    """Return the id of the learner whose feed has ``token``, or None."""
    if not TOKEN_RE.fullmatch(token):
        return None
    return session.scalar(
        select(CalendarFeed.user_id).where(CalendarFeed.token_hash == token_hash(token))
    )


def due_dates_calendar(
    due_dates: Iterable[DueDate],
    *,
    course_title: str,
    course_url: str,
    uid_domain: str,
    now: datetime,
) -> bytes:
    """Return an iCalendar file with an all-day event on each due date."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//course//due dates//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{course_title}: due dates")
    for due in due_dates:
        event = icalendar.Event()
        # The same uid on every fetch, so a calendar app updates the event it has.
        event.add("uid", f"cohort-{due.cohort_id}-due@{uid_domain}")
        event.add("dtstamp", now)
        event.add("dtstart", due.due_on)
        event.add("dtend", due.due_on + timedelta(days=1))
        event.add("summary", f"Due: {course_title}")
        event.add("description", f"Finish the course for the cohort “{due.cohort_name}”.")
        event.add("url", course_url)
        calendar.add_component(event)
    return calendar.to_ical()


def feed_address(token: str) -> str:
    """Return the full address of the feed with ``token``, for a calendar app."""
    return url_for("progress.calendar_feed", token=token, _external=True)
