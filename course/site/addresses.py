"""Where things live: every item's address and every static file's, built by the app's URL map.

No route is written out anywhere else. In a request each address follows where
the app is mounted (``SCRIPT_NAME``, e.g. ``/academy``); outside one (an xAPI
export) an item's path is given below the app's root, for the caller to put
after the site's public address.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, current_app, url_for

ITEM_ENDPOINTS = {"lesson": "learn.lesson", "quiz": "learn.quiz", "scenario": "learn.scenario"}


def item_address(kind: str, slug: str, fragment: str | None = None) -> str:
    """Return the address of an item's page in this request, where the app is mounted."""
    return url_for(ITEM_ENDPOINTS[kind], slug=slug, _anchor=fragment or None)


def item_path(kind: str, slug: str) -> str:
    """Return an item's path below the app's root, outside any request (``/lessons/<slug>``)."""
    return current_app.url_map.bind("localhost").build(ITEM_ENDPOINTS[kind], {"slug": slug})


def static_versions(app: Flask) -> dict[str, str]:
    """Hash each static file once, so its address changes whenever it does."""
    root = Path(app.static_folder)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        for path in root.rglob("*")
        if path.is_file()
    }


def init_app(app: Flask) -> None:
    """Give templates ``static_url``: each file's address carries its hash."""
    versions = static_versions(app)

    def static_url(filename: str) -> str:
        # Every static address carries its file's hash, so browsers may keep them a year.
        return url_for("static", filename=filename, v=versions.get(filename))

    app.jinja_env.globals["static_url"] = static_url
