"""What a valid launch does: the account of (issuer, sub), the cohort of the platform's
course, the item it opens, and where that item's score goes.

Plain services over the launch's claims; the views validate the launch first
(``course.lti.tool``) and commit once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from course.auth.accounts import create_user, find_user_by_email, rename
from course.auth.models import Role, User
from course.lti.models import LtiAccount, LtiContext, LtiLineItem, LtiPlatform
from course.manage.cohorts import create_cohort, join_cohort
from course.membership import Cohort, CohortManager
from course.site.addresses import ITEM_ENDPOINTS, safe_next_path

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
MESSAGE_TYPE = CLAIM + "message_type"
ROLES = CLAIM + "roles"
CONTEXT = CLAIM + "context"
RESOURCE_LINK = CLAIM + "resource_link"
TARGET_LINK_URI = CLAIM + "target_link_uri"
DEPLOYMENT_ID = CLAIM + "deployment_id"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
# LIS roles that make someone a manager of the platform course's cohort, in full
# (membership or institution vocabulary) or in the short form LTI also allows.
MANAGING_ROLES = ("Instructor", "Administrator")
ENDPOINT_KINDS = {endpoint: kind for kind, endpoint in ITEM_ENDPOINTS.items()}
COURSE = "course"  # the kind of a link that places the whole course


class LaunchRefused(ValueError):
    """A launch that validated but cannot be followed; the message is for the person."""


@dataclass(frozen=True)
class Target:
    """Where a launch leads: an item (kind and slug) or the whole course (slug ``""``)."""

    kind: str
    slug: str
    path: str


@dataclass(frozen=True)
class Launch:
    user: User
    is_instructor: bool
    cohort_id: int | None
    target: Target


def is_instructor(roles: list[str]) -> bool:
    """Tell whether LIS ``roles`` make someone teach the course: Instructor or Administrator."""
    for role in roles:
        name = role.rsplit("#", 1)[-1] if "#" in role else role.rsplit("/", 1)[-1]
        if name in MANAGING_ROLES:
            return True
    return False


def platform_of(db: Session, claims: dict) -> LtiPlatform:
    """Return the registered platform a validated launch came from."""
    audience = claims.get("aud")
    client_id = claims.get("azp") or (audience[0] if isinstance(audience, list) else audience)
    return db.scalar(
        select(LtiPlatform).where(
            LtiPlatform.issuer == claims["iss"], LtiPlatform.client_id == client_id
        )
    )


def _display_name(claims: dict) -> str:
    name = claims.get("name") or " ".join(
        part for part in (claims.get("given_name"), claims.get("family_name")) if part
    )
    return (name or "LMS learner").strip()[:120]


def linked_account(
    db: Session,
    *,
    issuer: str,
    subject: str,
    name: str,
    email: str | None,
    teaches: bool,
    now: datetime,
) -> User:
    """Return the account linked to (issuer, subject), making it on first sight.

    The email is display data: it becomes the new account's email only when no
    account has it, and never leads to an existing account.
    """
    link = db.scalar(
        select(LtiAccount).where(LtiAccount.issuer == issuer, LtiAccount.subject == subject)
    )
    if link is not None:
        user = db.get(User, link.user_id)
        if name and name != "LMS learner":
            rename(db, user, name)
    else:
        if not email or "@" not in email or find_user_by_email(db, email) is not None:
            digest = hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()[:20]
            email = f"lti-{digest}@lti.invalid"
        user = create_user(db, email=email[:254], name=name, password=None)
        db.add(LtiAccount(issuer=issuer, subject=subject, user_id=user.id, linked_at=now))
    if teaches and user.role == Role.LEARNER:
        user.role = Role.MANAGER  # to open the cohort pages of the course they teach
    db.flush()
    return user


def context_cohort(
    db: Session, platform: LtiPlatform, claims: dict, *, manager: User | None, now: datetime
) -> LtiContext | None:
    """Return the link of the platform's course to its cohort, making the cohort the first time."""
    context = claims.get(CONTEXT) or {}
    context_id = str(context.get("id") or "")
    if not context_id:
        return None
    link = db.scalar(
        select(LtiContext).where(
            LtiContext.platform_id == platform.id, LtiContext.context_id == context_id
        )
    )
    if link is None:
        name = (context.get("title") or context.get("label") or "LMS course").strip()[:120]
        if manager is not None:
            cohort = create_cohort(
                db, name=name, starts_on=None, due_on=None, manager_id=manager.id, now=now
            )
        else:  # a learner came first: admins see the cohort until an instructor launches
            cohort = Cohort(name=name, created_at=now)
            db.add(cohort)
            db.flush()
        link = LtiContext(
            platform_id=platform.id,
            context_id=context_id,
            cohort_id=cohort.id,
            deployment_id=str(claims.get(DEPLOYMENT_ID, "")),
        )
        db.add(link)
    service = claims.get(NRPS) or {}
    if service.get("context_memberships_url"):
        link.memberships_url = service["context_memberships_url"]
    db.flush()
    return link


