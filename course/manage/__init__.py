"""Cohorts, invites and the reports managers read."""

from flask import Flask

from course.auth.invitations import Inviter, invitations_from


def init_app(app: Flask) -> None:
    """Register the manager's pages and commands, and the invite links that open sign-up."""
    # Imported here, not at the top: other features read manage's tables (through
    # course.permissions), and importing course.membership must not pull in the
    # manager's views, which themselves read course.permissions.
    from course.manage import people, reminder_views  # noqa: F401  (their routes join the blueprint)
    from course.manage.export_cli import export_cli
    from course.manage.invites import invitation_from_link
    from course.manage.join import answer_first
    from course.manage.remind_cli import remind_command
    from course.manage.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(export_cli)
    app.cli.add_command(remind_command)
    invitations_from(app, Inviter(held_invitation=invitation_from_link, answer_first=answer_first))
