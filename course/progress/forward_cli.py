"""``course xapi forward``: send the learning records not yet delivered to the LRS."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import OperationalError

xapi_cli = AppGroup("xapi", help="Send learning records to a learning record store (LRS).")


@xapi_cli.command("forward")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 1000),
    default=100,
    show_default=True,
    help="Statements per request to the LRS.",
)
def forward_command(batch_size: int) -> None:
    """Send the learning records not yet delivered to the LRS, each once; safe in cron."""
    # Imported here: the HTTP client is needed by this command alone, not by every process.
    from course.progress.forwarding import forward_records, waiting_count
    from course.progress.lrs import LrsClient, LrsSetupError, lrs_address

    config = current_app.config
    try:
        address = lrs_address(config["LRS_URL"], config["LRS_AUTH"])
    except LrsSetupError as error:
        raise click.ClickException(f"{error}; nothing was sent.") from None
    if not config["BASE_URL"]:
        # Activity ids are sent once and never again: under a wrong address they would stay wrong.
        raise click.ClickException(
            "COURSE_BASE_URL is not set, so statements could not name the site's activities: "
            "set it to the site's public address, like https://learn.example.com; "
            "nothing was sent."
        )
    lrs = LrsClient(address)
    try:
        forwarding = forward_records(lrs, base_url=config["BASE_URL"], batch_size=batch_size)
        waiting = waiting_count()
    except OperationalError as error:
        # Whatever the store took but could not be marked goes again with a later run
        # (once its claim is stale), and the store drops the repeats by their ids.
        raise click.ClickException(
            f"the database did not answer ({error.orig or error}); "
            "later runs send what was not marked delivered."
        ) from None
    finally:
        lrs.close()
    for line in forwarding.batches:
        click.echo(line)
    for rejection in forwarding.rejected:
        click.echo(
            f"rejected statement {rejection.statement_id} (learning record "
            f"{rejection.record_id}): {rejection.detail}",
            err=True,
        )
    already = f" ({forwarding.duplicates} the LRS had already)" if forwarding.duplicates else ""
    click.echo(
        f"{_statements(forwarding.sent + forwarding.duplicates)} delivered{already}; "
        f"{waiting} wait for a later run."
    )
    if forwarding.stopped:
        if forwarding.is_misconfigured:
            hint = "fix the setting, then run this again"
        else:
            hint = "what it did not take is sent by a later run"
        raise click.ClickException(
            f"the LRS at {address.statements_url} did not take a batch: "
            f"{forwarding.stopped}; {hint}."
        )
    if forwarding.rejected:
        raise click.ClickException(
            f"the LRS rejected {_statements(len(forwarding.rejected))} (listed above); "
            "they stay undelivered and are tried again by each run."
        )


def _statements(count: int) -> str:
    return "1 statement" if count == 1 else f"{count} statements"
