"""Just enough of a browser: cookies, forms read from the page, no redirects followed."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser

TIMEOUT_S = 60


@dataclass(frozen=True)
class Page:
    status: int
    body: bytes
    headers: dict[str, str]

    @property
    def text(self) -> str:
        return self.body.decode()


class Browser:
    """One visitor of a server at ``base_url``, keeping its cookies between requests."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), self._NoRedirect()
        )

    def get(self, path: str) -> Page:
        return self._open(path, None)

    def post(self, path: str, fields: dict[str, list[str]]) -> Page:
        return self._open(path, urllib.parse.urlencode(fields, doseq=True).encode())

    def _open(self, path: str, body: bytes | None) -> Page:
        try:
            with self.opener.open(self.base_url + path, body, timeout=TIMEOUT_S) as response:
                return Page(response.status, response.read(), dict(response.headers))
        except urllib.error.HTTPError as error:
            with error:
                return Page(error.code, error.read(), dict(error.headers))

    def sign_in(self, email: str, password: str) -> None:
        """Sign in through the sign-in form; raise if the server refuses."""
        form = read_form(self.get("/login").text, "/login", page_path="/login")
        form.update(email=[email], password=[password])
        page = self.post("/login", form)
        if page.status != 302:
            raise RuntimeError(f"signing in {email} answered {page.status}, not 302")

    def cookie_header(self) -> str:
        """Return the Cookie header this browser would send, for another load generator."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)


def read_form(html: str, action: str, page_path: str | None = None) -> dict[str, list[str]]:
    """Return the fields of the form posting to ``action``, each choice set to a valid answer.

    A form without an action posts to its own page, ``page_path``. Hidden fields
    keep their values; each radio group, checkbox group and select gets its
    first real option, so a quiz form comes back complete.
    """
    parser = _FormParser(action, page_path)
    parser.feed(html)
    if not parser.found:
        raise ValueError(f"no form posting to {action} on the page")
    return parser.fields


class _FormParser(HTMLParser):
    def __init__(self, action: str, page_path: str | None):
        super().__init__()
        self.action = action
        self.page_path = page_path or ""
        self.fields: dict[str, list[str]] = {}
        self.found = False
        self._inside = False
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            posts_to = attributes.get("action") or self.page_path
            self._inside = urllib.parse.urlsplit(posts_to).path == self.action
            self.found = self.found or self._inside
        if not self._inside:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("radio", "checkbox"):
                self.fields.setdefault(name, [attributes.get("value", "on")])
            elif kind not in ("submit", "button"):
                self.fields[name] = [attributes.get("value", "")]
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and attributes.get("value"):
            self.fields.setdefault(self._select, [attributes["value"]])

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
