"""This database's own identity: one row, made the first time something needs it."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.db import Model, UTCDateTime

SITE_ROW = 1


class Site(Model):
    """The one row that tells this database apart from every other (staging, a restored copy)."""

    __tablename__ = "site"
    __table_args__ = (CheckConstraint(f"id = {SITE_ROW}", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    uuid: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
