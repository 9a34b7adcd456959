"""``course export xapi --cohort ID``: a cohort's learning records as xAPI, one per line."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from course.db import new_session
from course.manage.cohorts import member_ids
from course.manage.models import Cohort
from course.progress.xapi import statements

export_cli = AppGroup("export", help="Export learning records.")


@export_cli.command("xapi")
@click.option("--cohort", "cohort_id", type=int, required=True, help="The cohort's id.")
@click.option(
    "--base-url",
    default=None,
    help="The site's address, for activity ids (default: from SERVER_NAME, or http://localhost).",
)
def export_xapi_command(cohort_id: int, base_url: str | None) -> None:
    """Write the cohort's learning records as xAPI statements, one JSON object per line."""
    server = current_app.config.get("SERVER_NAME")
    base_url = base_url or (
        f"{current_app.config['PREFERRED_URL_SCHEME']}://{server}" if server else "http://localhost"
    )
    with new_session() as session:
        if session.get(Cohort, cohort_id) is None:
            raise click.ClickException(f"there is no cohort {cohort_id}")
        # Members only: an invited learner's records are not the cohort's until they accept.
        for body in statements(session, member_ids(cohort_id), base_url):
            click.echo(json.dumps(body, separators=(",", ":")))
