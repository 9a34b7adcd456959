"""Addresses in pages, each built once per process rather than on every request.

A page asks for the same dozen addresses every time it is shown (the header's
links, the stylesheet, the lesson's neighbours), and werkzeug builds each one
by walking its rules. What an address is depends only on the endpoint, its
values and where the app is mounted, so each is built once and remembered.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask import Flask, current_app, request, url_for

# Enough for every page's links and the ids recently shown; older ones are rebuilt.
REMEMBERED = 4096


def page_url_for(endpoint: str, **values) -> str:
    """Return ``url_for(endpoint, **values)``, remembered for the next page that asks."""
    # Relative endpoints depend on the blueprint, "_" options on the request: build those.
    if endpoint.startswith(".") or any(name.startswith("_") for name in values):
        return url_for(endpoint, **values)
    try:
        # Each value's type is part of the key: 1 and True are equal keys, not equal addresses.
        arguments = tuple(sorted((name, type(value), value) for name, value in values.items()))
        key = (request.script_root, endpoint, arguments)
        return current_app.extensions["course_addresses"](key)
    except TypeError:  # a value that cannot be a key (a list) is built every time
        return url_for(endpoint, **values)


@dataclass(frozen=True)
class SiteLinks:
    """The addresses every page's head and header link to."""

    outline: str
    my_progress: str
    manage: str
    account: str
    sign_out: str
    sign_in: str
    register: str
    stylesheet: str
    script: str


def site_links() -> SiteLinks:
    """Return the head's and header's addresses where the app is mounted (one call per page)."""
    return current_app.extensions["course_site_links"](request.script_root)


def init_app(app: Flask, static_versions: dict[str, str]) -> None:
    """Give templates remembered ``url_for``, ``static_url`` (with each file's hash) and links."""

    @lru_cache(maxsize=REMEMBERED)
    def build(key: tuple) -> str:
        _script_root, endpoint, arguments = key
        return url_for(endpoint, **{name: value for name, _type, value in arguments})

    app.extensions["course_addresses"] = build
    app.jinja_env.globals["url_for"] = page_url_for

    def static_url(filename: str) -> str:
        # Every static address carries its file's hash, so browsers may keep them a year.
        return page_url_for("static", filename=filename, v=static_versions.get(filename))

    app.jinja_env.globals["static_url"] = static_url

    @lru_cache(maxsize=8)  # one per mount point the app answers under
    def links_under(_script_root: str) -> SiteLinks:
        return SiteLinks(
            outline=page_url_for("learn.outline"),
            my_progress=page_url_for("progress.my_progress"),
            manage=page_url_for("manage.index"),
            account=page_url_for("auth.account"),
            sign_out=page_url_for("auth.logout"),
            sign_in=page_url_for("auth.login"),
            register=page_url_for("auth.register"),
            stylesheet=static_url("course.css"),
            script=static_url("course.js"),
        )

    app.extensions["course_site_links"] = links_under
    app.jinja_env.globals["site_links"] = site_links
