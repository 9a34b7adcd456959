"""``course remind``: queue the reminders that are due, then deliver everything the outbox holds."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from course import mail
from course.content import get_catalog
from course.db import new_session, utcnow
from course.mail.delivery import deliver_queued, queued_count
from course.manage.reminders import describe, plan_reminders, queue_reminders


@click.command("remind")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send and record nothing.")
@with_appcontext
def remind_command(dry_run: bool) -> None:
    """Send the reminders that are due (due soon, overdue, inactive), each once; safe in cron."""
    now = utcnow()
    if dry_run:
        with new_session() as session:
            plan = plan_reminders(session, get_catalog(), now.date())
        for line in describe(plan):
            click.echo(f"would send\t{line}")
        click.echo(
            f"{len(plan.reminders)} reminders and {len(plan.digests)} digests would be sent; "
            f"{queued_count()} mails wait in the outbox."
        )
        return
    if not mail.is_configured():
        raise click.ClickException(
            "COURSE_SMTP_URL is not set, so the site sends no mail: no reminders were sent."
        )
    if not current_app.config["BASE_URL"]:
        raise click.ClickException(
            "COURSE_BASE_URL is not set, so reminders could not link to the site: "
            "set it to the site's public address, like https://learn.example.com"
        )
    with new_session(write=True) as session:
        plan = queue_reminders(session, plan_reminders(session, get_catalog(), now.date()), now)
        session.commit()
    for line in describe(plan):
        click.echo(f"queued\t{line}")
    delivery = deliver_queued()
    left = queued_count()
    click.echo(f"{delivery.sent} mails sent; {left} still queued.")
    if delivery.failed:
        raise click.ClickException(
            f"{delivery.failed} could not be sent ({delivery.error}); they are tried again later."
        )
