"""The site's random id, made once per database and kept in it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.db import insert_for
from course.site.models import SITE_ROW, Site


def site_uuid(session: Session, now: datetime) -> uuid.UUID:
    """Return this database's random id, making it the first time; the caller commits.

    Processes that start together may each try to make it: the insert does nothing
    when the row exists (or waits for the one being made), and all read the same id.
    """
    made = session.scalar(select(Site.uuid).where(Site.id == SITE_ROW))
    if made is not None:
        return made
    statement = insert_for(session, Site.__table__).values(
        id=SITE_ROW, uuid=uuid.uuid4(), created_at=now
    )
    session.execute(statement.on_conflict_do_nothing(index_elements=[Site.__table__.c.id]))
    return session.scalar(select(Site.uuid).where(Site.id == SITE_ROW))
