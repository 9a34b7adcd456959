"""A yardstick between the bare app and the lesson page: the course, signed in, doing nothing else.

The course app with every setting, extension and hook the lesson page has, and
one more page that checks the learner's sign-in (as every learner page does) and
answers a constant as long as the lesson page. Its throughput shows how much of
the lesson page's cost is what any signed-in request costs here, and how much is
the lesson page's own work: its progress query and its template.
"""

from __future__ import annotations

import os

from flask import Flask
from flask_login import login_required

from course import create_app

PATH = "/bench/signed-in-constant"
BODY_LENGTH_VARIABLE = "BENCH_BODY_LENGTH"


def create_app_with_constant_page() -> Flask:
    """Return the course app plus the constant signed-in page (for gunicorn)."""
    app = create_app()
    body = "x" * int(os.environ.get(BODY_LENGTH_VARIABLE, "9000"))

    @app.get(PATH)
    @login_required
    def signed_in_constant():
        return body

    return app
