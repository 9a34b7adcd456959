"""Where things live: every item's address and every static file's, built by the app's URL map.

No route is written out anywhere else. In a request each address follows where
the app is mounted (``SCRIPT_NAME``, e.g. ``/academy``); outside one (an xAPI
export) an item's path is given below the app's root, for the caller to put
after the site's public address.

Content HTML (Markdown rendered when the catalog loads) is the same for every
mount point, so its links to other items keep the form the author wrote,
``lesson:<slug>``; ``resolve_links`` turns them into addresses as a page shows it.

An address that comes from outside (a ``next`` parameter) is only ever followed when
it is a path on this site: ``safe_next_path``.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, request, url_for
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from course.content.model import OutlineItem

ITEM_ENDPOINTS = {"lesson": "learn.lesson", "quiz": "learn.quiz", "scenario": "learn.scenario"}
SLUG_MARK = "slug-mark"
# As Werkzeug quotes a path segment and Flask an anchor: a slug (lowercase
# letters, digits, hyphens) and a heading id come out as they went in.
SEGMENT_SAFE = "!$&'()*+,/:;=@"
FRAGMENT_SAFE = "%!#$&'()*+,/:;=?@"

# Raw HTML is never let through Markdown, so an href attribute in content HTML
# is always one the renderer wrote, and one that starts with an item kind is an
# item link (author text saying href="..." is escaped to href=&quot;...).
ITEM_HREF_RE = re.compile(r'href="(lesson|quiz|scenario):([^"#]+)(?:#([^"]*))?"')


def fix_item_paths(app: Flask) -> None:
    """Read where each kind of item lives from the URL map, once its routes are registered.

    An item page links to every item of the course (its contents list), and
    ``url_for``'s general machinery, run twenty times, was a tenth of the page's
    time. The route of each kind is fixed when the app is made, so its path up
    to the slug is read from the map here, once; only where the app is mounted
    varies with the request.
    """
    urls = app.url_map.bind("localhost")
    paths = {}
    for kind, endpoint in ITEM_ENDPOINTS.items():
        path = urls.build(endpoint, {"slug": SLUG_MARK})
        if not path.endswith(SLUG_MARK):
            raise RuntimeError(f"the route of {endpoint} does not end with its slug: {path}")
        paths[kind] = path.removesuffix(SLUG_MARK)
    app.extensions["course_item_paths"] = paths


def fix_page_paths(app: Flask) -> None:
    """Give templates ``page_url``: the address of a page whose route takes no argument.

    Called once every feature's routes are registered. The header links to five
    such pages on every page, and ``url_for``'s general machinery, run five times,
    was an eighth of a lesson page's template. Their paths are read from the map
    here, once; only where the app is mounted varies with the request.
    """
    urls = app.url_map.bind("localhost")
    paths = {
        rule.endpoint: urls.build(rule.endpoint, {})
        for rule in app.url_map.iter_rules()
        if not rule.arguments
    }

    def page_url(endpoint: str) -> str:
        return request.script_root + paths[endpoint]

    app.jinja_env.globals["page_url"] = page_url


def item_path(kind: str, slug: str) -> str:
    """Return an item's path below the app's root (``/lessons/<slug>``), in a request or not."""
    return current_app.extensions["course_item_paths"][kind] + quote(slug, safe=SEGMENT_SAFE)


class ItemAddresses:
    """Addresses of item pages where the app is mounted in this request.

    Made once for a page that links to many items (the course contents), so the
    request and the app are looked up once rather than for every link.
    """

    def __init__(self, root: str, paths: dict[str, str]):
        self.root = root
        self.paths = paths

    def of_item(self, item: OutlineItem) -> str:
        """Return the address of an item of the catalog's outline."""
        # Its slug was checked to be lowercase letters, digits and hyphens when the
        # catalog loaded, and a path keeps those as they are: nothing to quote.
        return self.root + self.paths[item.kind] + item.slug

    def of(self, kind: str, slug: str, fragment: str | None = None) -> str:
        address = self.root + self.paths[kind] + quote(slug, safe=SEGMENT_SAFE)
        if fragment:
            address += "#" + quote(fragment, safe=FRAGMENT_SAFE)
        return address


def item_addresses() -> ItemAddresses:
    """Return the item addresses of this request."""
    return ItemAddresses(request.script_root, current_app.extensions["course_item_paths"])


def item_address(kind: str, slug: str, fragment: str | None = None) -> str:
    """Return the address of an item's page in this request, where the app is mounted."""
    return item_addresses().of(kind, slug, fragment)


def resolve_links(content_html: str) -> Markup:
    """Return content HTML, safe to show, with its item links made addresses for this request."""

    addresses = item_addresses()

    def address(match: re.Match) -> str:
        kind, slug, fragment = match.groups()  # as written in the attribute: escaped
        address = addresses.of(kind, html.unescape(slug), html.unescape(fragment or ""))
        return f'href="{escape(address)}"'

    # Markdown with raw HTML refused and an allowlist of link schemes: safe as rendered.
    return Markup(ITEM_HREF_RE.sub(address, content_html))  # noqa: S704


def static_versions(app: Flask) -> dict[str, str]:
    """Hash each static file once, so its address changes whenever it does."""
    root = Path(app.static_folder)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        for path in root.rglob("*")
        if path.is_file()
    }


def init_app(app: Flask) -> None:
    """Give templates ``static_url`` (addresses with each file's hash) and ``resolve_links``."""
    # Every static address carries its file's hash, so browsers may keep them a
    # year. The files and their hashes are fixed while the app runs, so each path
    # is built once here; every page names three of them.
    urls = app.url_map.bind("localhost")
    paths = {
        filename: urls.build("static", {"filename": filename, "v": version})
        for filename, version in static_versions(app).items()
    }

    def static_url(filename: str) -> str:
        if filename not in paths:
            return url_for("static", filename=filename)
        return request.script_root + paths[filename]

    app.jinja_env.globals["static_url"] = static_url
    app.jinja_env.filters["resolve_links"] = resolve_links


def safe_next_path(target: str | None) -> str | None:
    """Return ``target`` when it is a path on this site, else None.

    Browsers read ``//host`` and ``/\\host`` as other sites, and drop tabs and
    newlines inside addresses, so anything of that kind is refused.
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ch in target for ch in "\\\t\r\n") or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
