"""Talking to a learning record store: post a batch of statements, and read its answer.

The answer is sorted into what the forwarder does next (``Outcome``); nothing here
touches the database. ``requests`` carries it: keep-alive between batches, basic
auth and separate connect and read timeouts, with an API that has stayed put for a
decade.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

XAPI_VERSION = "1.0.3"
# Seconds to wait for a connection, and then for each read of the answer.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
DETAIL_LENGTH = 300


class LrsSetupError(ValueError):
    """The LRS settings cannot work; the message says which one to fix."""


class Outcome(enum.Enum):
    ACCEPTED = "accepted"  # 2xx: stored
    CONFLICT = "conflict"  # 409: a statement with one of these ids is stored already
    REJECTED = "rejected"  # another 4xx: the store will not take this content
    UNAVAILABLE = "unavailable"  # no answer, a timeout, 5xx, 408, 429: try again later
    MISCONFIGURED = "misconfigured"  # 401, 403, 404, 405, a redirect: no batch can succeed


@dataclass(frozen=True)
class Reply:
    outcome: Outcome
    detail: str  # the status and what the store said, or what went wrong on the way


@dataclass(frozen=True)
class LrsAddress:
    statements_url: str
    user: str
    password: str


def lrs_address(url: str | None, auth: str | None) -> LrsAddress:
    """Read ``COURSE_LRS_URL`` and ``COURSE_LRS_AUTH``, or say which one is wrong."""
    if not url:
        raise LrsSetupError(
            "COURSE_LRS_URL is not set: set it to the learning record store's xAPI "
            "address (the one /statements is added to), like https://lrs.example.com/xAPI"
        )
    try:
        parts = urlsplit(url.strip())
        is_address = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018  (reading it checks that the port is a number)
    except ValueError:
        is_address = False
    if not is_address or parts.username or parts.query or parts.fragment:
        raise LrsSetupError(
            "COURSE_LRS_URL must be an http(s) address without user, password, query or "
            f"fragment, like https://lrs.example.com/xAPI, not {url!r}"
        )
    user, colon, password = (auth or "").partition(":")
    if not user or not colon:
        raise LrsSetupError(
            "COURSE_LRS_AUTH must be the LRS account as user:password"
            + ("" if auth else " (it is not set)")
        )
    return LrsAddress(url.strip().rstrip("/") + "/statements", user, password)


class LrsClient:
    """A connection to one store, kept open between batches; close it when done."""

    def __init__(self, address: LrsAddress):
        self.address = address
        self.http = requests.Session()
        self.http.auth = (address.user, address.password)
        self.http.headers["X-Experience-API-Version"] = XAPI_VERSION

    def post(self, statements: list[dict]) -> Reply:
        """Post the statements as one JSON array; say what came of it."""
        try:
            response = self.http.post(
                self.address.statements_url,
                json=statements,
                timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
                allow_redirects=False,  # a POST must not turn into a GET somewhere else
            )
        except requests.Timeout as error:
            waited = CONNECT_TIMEOUT if isinstance(error, requests.ConnectTimeout) else READ_TIMEOUT
            return Reply(Outcome.UNAVAILABLE, f"no answer within {waited:g} s")
        except requests.RequestException as error:
            return Reply(Outcome.UNAVAILABLE, _network_words(error))
        return Reply(_outcome(response.status_code), _response_words(response))

    def close(self) -> None:
        self.http.close()


def _outcome(status: int) -> Outcome:
    if 200 <= status < 300:
        return Outcome.ACCEPTED
    if status == 409:
        return Outcome.CONFLICT
    if status in (401, 403, 404, 405) or 300 <= status < 400:
        return Outcome.MISCONFIGURED
    if status in (408, 429) or status >= 500:
        return Outcome.UNAVAILABLE
    return Outcome.REJECTED


def _response_words(response: requests.Response) -> str:
    words = f"HTTP {response.status_code}"
    if response.status_code in (401, 403):
        words += " (the LRS refused the account in COURSE_LRS_AUTH)"
    elif response.status_code in (404, 405):
        words += " (no xAPI statements resource there: check COURSE_LRS_URL)"
    if 300 <= response.status_code < 400 and response.headers.get("Location"):
        return f"{words}, moved to {response.headers['Location']}"
    body = " ".join(response.text.split())
    return f"{words}: {body}"[:DETAIL_LENGTH] if body else words


# The system's own words at the bottom of urllib3's chain, e.g. "Connection refused".
_SYSTEM_WORDS = re.compile(r"\[Errno -?\d+\] ([^'\")]+)")


def _network_words(error: requests.RequestException) -> str:
    found = _SYSTEM_WORDS.search(str(error))
    reason = found.group(1).strip() if found else type(error).__name__
    return f"could not reach it: {reason}"[:DETAIL_LENGTH]
