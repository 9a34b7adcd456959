"""The one place that speaks to pylti1p3: our platforms as its tool configuration,
single-use nonces in the database, and its launch, login, grade and roster objects.

Everything else in ``course.lti`` deals in plain values; only this module imports
the library, so a change of library touches one file.
"""

from __future__ import annotations

from datetime import timedelta

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.contrib.flask import (
    FlaskCookieService,
    FlaskMessageLaunch,
    FlaskOIDCLogin,
    FlaskRequest,
    FlaskServiceConnector,
)
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException, OIDCException, ToolConfException
from pylti1p3.grade import Grade
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.registration import Registration
from pylti1p3.session import SessionService
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from course.db import utcnow
from course.lti.keys import tool_key
from course.lti.models import LtiNonce, LtiPlatform

# What a refused launch or login raises: the library's own errors, and its tool
# configuration's, which are not LtiExceptions (a forged issuer must not be a 500).
REFUSALS = (LtiException, OIDCException, ToolConfException)
# What talking to a platform's services (token, grades, roster) raises when it fails.
PLATFORM_ERRORS = (*REFUSALS, requests.RequestException, ValueError, KeyError)
# A platform that does not answer in this many seconds is taken as down.
PLATFORM_TIMEOUT = 5.0
# The platform has this long between our login redirect and its launch.
NONCE_LIFETIME = timedelta(minutes=10)


class PlatformSession(requests.Session):
    """HTTP to platforms, never waiting longer than ``PLATFORM_TIMEOUT`` for an answer."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", PLATFORM_TIMEOUT)
        return super().request(*args, **kwargs)


def public_key_set() -> dict:
    """Return the tool's public key set (JWKS); its key id is the key's thumbprint."""
    return {"keys": [Registration.get_jwk(tool_key().public_pem)]}


def registration_for(platform: LtiPlatform) -> Registration:
    """Return the library's registration of ``platform``, signed with the tool's key."""
    key = tool_key()
    return (
        Registration()
        .set_issuer(platform.issuer)
        .set_client_id(platform.client_id)
        .set_auth_login_url(platform.auth_login_url)
        .set_auth_token_url(platform.auth_token_url)
        .set_key_set_url(platform.key_set_url)
        .set_tool_private_key(key.private_pem)
        .set_tool_public_key(key.public_pem)
    )


class PlatformsConf(ToolConfAbstract):
    """The registered platforms, read from the database for each launch."""

    def __init__(self, db: Session):
        self.db = db

    # Every issuer may have several client ids: always look up by both.
    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def platform(self, iss: str, client_id: str | None) -> LtiPlatform:
        query = select(LtiPlatform).where(LtiPlatform.issuer == iss)
        if client_id:
            query = query.where(LtiPlatform.client_id == client_id)
        found = list(self.db.scalars(query.limit(2)))
        if len(found) != 1:  # unknown, or a login without client id that fits several
            raise ToolConfException("This platform is not registered with the course.")
        return found[0]

    def find_registration_by_issuer(self, iss: str, *args, **kwargs) -> Registration:
        return registration_for(self.platform(iss, None))

    def find_registration_by_params(self, iss: str, client_id: str, *args, **kwargs):
        return registration_for(self.platform(iss, client_id))

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return None  # never asked: every issuer is looked up with its client id

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str, *a, **kw):
        platform = self.platform(iss, client_id)
        if platform.deployment_id is not None and platform.deployment_id != deployment_id:
            return None
        return Deployment().set_deployment_id(deployment_id)


class NonceStore(SessionService):
    """The library's session service, with nonces in the database and used at most once.

    The library keeps nonces in the browser's session and never consumes them, so the
    same launch posted twice would be accepted; here a launch spends its nonce in one
    conditional UPDATE, so of two processes (or two posts) only one gets it. The launch
    itself is not kept in the session: ``course.lti`` keeps what it needs in its tables.
    """

    def __init__(self, request, db: Session):
        super().__init__(request)
        self.db = db

    def save_nonce(self, nonce: str) -> None:
        now = utcnow()
        # Expired nonces are worth nothing: each login clears them away (an indexed range).
        self.db.execute(delete(LtiNonce).where(LtiNonce.expires_at < now - NONCE_LIFETIME))
        self.db.add(LtiNonce(value=nonce, expires_at=now + NONCE_LIFETIME))
        self.db.flush()

    def check_nonce(self, nonce: str) -> bool:
        now = utcnow()
        spent = self.db.execute(
            update(LtiNonce)
            .where(LtiNonce.value == nonce, LtiNonce.used_at.is_(None), LtiNonce.expires_at > now)
            .values(used_at=now)
        )
        return spent.rowcount == 1

    def save_launch_data(self, key, jwt_body) -> None:
        pass

    def set_state_valid(self, state, id_token_hash) -> None:
        pass

    def check_state_is_valid(self, state, id_token_hash) -> bool:
        return False  # so the state is always checked against its cookie


def _services(request, db: Session) -> dict:
    return {
        "session_service": NonceStore(request, db),
        "cookie_service": FlaskCookieService(request),
    }


def login_redirect(db: Session, launch_url: str):
    """Answer a platform's login initiation (GET or POST) with the redirect to its auth URL."""
    request = FlaskRequest()
    login = FlaskOIDCLogin(request, PlatformsConf(db), **_services(request, db))
    return login.redirect(launch_url)


def validated_launch(db: Session) -> dict:
    """Validate the posted launch (state, nonce, signature, audience, deployment); return its
    claims. Raises one of ``REFUSALS`` for a launch to refuse."""
    request = FlaskRequest()
    launch = FlaskMessageLaunch(
        request,
        PlatformsConf(db),
        **_services(request, db),
        requests_session=PlatformSession(),
        service_connector_cls=FlaskServiceConnector,
    )
    return launch.get_launch_data()


def _connector(platform: LtiPlatform) -> FlaskServiceConnector:
    return FlaskServiceConnector(registration_for(platform), requests_session=PlatformSession())


def send_score(
    platform: LtiPlatform, *, lineitem_url: str, scopes: list[str], subject: str, score: float, at
) -> None:
    """Post a completed, fully graded score (a fraction) for ``subject`` to the line item."""
    service = AssignmentsGradesService(
        _connector(platform), {"scope": scopes, "lineitem": lineitem_url}
    )
    grade = (
        Grade()
        .set_score_given(round(score, 6))
        .set_score_maximum(1)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(at)
        .set_user_id(subject)
    )
    service.put_grade(grade)


def roster(platform: LtiPlatform, memberships_url: str) -> list[dict]:
    """Return every member of a platform's context from its roster service (NRPS)."""
    service = NamesRolesProvisioningService(
        _connector(platform), {"context_memberships_url": memberships_url}
    )
    return service.get_members()


def deep_linking_form(
    platform: LtiPlatform, *, deployment_id: str, settings: dict, title: str, url: str, custom: dict
) -> tuple[str, str]:
    """Return the signed deep-linking answer placing one link, and the address to post it to."""
    link = DeepLinkResource().set_url(url).set_title(title).set_custom_params(custom)
    message = DeepLink(registration_for(platform), deployment_id, settings)
    return message.get_response_jwt([link]), settings["deep_link_return_url"]