def make_manager(db: Session, cohort_id: int, user_id: int, now: datetime) -> None:
    """Make ``user_id`` a manager of the cohort, if not one already."""
    exists = db.scalar(
        select(CohortManager.id).where(
            CohortManager.cohort_id == cohort_id, CohortManager.user_id == user_id
        )
    )
    if exists is None:
        db.add(CohortManager(cohort_id=cohort_id, user_id=user_id, added_at=now))


def target_of(address: str | None, site_root: str) -> Target:
    """Return the item ``address`` (a target link URI) names; refuse one off this site.

    ``site_root`` is the site's public root (``https://host/mount``).
    """
    root = urlsplit(site_root)
    parts = urlsplit(address or "")
    if parts.scheme and (parts.scheme, parts.netloc) != (root.scheme, root.netloc):
        raise LaunchRefused("The link in the LMS points at another site.")
    path = safe_next_path(parts.path or "/")
    mount = root.path.rstrip("/")
    if path is None or not (path == mount or path.startswith(mount + "/") or not mount):
        raise LaunchRefused("The link in the LMS does not name a page of this course.")
    inner = path[len(mount) :] or "/"
    try:
        endpoint, values = current_app.url_map.bind("localhost").match(inner)
    except HTTPException:
        raise LaunchRefused("The link in the LMS names a page this course does not have.") from None
    kind = ENDPOINT_KINDS.get(endpoint)
    if kind is None:
        return Target(COURSE, "", path)
    return Target(kind, values["slug"], path)


def remember_line_item(
    db: Session, platform: LtiPlatform, claims: dict, user: User, target: Target
) -> None:
    """Keep where this learner's score for the launched link goes, when the platform takes one."""
    service = claims.get(AGS) or {}
    scopes = service.get("scope") or []
    link_id = (claims.get(RESOURCE_LINK) or {}).get("id")
    if not service.get("lineitem") or SCORE_SCOPE not in scopes or not link_id:
        return
    values = {
        "item_kind": target.kind,
        "item_slug": target.slug,
        "lineitem_url": service["lineitem"],
        "scopes": " ".join(scopes),
        "subject": claims["sub"],
    }
    row = db.scalar(
        select(LtiLineItem).where(
            LtiLineItem.user_id == user.id,
            LtiLineItem.platform_id == platform.id,
            LtiLineItem.resource_link_id == str(link_id),
        )
    )
    if row is None:
        db.add(
            LtiLineItem(
                user_id=user.id, platform_id=platform.id, resource_link_id=str(link_id), **values
            )
        )
    else:
        for name, value in values.items():
            setattr(row, name, value)


def follow_launch(db: Session, claims: dict, *, site_root: str, now: datetime) -> Launch:
    """Do what a validated launch asks: sign-in account, cohort, line item; return where to go."""
    platform = platform_of(db, claims)
    if platform is None or not claims.get("sub"):
        raise LaunchRefused("This launch names no user of a registered LMS.")
    teaches = is_instructor(claims.get(ROLES) or [])
    is_deep_link = claims.get(MESSAGE_TYPE) == "LtiDeepLinkingRequest"
    if is_deep_link:
        target = Target(COURSE, "", "/")
    else:
        target = target_of(claims.get(TARGET_LINK_URI), site_root)
    user = linked_account(
        db,
        issuer=claims["iss"],
        subject=str(claims["sub"]),
        name=_display_name(claims),
        email=claims.get("email"),
        teaches=teaches,
        now=now,
    )
    link = context_cohort(db, platform, claims, manager=user if teaches else None, now=now)
    if link is not None:
        if teaches:
            make_manager(db, link.cohort_id, user.id, now)
        else:
            join_cohort(db, cohort_id=link.cohort_id, user_ids=[user.id], now=now)
    if not teaches and not is_deep_link:
        remember_line_item(db, platform, claims, user, target)
    db.flush()
    return Launch(
        user=user,
        is_instructor=teaches,
        cohort_id=link.cohort_id if link else None,
        target=target,
    )
