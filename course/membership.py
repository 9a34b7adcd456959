"""Cohorts, who manages them and who is in them.

Shared ground that every feature may read (a learner's due dates, who may see whose
records); the manage feature owns the services that change it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Select, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course.db import Model, UTCDateTime, utcnow


class Cohort(Model):
    """A group of learners taking the course together, run by one or more managers."""

    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date | None]
    due_on: Mapped[date | None]
    # The code in the cohort's invite link; None until a manager makes one.
    # Making a new one replaces it, which is what revokes the old link.
    invite_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    managers: Mapped[list[CohortManager]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name!r}>"


class CohortManager(Model):
    __tablename__ = "cohort_manager"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="managers")


class CohortMember(Model):
    """A learner in a cohort, or invited to it; removing it leaves every record of what they did.

    A manager who adds an email that has an account only invites its owner: until the
    learner accepts, ``joined_at`` is None and the cohort's managers see the email and
    the word "invited", never the learner's records.
    """

    __tablename__ = "cohort_member"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # When the learner joined (an invite link, accepting, or an account made for this
    # cohort); None while they are only invited.
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Who added the email, and when; None for someone who came by the invite link.
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The account was created by this cohort's invitation: the one cohort whose managers
    # may make its set-password links (besides admins).
    created_account: Mapped[bool] = mapped_column(default=False)


# A membership counts (for reports, exports and forwarding) only once the learner joined.
JOINED = CohortMember.joined_at.is_not(None)


def joined_learner_ids() -> Select:
    """Return a SELECT of the user ids that have joined at least one cohort."""
    return select(CohortMember.user_id).where(JOINED).distinct()


class LearnerDueDate(Model):
    """A learner's own due date in a cohort, set by a manager; the latest one counts.

    Every change is a new row, so the rows are also the history the learner's page shows.
    """

    __tablename__ = "learner_due_date"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date]
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CohortRemoval(Model):
    """A learner taken out of a cohort: who did it and when, so that it can be undone."""

    __tablename__ = "cohort_removal"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # When they had joined: undoing the removal gives it back, as if it never happened.
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
