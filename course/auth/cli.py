"""``course users create``."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from course.auth import accounts
from course.auth.details import NotAnEmailError, name_problem, normalised_email
from course.auth.models import Role
from course.auth.passwords import password_problem
from course.db import new_session

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's name as shown in the app.")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    default=Role.LEARNER.value,
    show_default=True,
)
@click.option("--password-stdin", is_flag=True, help="Read the password as one line of stdin.")
def create_user_command(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create an account."""
    # Checked before the password is asked for, so nobody types one in vain.
    try:
        normalised_email(email)
    except NotAnEmailError as error:
        raise click.ClickException(f"{email!r} is not an email address: {error}") from None
    problem = name_problem(name)
    if problem:
        raise click.ClickException(f"name refused: {problem}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password, user_inputs=(email, name))
    if problem:
        raise click.ClickException(f"password refused: {problem}")
    with new_session(write=True) as session:
        try:
            user = accounts.create_user(
                session, email=email, name=name, password=password, role=Role(role)
            )
        except accounts.AccountError as error:
            raise click.ClickException(str(error)) from None
        session.commit()
        click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")
