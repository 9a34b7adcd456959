"""The database: migrations (``course db upgrade``, ``downgrade``), ``backup`` and ``check``."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.engine import make_url

from course.config import REPOSITORY_ROOT

if TYPE_CHECKING:
    from alembic.config import Config

db_cli = AppGroup("db", help="Migrate, back up and check the database.")


def alembic_config(database_url: str) -> Config:
    """Return Alembic's configuration (kept in pyproject.toml) for ``database_url``."""
    # Alembic is imported only here and in the commands: it takes a fifth of a
    # second to import, which every start of the app would otherwise pay.
    from alembic.config import Config

    config = Config(toml_file=str(REPOSITORY_ROOT / "pyproject.toml"))
    config.attributes["database_url"] = database_url
    return config


@db_cli.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Bring the database up to REVISION (default: the newest)."""
    from alembic import command

    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)


@db_cli.command("downgrade")
@click.argument("revision")
@with_appcontext
def downgrade_command(revision: str) -> None:
    """Take the database back to REVISION ("base" for empty)."""
    from alembic import command

    command.downgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)


@db_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy a SQLite database to PATH while the app keeps serving."""
    url = make_url(current_app.config["DATABASE_URL"])
    if url.get_backend_name() != "sqlite" or not url.database:
        raise click.ClickException(
            "backup copies SQLite databases; for PostgreSQL use pg_dump (see README)"
        )
    if path.exists():
        raise click.ClickException(f"{path} exists; choose a new file")
    source = sqlite3.connect(url.database)
    target = sqlite3.connect(path)
    try:
        # The backup API copies a consistent snapshot while writers go on.
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()
    click.echo(f"Backed up {url.database} to {path}.")


CHECK_SHOWN = 20  # differences printed; the count says how many more


@db_cli.command("check")
@click.option(
    "--repair", is_flag=True, help="Recompute every summary and tally from the facts after."
)
@with_appcontext
def check_command(repair: bool) -> None:
    """Recompute the summaries and answer tallies from the facts; report any row that differs."""
    from course.auth.models import User
    from course.content import get_catalog
    from course.db import new_session
    from course.progress.answer_tallies import rebuild_answer_tallies, tally_differences
    from course.progress.summaries import (
        outline_rows,
        rebuild_summaries,
        replace_outline,
        stored_outline,
        summary_differences,
    )

    with new_session(write=True) as session:
        connection = session.connection()
        wanted = outline_rows(get_catalog())
        if stored_outline(connection) != wanted:
            # Not a disagreement with the facts: the first page served recomputes them.
            click.echo("The summaries are for an older outline; recomputing them for this one.")
            replace_outline(connection, wanted)
            session.commit()
            connection = session.connection()
        differences = summary_differences(connection)
        tallies = tally_differences(connection)
        if not differences:
            click.echo("Every summary agrees with the facts.")
        else:
            emails = dict(
                session.execute(
                    select(User.id, User.email).where(
                        User.id.in_({difference.user_id for difference in differences})
                    )
                ).all()
            )
            _echo_first(
                f"learner {difference.user_id} ({emails.get(difference.user_id, '?')}), "
                f"{difference.item or 'the course'}: stored {difference.stored}, "
                f"the facts give {difference.recomputed}"
                for difference in differences
            )
        if not tallies:
            click.echo("Every answer tally agrees with the facts.")
        else:
            _echo_first(
                f"{tally.table} {tally.key}: stored {tally.stored}, "
                f"the facts give {tally.recomputed}"
                for tally in tallies
            )
        if not differences and not tallies:
            return
        if repair:
            if differences:
                rebuild_summaries(connection)
                click.echo(f"Recomputed every summary ({len(differences)} rows differed).")
            if tallies:
                rebuild_answer_tallies(connection)
                click.echo(f"Recomputed every answer tally ({len(tallies)} rows differed).")
            session.commit()
            return
    problems = []
    if differences:
        problems.append(f"{len(differences)} summary rows")
    if tallies:
        problems.append(f"{len(tallies)} answer tallies")
    raise click.ClickException(
        f"{' and '.join(problems)} disagree with the facts; "
        "`course db check --repair` recomputes them."
    )


def _echo_first(lines: Iterable[str]) -> None:
    """Print the first CHECK_SHOWN lines to stderr, and how many more there were."""
    lines = list(lines)
    for line in lines[:CHECK_SHOWN]:
        click.echo(line, err=True)
    if len(lines) > CHECK_SHOWN:
        click.echo(f"… and {len(lines) - CHECK_SHOWN} more.", err=True)
