"""``course export xapi --cohort ID``: a cohort's learning records as xAPI, one per line."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from course.config import parse_base_url
from course.db import new_session, utcnow
from course.manage.cohorts import member_ids
from course.membership import Cohort
from course.progress.xapi import statements
from course.site.identity import site_uuid

# Activity ids when neither --base-url nor COURSE_BASE_URL says where the site is:
# what Flask itself puts in addresses made outside a request.
FALLBACK_BASE_URL = "http://localhost"

export_cli = AppGroup("export", help="Export learning records.")


@export_cli.command("xapi")
@click.option("--cohort", "cohort_id", type=int, required=True, help="The cohort's id.")
@click.option(
    "--base-url",
    default=None,
    help=f"The site's public address, for activity ids (default: COURSE_BASE_URL, "
    f"else {FALLBACK_BASE_URL}).",
)
def export_xapi_command(cohort_id: int, base_url: str | None) -> None:
    """Write the cohort's learning records as xAPI statements, one JSON object per line."""
    if base_url:
        try:
            base_url = parse_base_url(base_url, "--base-url")
        except ValueError as error:
            raise click.UsageError(str(error)) from None
    base_url = base_url or current_app.config["BASE_URL"]
    if not base_url:
        base_url = FALLBACK_BASE_URL
        click.echo(
            f"warning: COURSE_BASE_URL is not set, so activity ids begin {FALLBACK_BASE_URL}; "
            "set it to the site's public address",
            err=True,
        )
    # Made (once per database) and committed on its own, so the export itself only reads
    # and never holds SQLite's write lock while it streams.
    with new_session(write=True) as session:
        site_id = site_uuid(session, utcnow())
        session.commit()
    with new_session() as session:
        if session.get(Cohort, cohort_id) is None:
            raise click.ClickException(f"there is no cohort {cohort_id}")
        # Members only: an invited learner's records are not the cohort's until they accept.
        members = member_ids(cohort_id)
        for body in statements(session, members, base_url=base_url, site_id=site_id):
            click.echo(json.dumps(body, separators=(",", ":")))
