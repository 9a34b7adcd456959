"""What LTI 1.3 keeps: the platforms that may launch the course and what their launches left."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course.db import Model, UTCDateTime, utcnow
from course.outbox import OutboxRow

# Identifiers from a platform (issuer, client id, sub, context id) are opaque strings;
# the spec caps sub at 255 characters and the others are URLs or short ids.
ID_LENGTH = 255
URL_LENGTH = 1000


class LtiPlatform(Model):
    """An LMS registered with ``course lti add-platform``; only these may launch the course."""

    __tablename__ = "lti_platform"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(URL_LENGTH))
    client_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    auth_login_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    auth_token_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    key_set_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    # When set, launches from this deployment alone are accepted; else any of this client's.
    deployment_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LtiAccount(Model):
    """The account a platform's user (issuer and ``sub``) signs in as; never found by email."""

    __tablename__ = "lti_account"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(String(URL_LENGTH))
    subject: Mapped[str] = mapped_column(String(ID_LENGTH))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LtiContext(Model):
    """A platform's course (its context), and the cohort its learners are put in."""

    __tablename__ = "lti_context"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    context_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), unique=True)
    deployment_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    # The roster service (NRPS) address of the latest launch that offered one.
    memberships_url: Mapped[str | None] = mapped_column(String(URL_LENGTH))


class LtiNonce(Model):
    """A nonce handed to a platform at login: a launch may use it once, before it expires."""

    __tablename__ = "lti_nonce"

    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[str] = mapped_column(String(ID_LENGTH), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LtiLineItem(Model):
    """Where a learner's score for one placed link goes: the AGS line item of their launch.

    ``item_kind`` is ``lesson``, ``quiz``, ``scenario`` or ``course`` (with an empty slug).
    """

    __tablename__ = "lti_line_item"
    __table_args__ = (UniqueConstraint("user_id", "platform_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platform.id", ondelete="CASCADE"))
    resource_link_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    item_kind: Mapped[str] = mapped_column(String(20))
    item_slug: Mapped[str] = mapped_column(String(200))
    lineitem_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    scopes: Mapped[str] = mapped_column(Text)  # space-separated, as the launch granted them
    subject: Mapped[str] = mapped_column(String(ID_LENGTH))  # the platform's id of the learner


class LtiGrade(OutboxRow, Model):
    """A score to send to a line item, queued with the completion and sent after its commit.

    Claimed by one process at a time (``claimed_at``) and marked sent once the
    platform accepted it, as the mail outbox does.
    """

    __tablename__ = "lti_grade"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_item_id: Mapped[int] = mapped_column(
        ForeignKey("lti_line_item.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column(Float)  # a fraction, 0-1
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime())
