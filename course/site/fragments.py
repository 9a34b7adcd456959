"""Parts of pages that depend only on course content, rendered once per process.

A lesson's text, its table of contents and the links to its neighbours are the
same for every learner who opens it, yet a page would render them on every
request. ``render_once`` keeps each such part, keyed by its template, where the
app is mounted, and the identity of the content objects it shows. The catalog
is immutable and a reload builds new objects, so a kept part never goes stale:
it stops matching. A template rendered this way must use only what it is given
(never ``current_user``, the session or a CSRF token).
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from markupsafe import Markup

from course.remembered import Remembered

# Enough for every lesson's parts in a course several times the size of ours.
REMEMBERED = 2048


def render_once(template_name: str, **content: object) -> Markup:
    """Return ``template_name`` rendered with ``content`` (catalog objects), rendering it once."""
    # Catalog objects are compared by identity: cheaper than hashing a lesson's
    # text, and a reloaded catalog's objects are new ones.
    key = (
        template_name,
        request.script_root,
        *((name, id(value)) for name, value in content.items()),
    )
    kept: Remembered = current_app.extensions["course_fragments"]
    found = kept.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], content.values(), strict=True)):
        return found[1]
    # The template's own autoescaping made it safe; Markup only says so.
    rendered = Markup(render_template(template_name, **content))  # noqa: S704
    # Holding the objects keeps their ids from being reused by others.
    kept.put(key, (tuple(content.values()), rendered))
    return rendered


def init_app(app: Flask) -> None:
    app.extensions["course_fragments"] = Remembered(REMEMBERED)
    app.jinja_env.globals["render_once"] = render_once
